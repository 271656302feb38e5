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
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

export async function seekWorkload(db: SqlDatabase, trace: TraceRecord, replaySeconds: number): Promise<BenchRow[]> {
  const target = 'median <= 1/50 of full replay; p99 <= 100 ms';
  const mod = await optionalModule('../../src/query/seek.js');
  const Seeker = mod?.Seeker as (new (db: SqlDatabase, trace: TraceRecord, policies: unknown) => SeekerLike) | undefined;
  if (!Seeker) return [skipped('seek x100', target, 'src/query/seek.ts (class Seeker) is not in this build yet')];
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
  return [
    row({ workload: 'seek x100', measure: 'median seconds', value: med, baselineName: 'full replay', baseline: replaySeconds, target: '<= 0.02x', met: med <= replaySeconds / 50, note: `snapshots built in ${build.seconds.toFixed(2)} s` }),
    row({ workload: 'seek x100', measure: 'p99 ms', value: p99 * 1000, baselineName: '-', baseline: undefined, target: '<= 100 ms', met: p99 <= 0.1 }),
  ];
}

export async function bisectWorkload(): Promise<BenchRow[]> {
  const target = '<= ceil(log2 n)+2 states; <= 2 s';
  const mod = await optionalModule('../../src/query/bisect.js');
  if (!mod) return [skipped('bisect', target, 'src/query/bisect.ts is not in this build yet')];
  return [skipped('bisect', target, 'src/query/bisect.ts exists but bench/workloads/seek.ts does not drive it yet: wire its API in here')];
}
