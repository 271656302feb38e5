// A copy of a real strace recording as a slower observer would have printed it: every line's time,
// and every call's start and return, later by a random ptrace latency. Per thread the order stays
// what strace could print (a call starts after the one before returned), and the lines are sorted by
// their new times as strace writes them in the order it sees things. Only times change.

export { seeded } from '../../bench/measure.js';

const PREFIX = /^(\d+)(\s+)(\d+\.\d+)( .*)$/;
const DURATION = / <(\d+\.\d+)>$/;

/** Seconds as strace prints them, from whole microseconds. */
const us = (micro: number) => (micro / 1e6).toFixed(6);
const micro = (s: number) => Math.round(s * 1e6);

export function jitterStrace(lines: readonly string[], random: () => number, minS = 100e-6, maxS = 300e-6): string[] {
  // Everything in whole microseconds, as strace has it.
  const late = () => micro(minS + (maxS - minS) * random());
  const lastOf = new Map<string, number>();
  /** The jittered start of each thread's unfinished call, for its resumed line's -T. */
  const openStart = new Map<string, number>();
  const out: { ts: number; text: string; at: number }[] = [];
  lines.forEach((line, at) => {
    const m = PREFIX.exec(line);
    if (!m) {
      out.push({ ts: -Infinity, text: line, at });
      return;
    }
    const [, tid, gap, tsText, rest] = m as unknown as [string, string, string, string, string];
    const ts = micro(Number(tsText));
    const floor = lastOf.get(tid) ?? -Infinity;
    const d = DURATION.exec(rest);
    const resumed = rest.startsWith(' <... ');
    let start = Math.max(ts + late(), floor);
    let text: string;
    if (resumed && d) {
      // The resumed line is stamped when strace sees the return: its time and -T move together.
      const began = openStart.get(tid) ?? start;
      const end = Math.max(ts + late(), floor, began);
      start = end;
      text = `${tid}${gap}${us(end)}${rest.slice(0, d.index)} <${us(end - began)}>`;
      openStart.delete(tid);
    } else if (d) {
      const end = Math.max(ts + micro(Number(d[1])) + late(), start);
      text = `${tid}${gap}${us(start)}${rest.slice(0, d.index)} <${us(end - start)}>`;
      lastOf.set(tid, end);
      out.push({ ts: start, text, at });
      return;
    } else {
      if (rest.endsWith(' <unfinished ...>')) openStart.set(tid, start);
      text = `${tid}${gap}${us(start)}${rest}`;
    }
    lastOf.set(tid, start);
    out.push({ ts: start, text, at });
  });
  // Sorted by the new times; lines without a time keep their place relative to the line before.
  let last = -Infinity;
  for (const o of out) o.ts = o.ts === -Infinity ? last : (last = o.ts);
  return out.sort((a, b) => a.ts - b.ts || a.at - b.at).map((o) => o.text);
}
