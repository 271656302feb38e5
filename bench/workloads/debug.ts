// The debugger's moves as a user at the prompt sees them: each is one command line through the
// interpreter (the seek or fold, and the text it prints), from random positions, against a seek.

import { runLine } from '../../src/cli/debug/commands.js';
import { DebugSession } from '../../src/cli/debug/session.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { median, percentile, seeded, timed } from '../measure.js';
import { row, type BenchRow } from '../report.js';

const MOVES = 200;
const LIMIT_MS = 50;

export async function debugWorkload(db: SqlDatabase, trace: TraceRecord, seekMedian: number | undefined): Promise<BenchRow[]> {
  const session = new DebugSession(db, trace, [], 0, () => {});
  const next = seeded(11);
  const somewhere = () => 1 + Math.floor(next() * (trace.eventCount - 2));
  const moves: [string, () => string][] = [
    ['step', () => (session.goto(somewhere()), 'step')],
    ['back', () => (session.goto(somewhere()), 'back')],
    ['goto N', () => `goto ${somewhere()}`],
  ];
  const rows: BenchRow[] = [];
  for (const [label, prepare] of moves) {
    const times: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const line = prepare();
      times.push((await timed(() => runLine(session, line))).seconds * 1000);
    }
    const med = median(times);
    const p99 = percentile(times, 99);
    rows.push(
      row({
        workload: `debug ${label}`,
        measure: 'median ms',
        value: med,
        baselineName: 'one seek (median)',
        baseline: seekMedian === undefined ? undefined : seekMedian * 1000,
        target: `<= ${LIMIT_MS} ms`,
        met: med <= LIMIT_MS,
      }),
      row({
        workload: `debug ${label}`,
        measure: 'p99 ms',
        value: p99,
        baselineName: '-',
        baseline: undefined,
        target: `<= ${LIMIT_MS} ms`,
        met: p99 <= LIMIT_MS,
      }),
    );
  }
  return rows;
}
