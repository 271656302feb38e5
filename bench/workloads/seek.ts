// Seeks to random positions once snapshots exist, and bisect, against a full replay. Both need modules
// another part of the project provides (src/query/seek.ts, src/query/bisect.ts); until they are there
// the workloads report themselves skipped instead of failing the bench.

import { defaultPolicies } from '../../src/engine/policy/registry.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { median, percentile, timed } from '../measure.js';
import { row, skipped, type BenchRow } from '../report.js';

const SEEKS = 100;

interface SeekerLike {
  ensureSnapshots(): unknown;
  stepAt(at: number): unknown;
}

/** A module path held in a variable, so tsc does not insist it exists at build time. */
async function optionalModule(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch (error) {
    // Only the module itself missing; a module that is there but broken is an error worth seeing.
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(path.split('/').at(-1)!);
    if (missing) return undefined;
    throw error;
  }
}

export async function seekWorkload(db: SqlDatabase, trace: TraceRecord, replaySeconds: number): Promise<{ rows: BenchRow[]; median?: number }> {
  const target = 'median <= 1/50 of full replay; p99 <= 100 ms';
  const mod = await optionalModule('../../src/query/seek.js');
  const Seeker = mod?.Seeker as (new (db: SqlDatabase, trace: TraceRecord, policies: unknown) => SeekerLike) | undefined;
  if (!Seeker) return { rows: [skipped('seek x100', target, 'src/query/seek.ts (class Seeker) is not in this build yet')] };
  const seeker = new Seeker(db, trace, defaultPolicies());
  const build = await timed(() => seeker.ensureSnapshots());
  // A fixed seed, so every run seeks to the same positions.
  let s = 7;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const times: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const at = Math.floor(next() * trace.eventCount);
    times.push((await timed(() => seeker.stepAt(at))).seconds);
  }
  const med = median(times);
  const p99 = percentile(times, 99);
  return {
    median: med,
    rows: [
      row({ workload: 'seek x100', measure: 'median seconds', value: med, baselineName: 'full replay', baseline: replaySeconds, target: '<= 0.02x', met: med <= replaySeconds / 50, note: `snapshots built in ${build.seconds.toFixed(2)} s` }),
      row({ workload: 'seek x100', measure: 'p99 ms', value: p99 * 1000, baselineName: '-', baseline: undefined, target: '<= 100 ms', met: p99 <= 0.1 }),
    ],
  };
}

interface BisectApi {
  bisectTrace(seeker: SeekerLike, oracle: (seq: number) => unknown): { seq?: number; rebuilt: number; bound: number };
  predicateOracle(seeker: SeekerLike, predicate: unknown): (seq: number) => unknown;
}

/**
 * A bisect whose answer is the middle event (predicate `event.seq >= n/2`), against one seek (the
 * median of the seeks above). Targets: at most ceil(log2 n)+2 rebuilt states, 2 s in all.
 */
export async function bisectWorkload(db: SqlDatabase, trace: TraceRecord, seekMedian: number | undefined): Promise<BenchRow[]> {
  const target = '<= ceil(log2 n)+2 states; <= 2 s';
  const bisect = (await optionalModule('../../src/query/bisect.js')) as Partial<BisectApi> | undefined;
  const predicate = await optionalModule('../../src/query/predicate.js');
  const seek = await optionalModule('../../src/query/seek.js');
  const Seeker = seek?.Seeker as (new (db: SqlDatabase, trace: TraceRecord, policies: unknown) => SeekerLike) | undefined;
  const compilePredicate = predicate?.compilePredicate as ((source: string) => unknown) | undefined;
  if (!bisect?.bisectTrace || !bisect.predicateOracle || !compilePredicate || !Seeker) {
    return [skipped('bisect', target, 'src/query/bisect.ts, predicate.ts and seek.ts are not all in this build yet')];
  }
  const seeker = new Seeker(db, trace, defaultPolicies());
  seeker.ensureSnapshots();
  const boundary = Math.floor(trace.eventCount / 2);
  const run = await timed(() => bisect.bisectTrace!(seeker, bisect.predicateOracle!(seeker, compilePredicate(`event.seq >= ${boundary}`))));
  const { seq, rebuilt, bound } = run.value;
  if (seq !== boundary) throw new Error(`bisect answered ${seq}, the boundary is ${boundary}`);
  return [
    row({ workload: 'bisect', measure: 'rebuilt states', value: rebuilt, baselineName: 'ceil(log2 n)+2', baseline: bound, target: '<= 1.0x', met: rebuilt <= bound }),
    row({ workload: 'bisect', measure: 'seconds', value: run.seconds, baselineName: 'one seek (median)', baseline: seekMedian, target: '<= 2 s', met: run.seconds <= 2, note: `found event ${seq}` }),
  ];
}
