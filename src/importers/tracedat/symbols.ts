// The name tables a trace.dat carries: saved_cmdlines (pid -> comm, for every event's task),
// /proc/kallsyms (address -> function, for %ps such as ftrace:print's ip) and printk_formats
// (address -> trace_printk format, for ftrace:bprint). Parsed as libtraceevent does
// (tep_parse_saved_cmdlines, tep_parse_kallsyms, tep_parse_printk_formats in src/event-parse.c
// and parse-filter helpers); kallsyms and printk formats only when an event needs them.

/** `PID COMM` lines; a comm may contain spaces ("CPU 0/KVM"). */
export function parseCmdlines(text: string): Map<number, string> {
  const comms = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s(.*)$/.exec(line);
    if (m) comms.set(Number(m[1]), m[2]!);
  }
  return comms;
}

/** The comm tracefs and trace-cmd show for a pid: "<idle>" for 0, "<...>" when not saved. */
export function commOf(comms: Map<number, string>, pid: number): string {
  if (pid === 0) return '<idle>';
  return comms.get(pid) ?? '<...>';
}

export class Kallsyms {
  private addresses: BigUint64Array | undefined;
  private names: string[] = [];

  constructor(private readonly text: string) {}

  /** The symbol at or below `address` (the function an ip is in), as %ps prints it. */
  lookup(address: bigint): string | undefined {
    if (!this.addresses) this.load();
    const a = this.addresses!;
    let lo = 0;
    let hi = a.length - 1;
    if (hi < 0 || address < a[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid]! <= address) lo = mid;
      else hi = mid - 1;
    }
    return this.names[lo];
  }

  private load(): void {
    const entries: { address: bigint; name: string }[] = [];
    for (const line of this.text.split('\n')) {
      const m = /^([0-9a-fA-F]+)\s+\S\s+(\S+)/.exec(line);
      if (!m) continue;
      const address = BigInt('0x' + m[1]);
      if (address !== 0n) entries.push({ address, name: m[2]! });
    }
    entries.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
    this.addresses = BigUint64Array.from(entries.map((e) => e.address));
    this.names = entries.map((e) => e.name);
  }
}

/** `0xADDR : "format"` lines of printk_formats. */
export function parsePrintkFormats(text: string): Map<bigint, string> {
  const formats = new Map<bigint, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*0x([0-9a-fA-F]+)\s*:\s*"(.*)"\s*$/.exec(line);
    if (m) formats.set(BigInt('0x' + m[1]), m[2]!);
  }
  return formats;
}
