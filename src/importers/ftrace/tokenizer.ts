// ftrace tokenizer: the common prefix of a tracefs `trace` / `trace_pipe` line or a `trace-cmd report`
// line, hand-scanned (no regex, no allocation beyond the substrings kept), because the big traces have
// millions of lines. Shapes handled:
//   tracefs, irq-info on (5 flag chars, kernels >= 5.15; 4 on older ones):
//          mini-vmm-3202    [001] d..1.   299.147505: kvm_write_tsc_offset: vcpu=0 prev=0 next=...
//            a.out-20024 [001] d... 2323301.154934: kvm_entry: vcpu 0
//   irq-info off (no flags column):
//         bash-3147    [001]    299.200888: tracing_mark_write: hvreplay fixture ...
//   record-tgid on:  bash-1977  ( 1977) [000] ....  ...
//   trace-cmd report (event name padded to a column, no flags column by default):
//    qemu-system-x86-6660  [007]   398.691475: kvm_exit:             reason IO_INSTRUCTION rip ...
//   comms with spaces and dashes: `CPU 0/KVM-7289`, `kworker/u4:1-123`, `<...>`: the pid is after the
//   LAST dash before the ` [CPU]` column.

export interface FtraceFields {
  comm: string;
  pid: number;
  cpu: number;
  /** The irq-info flags column as printed, or undefined when the line has none. */
  flags: string | undefined;
  ts: number;
  event: string;
  /** Everything after `event: ` with trace-cmd's column padding removed. */
  payload: string;
}

/** Returns undefined when the line does not have the TASK-PID [CPU] [FLAGS] TIMESTAMP: EVENT: shape. */
export function tokenizeFtraceLine(line: string): FtraceFields | undefined {
  const n = line.length;
  let i = 0;
  while (i < n && line.charCodeAt(i) === 0x20) i++;
  const commStart = i;
  // The CPU column: " [" digits "]". A comm could contain " [" in theory, so keep looking on a miss.
  let lb = line.indexOf(' [', i);
  let cpuEnd = -1;
  while (lb >= 0) {
    let j = lb + 2;
    while (j < n && isDigit(line.charCodeAt(j))) j++;
    if (j > lb + 2 && j <= lb + 12 && line.charCodeAt(j) === 0x5d /* ] */) {
      cpuEnd = j;
      break;
    }
    lb = line.indexOf(' [', lb + 1);
  }
  if (cpuEnd < 0) return undefined;
  const cpu = toInt(line, lb + 2, cpuEnd);
  // TASK-PID, possibly followed by the record-tgid column "(  123)".
  let e = lb;
  while (e > commStart && line.charCodeAt(e - 1) === 0x20) e--;
  if (line.charCodeAt(e - 1) === 0x29 /* ) */) {
    const open = line.lastIndexOf('(', e);
    if (open < commStart) return undefined;
    e = open;
    while (e > commStart && line.charCodeAt(e - 1) === 0x20) e--;
  }
  const dash = line.lastIndexOf('-', e - 1);
  if (dash <= commStart - 1 || dash === e - 1) return undefined;
  // A pid is a pid_t: more than ten digits is not one, and would not survive as a number.
  if (e - dash - 1 > 10) return undefined;
  for (let k = dash + 1; k < e; k++) if (!isDigit(line.charCodeAt(k))) return undefined;
  const pid = toInt(line, dash + 1, e);
  const comm = line.slice(commStart, dash);
  // Optional flags, then the timestamp that ends with ':'.
  i = cpuEnd + 1;
  while (i < n && line.charCodeAt(i) === 0x20) i++;
  let tokEnd = line.indexOf(' ', i);
  if (tokEnd < 0) return undefined;
  let flags: string | undefined;
  if (line.charCodeAt(tokEnd - 1) !== 0x3a /* : */) {
    flags = line.slice(i, tokEnd);
    i = tokEnd;
    while (i < n && line.charCodeAt(i) === 0x20) i++;
    tokEnd = line.indexOf(' ', i);
    if (tokEnd < 0 || line.charCodeAt(tokEnd - 1) !== 0x3a) return undefined;
  }
  const ts = toTimestamp(line, i, tokEnd - 1);
  if (ts === undefined) return undefined;
  // Event name up to ':'; payload after ": " and any padding.
  i = tokEnd + 1;
  const colon = line.indexOf(':', i);
  if (colon <= i) return undefined;
  const event = line.slice(i, colon);
  if (event.indexOf(' ') >= 0) return undefined;
  i = colon + 1;
  while (i < n && line.charCodeAt(i) === 0x20) i++;
  return { comm, pid, cpu, flags, ts, event, payload: line.slice(i) };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function toInt(s: string, from: number, to: number): number {
  let v = 0;
  for (let k = from; k < to; k++) v = v * 10 + (s.charCodeAt(k) - 0x30);
  return v;
}

/**
 * `seconds.micro` (tracefs, trace-cmd) or plain integer nanoseconds (`trace-cmd report -t` style raw
 * counters); both to seconds.
 */
function toTimestamp(s: string, from: number, to: number): number | undefined {
  if (to <= from) return undefined;
  let dot = -1;
  let digits = 0;
  let v = 0;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x2e) {
      if (dot >= 0) return undefined;
      dot = k;
    } else if (!isDigit(c)) return undefined;
    else {
      v = v * 10 + (c - 0x30);
      digits++;
    }
  }
  if (dot < 0) return v / 1e9;
  // All the digits as one integer over a power of ten: both exact below 2^53, so the one division is
  // correctly rounded and gives the double nearest the decimal, the same as Number() of the text,
  // without cutting a substring out of every line.
  if (digits <= 15) return v / POW10[to - dot - 1]!;
  return Number(s.slice(from, to));
}

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
