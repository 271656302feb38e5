// Seeks to random positions once snapshots exist, and a bisect, against a full replay and a seek.

import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { bisectTrace, predicateOracle } from '../../src/query/bisect.js';
import { compilePredicate } from '../../src/query/predicate.js';
import { Seeker } from '../../src/query/seek.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { median, percentile, seeded, timed } from '../measure.js';
import { row, type BenchRow } from '../report.js';

const SEEKS = 100;

export async function seekWorkload(
  db: SqlDatabase,
  trace: TraceRecord,
  replaySeconds: number,
): Promise<{ rows: BenchRow[]; median: number }> {
  const seeker = new Seeker(db, trace, defaultPolicies());
  const build = await timed(() => seeker.ensureSnapshots());
  const next = seeded(7);
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
      row({
        workload: 'seek x100',
        measure: 'median seconds',
        value: med,
        baselineName: 'full replay',
        baseline: replaySeconds,
        target: '<= 0.02x',
        met: med <= replaySeconds / 50,
        note: `snapshots built in ${build.seconds.toFixed(2)} s`,
      }),
      row({
        workload: 'seek x100',
        measure: 'p99 ms',
        value: p99 * 1000,
        baselineName: '-',
        baseline: undefined,
        target: '<= 100 ms',
        met: p99 <= 0.1,
      }),
    ],
  };
}

/**
 * A bisect whose answer is the middle event (predicate `event.seq >= n/2`), against one seek (the
 * median of the seeks above). Targets: at most ceil(log2 n)+2 rebuilt states, 2 s in all.
 */
export async function bisectWorkload(db: SqlDatabase, trace: TraceRecord, seekMedian: number | undefined): Promise<BenchRow[]> {
  const seeker = new Seeker(db, trace, defaultPolicies());
  seeker.ensureSnapshots();
  const boundary = Math.floor(trace.eventCount / 2);
  const run = await timed(() => bisectTrace(seeker, predicateOracle(seeker, compilePredicate(`event.seq >= ${boundary}.0`))));
  const { seq, rebuilt, bound } = run.value;
  if (seq !== boundary) throw new Error(`bisect answered ${seq}, the boundary is ${boundary}`);
  return [
    row({
      workload: 'bisect',
      measure: 'rebuilt states',
      value: rebuilt,
      baselineName: 'ceil(log2 n)+2',
      baseline: bound,
      target: '<= 1.0x',
      met: rebuilt <= bound,
    }),
    row({
      workload: 'bisect',
      measure: 'seconds',
      value: run.seconds,
      baselineName: 'one seek (median)',
      baseline: seekMedian,
      target: '<= 2 s',
      met: run.seconds <= 2,
      note: `found event ${seq}`,
    }),
  ];
}
