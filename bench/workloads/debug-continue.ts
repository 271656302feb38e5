// The debugger's `continue` with a CEL breakpoint: the predicate is evaluated at every event, so this
// is what a predicate's per-event cost (and the budget's watchdog around each scan batch) adds to a
// scan. Against a full replay of the same events (no predicate), measured in this run.

import { runLine } from '../../src/cli/debug/commands.js';
import { DebugSession } from '../../src/cli/debug/session.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { timed } from '../measure.js';
import { row, type BenchRow } from '../report.js';

export async function debugContinueWorkload(db: SqlDatabase, trace: TraceRecord, replaySeconds: number | undefined): Promise<BenchRow[]> {
  const session = new DebugSession(db, trace, [], 0, () => {});
  const half = Math.floor(trace.eventCount / 2);
  await runLine(session, `break event.seq >= ${half}.0 && size(state.vms) >= 0`);
  const run = await timed(() => runLine(session, 'continue'));
  if (session.seq !== half) throw new Error(`continue stopped at ${session.seq}, the breakpoint is at ${half}`);
  const perEvent = run.seconds / half;
  return [
    row({
      workload: 'debug continue, CEL break',
      measure: 'seconds',
      value: run.seconds,
      baselineName: 'full replay x 1/2',
      baseline: replaySeconds === undefined ? undefined : replaySeconds / 2,
      target: '-',
      met: true,
      note: `${half} events, ${(perEvent * 1e6).toFixed(2)} us an event`,
    }),
  ];
}
