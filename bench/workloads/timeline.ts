// `stats` and `export` on the whole trace, each against a full replay run alongside: the same fold with
// no timeline, in the same process, runs alternating (time); and the CLI's `replay --quiet` in a child
// process (peak RSS), since both must stream the trace, not hold it.

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PerfettoWriter } from '../../src/cli/present/timeline/perfetto-writer.js';
import { TimelineTracks } from '../../src/cli/present/timeline/timeline-tracks.js';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { fold } from '../../src/engine/replay.js';
import { initialStateFor } from '../../src/query/initial-state.js';
import { traceStats } from '../../src/query/stats/trace-stats.js';
import { TimelineClock } from '../../src/query/timeline/clock.js';
import { replayTimeline } from '../../src/query/timeline/replay-timeline.js';
import { readEvents } from '../../src/store/event-reader.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { median, runChild, timed } from '../measure.js';
import { CLI } from '../paths.js';
import { row, type BenchRow } from '../report.js';

const TIME_TARGET = 2.0;
const RSS_TARGET = 1.5;

function exportOnce(db: SqlDatabase, trace: TraceRecord, out: string): void {
  const clock = new TimelineClock(trace);
  const writer = new PerfettoWriter(out, clock.originNs);
  replayTimeline(db, trace, defaultPolicies(), new TimelineTracks(writer).accept, { clock });
  writer.close();
}

export async function timelineWorkload(
  db: SqlDatabase,
  dbPath: string,
  trace: TraceRecord,
  dir: string,
  runs: number,
): Promise<BenchRow[]> {
  const policies = defaultPolicies();
  const out = join(dir, 'bench.pftrace');
  const replays: number[] = [];
  const stats: number[] = [];
  const exports: number[] = [];
  for (let i = 0; i < runs; i++) {
    replays.push((await timed(() => fold(readEvents(db, trace), policies, initialStateFor(trace)))).seconds);
    stats.push((await timed(() => traceStats(db, trace, policies))).seconds);
    exports.push((await timed(() => exportOnce(db, trace, out))).seconds);
  }
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  // Peak RSS of the real commands in child processes; `replay --quiet` is the streaming floor.
  const child = (args: string[]) => runChild(process.execPath, [CLI, '--db', dbPath, ...args]);
  const replayRss = (await child(['replay', trace.name, '--quiet'])).peakRss;
  const statsRss = (await child(['stats', trace.name])).peakRss;
  const exportRss = (await child(['export', trace.name, '-o', out])).peakRss;
  rmSync(out, { force: true });
  const replay = median(replays);
  const mb = (n: number | undefined) => (n === undefined ? undefined : n / 2 ** 20);
  const rows: BenchRow[] = [];
  for (const [name, seconds, rss] of [
    ['stats', median(stats), statsRss],
    ['export perfetto', median(exports), exportRss],
  ] as const) {
    rows.push(
      row({
        workload: name,
        measure: 'seconds',
        value: seconds,
        baselineName: 'full replay',
        baseline: replay,
        target: `<= ${TIME_TARGET}x`,
        met: seconds <= TIME_TARGET * replay,
        note: `median of ${runs}${name === 'export perfetto' ? `; ${(bytes / 2 ** 20).toFixed(1)} MB written` : ''}`,
      }),
      row({
        workload: name,
        measure: 'peak RSS MB',
        value: mb(rss),
        baselineName: 'replay --quiet RSS',
        baseline: mb(replayRss),
        target: `<= ${RSS_TARGET}x`,
        met: rss === undefined || replayRss === undefined ? undefined : rss <= RSS_TARGET * replayRss,
      }),
    );
  }
  return rows;
}
