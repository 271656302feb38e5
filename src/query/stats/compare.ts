import type { ExitLevel } from '../timeline/items.js';
import type { ExitRow, StatsReport } from './trace-stats.js';

// Two traces' stats side by side, the way a before/after-a-patch comparison is read: per exit reason the
// change in count and in time, with B/A ratios. Reports in, report out: each side is one traceStats call.

export interface ComparedExit {
  level: ExitLevel;
  reason: string;
  countA: number;
  countB: number;
  /** countB - countA. */
  change: number;
  /** countB / countA; null when A has none. */
  ratio: number | null;
  meanNsA: number | null;
  meanNsB: number | null;
  meanRatio: number | null;
  p99NsA: number | null;
  p99NsB: number | null;
  totalNsA: number | null;
  totalNsB: number | null;
  totalRatio: number | null;
}

export interface ComparedIoctl {
  name: string;
  callsA: number;
  callsB: number;
  change: number;
  ratio: number | null;
  errorsA: number;
  errorsB: number;
}

export interface StatsComparison {
  a: string;
  b: string;
  policies: { a: string; b: string };
  exits: ComparedExit[];
  ioctls: ComparedIoctl[];
}

const ratio = (b: number | null | undefined, a: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || a === 0 ? null : b / a;

const errorCount = (errors: Record<string, number> | undefined) => Object.values(errors ?? {}).reduce((n, k) => n + k, 0);

export function compareStats(a: StatsReport, b: StatsReport): StatsComparison {
  const key = (r: ExitRow) => `${r.level}/${r.reason}`;
  const rowsA = new Map(a.exitsByReason.map((r) => [key(r), r]));
  const rowsB = new Map(b.exitsByReason.map((r) => [key(r), r]));
  const keys = [...new Set([...rowsA.keys(), ...rowsB.keys()])];
  const exits = keys.map((k): ComparedExit => {
    const ra = rowsA.get(k);
    const rb = rowsB.get(k);
    const any = (ra ?? rb)!;
    const countA = ra?.count ?? 0;
    const countB = rb?.count ?? 0;
    return {
      level: any.level,
      reason: any.reason ?? '',
      countA,
      countB,
      change: countB - countA,
      ratio: ratio(countB, countA),
      meanNsA: ra?.time?.meanNs ?? null,
      meanNsB: rb?.time?.meanNs ?? null,
      meanRatio: ratio(rb?.time?.meanNs, ra?.time?.meanNs),
      p99NsA: ra?.time?.p99Ns ?? null,
      p99NsB: rb?.time?.p99Ns ?? null,
      totalNsA: ra?.time?.totalNs ?? null,
      totalNsB: rb?.time?.totalNs ?? null,
      totalRatio: ratio(rb?.time?.totalNs, ra?.time?.totalNs),
    };
  });
  exits.sort((x, y) =>
    x.level === y.level ? Math.abs(y.change) - Math.abs(x.change) || y.countB - x.countB : x.level === 'userspace' ? -1 : 1,
  );
  const ioA = new Map(a.ioctls.map((r) => [r.name, r]));
  const ioB = new Map(b.ioctls.map((r) => [r.name, r]));
  const ioctls = [...new Set([...ioA.keys(), ...ioB.keys()])]
    .map((name): ComparedIoctl => {
      const callsA = ioA.get(name)?.calls ?? 0;
      const callsB = ioB.get(name)?.calls ?? 0;
      return {
        name,
        callsA,
        callsB,
        change: callsB - callsA,
        ratio: ratio(callsB, callsA),
        errorsA: errorCount(ioA.get(name)?.errors),
        errorsB: errorCount(ioB.get(name)?.errors),
      };
    })
    .sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || x.name.localeCompare(y.name));
  return { a: a.trace, b: b.trace, policies: { a: a.policies, b: b.policies }, exits, ioctls };
}
