// strace tokenizer: one output line of `strace [-f] [-t|-tt|-ttt] [-T] [-y] [--kvm=vcpu]` into its
// parts, with no interpretation of what a call means (that is parser.ts). Shapes, from strace 6.1:
//   [pid  9877] 1795260116.433362 ioctl(5<anon_inode:kvm-vcpu:0>, KVM_RUN, 0) = 0 (KVM_EXIT_IO) <0.000524>
//   9889  11:33:31.210337 ioctl(5<anon_inode:kvm-vcpu:0>, KVM_RUN <unfinished ...>
//   3172  1795260811.539343 <... ioctl resumed>, 0) = 0 (KVM_EXIT_HLT) <0.311571>
//   3184  1795260811.977941 --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=3183, si_uid=0} ---
//   3189  1795260812.310610 +++ killed by SIGKILL +++
//   strace: Process 3196 attached

export type StraceClock = 'epoch' | 'time_of_day' | 'none';

export interface StracePrefix {
  /** The pid column (bare or `[pid N]`); undefined when strace printed none. */
  tid: number | undefined;
  ts: number | undefined;
  clock: StraceClock;
}

export type StraceBody =
  | { type: 'call'; name: string; argsText: string; retText: string | undefined; duration: number | undefined; unfinished: boolean }
  | { type: 'resumed'; name: string; rest: string }
  | { type: 'signal'; signal: string; info: string }
  | { type: 'exit'; code: number | undefined; signal: string | undefined }
  | { type: 'tool_message'; text: string };

export type StraceLine = StracePrefix & { body: StraceBody };

// Anchored once per line: optional pid column (a pid_t: ten digits at most), optional timestamp
// (-ttt epoch.micro, or -t/-tt HH:MM:SS[.micro]), then the body.
const PREFIX = /^(?:\[pid\s+(\d{1,10})\]\s+|(\d{1,10})\s+)?(?:(\d+\.\d+)\s+|(\d\d):(\d\d):(\d\d)(\.\d+)?\s+)?/;
const CALL = /^([A-Za-z_][\w]*)\((.*)$/;
const RESUMED = /^<\.\.\. ([\w]+) resumed>(.*)$/;
const SIGNAL = /^--- (\S+) (.*) ---$/;
const EXITED = /^\+\+\+ exited with (-?\d+) \+\+\+$/;
const KILLED = /^\+\+\+ killed by (\S+)(?: \(core dumped\))? \+\+\+$/;
const DURATION = / <(\d+\.\d+)>$/;
const UNFINISHED = ' <unfinished ...>';

/** Returns undefined when the line has none of strace's shapes. */
export function tokenizeStraceLine(line: string): StraceLine | undefined {
  if (line.startsWith('strace: ')) return { tid: undefined, ts: undefined, clock: 'none', body: { type: 'tool_message', text: line } };
  const m = PREFIX.exec(line);
  if (!m) return undefined;
  const pidText = m[1] ?? m[2];
  const tid = pidText === undefined ? undefined : Number(pidText);
  let ts: number | undefined;
  let clock: StraceClock = 'none';
  if (m[3] !== undefined) {
    ts = Number(m[3]);
    clock = 'epoch';
  } else if (m[4] !== undefined) {
    ts = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]) + (m[7] === undefined ? 0 : Number(m[7]));
    clock = 'time_of_day';
  }
  const body = tokenizeBody(line.slice(m[0].length));
  return body ? { tid, ts, clock, body } : undefined;
}

function tokenizeBody(text: string): StraceBody | undefined {
  const c0 = text.charCodeAt(0);
  if (c0 === 0x3c /* < */) {
    const r = RESUMED.exec(text);
    return r ? { type: 'resumed', name: r[1]!, rest: r[2]! } : undefined;
  }
  if (c0 === 0x2d /* - */) {
    const s = SIGNAL.exec(text);
    return s ? { type: 'signal', signal: s[1]!, info: s[2]! } : undefined;
  }
  if (c0 === 0x2b /* + */) {
    const e = EXITED.exec(text);
    if (e) return { type: 'exit', code: Number(e[1]), signal: undefined };
    const k = KILLED.exec(text);
    return k ? { type: 'exit', code: undefined, signal: k[1]! } : undefined;
  }
  const c = CALL.exec(text);
  if (!c) return undefined;
  return splitCall(c[1]!, c[2]!);
}

/** `NAME(` already consumed; `rest` is `args) = ret [<dur>]` or `args <unfinished ...>`. */
export function splitCall(name: string, rest: string): StraceBody | undefined {
  if (rest.endsWith(UNFINISHED)) {
    return { type: 'call', name, argsText: rest.slice(0, -UNFINISHED.length), retText: undefined, duration: undefined, unfinished: true };
  }
  let duration: number | undefined;
  const d = DURATION.exec(rest);
  if (d) {
    duration = Number(d[1]);
    rest = rest.slice(0, d.index);
  }
  // The call's closing parenthesis is the last `) = ` (without -T strace pads it: `)     = 0`): an
  // errno text such as "(Inappropriate ioctl for device)" follows it but never contains it.
  let eq = rest.lastIndexOf(' = ');
  let close = -1;
  while (eq > 0) {
    let j = eq;
    while (j > 0 && rest.charCodeAt(j - 1) === 0x20) j--;
    if (j > 0 && rest.charCodeAt(j - 1) === 0x29 /* ) */) {
      close = j - 1;
      break;
    }
    eq = rest.lastIndexOf(' = ', eq - 1);
  }
  if (close < 0) return undefined;
  return { type: 'call', name, argsText: rest.slice(0, close), retText: rest.slice(eq + 3), duration, unfinished: false };
}

/**
 * Split an argument list at its top-level commas. Respects (), {}, [], "strings" with escapes and
 * -y decorations `3</path, even with commas>` (a `<` right after a digit opens one). `balanced` is false
 * when a bracket closes that was never opened, one is left open, or a string is not closed: a line cut
 * or garbled, which no field can be read from.
 */
export function scanArgs(text: string): { parts: string[]; balanced: boolean } {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let balanced = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (i >= text.length) balanced = false;
    } else if (ch === 0x3c /* < */ && i > 0 && isDigit(text.charCodeAt(i - 1))) {
      const end = text.indexOf('>', i);
      if (end > 0) i = end;
    } else if (ch === 0x28 || ch === 0x7b || ch === 0x5b) depth++;
    else if (ch === 0x29 || ch === 0x7d || ch === 0x5d) {
      if (--depth < 0) balanced = false;
    } else if (ch === 0x2c /* , */ && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return { parts: out, balanced: balanced && depth === 0 };
}

export function splitArgs(text: string): string[] {
  return scanArgs(text).parts;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
