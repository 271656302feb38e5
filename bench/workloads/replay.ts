// Full replay under the default policies, against reading and decoding every event with no reducer.
// Both go through the same reader, so the ratio is what the reducers cost; runs alternate so that
// noise from the shared machine falls on both.

import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { fold } from '../../src/engine/replay.js';
import { initialStateFor } from '../../src/query/initial-state.js';
import { readEvents } from '../../src/store/event-reader.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { median, timed } from '../measure.js';
import { row, type BenchRow } from '../report.js';

export async function replayWorkload(
  db: SqlDatabase,
  trace: TraceRecord,
  runs: number,
): Promise<{ rows: BenchRow[]; replaySeconds: number }> {
  const policies = defaultPolicies();
  const reads: number[] = [];
  const replays: number[] = [];
  for (let i = 0; i < runs; i++) {
    const read = await timed(() => {
      let n = 0;
      for (const event of readEvents(db, trace)) if (event.args !== undefined) n++;
      return n;
    });
    if (read.value !== trace.eventCount) throw new Error(`read ${read.value} events of ${trace.eventCount}`);
    reads.push(read.seconds);
    replays.push((await timed(() => fold(readEvents(db, trace), policies, initialStateFor(trace)))).seconds);
  }
  const replay = median(replays);
  const read = median(reads);
  const rate = trace.eventCount / replay;
  return {
    replaySeconds: replay,
    rows: [
      row({
        workload: 'full replay',
        measure: 'seconds',
        value: replay,
        baselineName: 'read+decode, no reducer',
        baseline: read,
        target: '<= 1.5x',
        met: replay <= 1.5 * read,
        note: `median of ${runs}`,
      }),
      row({
        workload: 'full replay',
        measure: 'events/s',
        value: rate,
        baselineName: '-',
        baseline: undefined,
        target: '>= 2M events/s',
        met: rate >= 2e6,
      }),
    ],
  };
}
