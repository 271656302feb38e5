// Ten million events (README "Performance": what 100M and 1B would cost is projected from these).
// A generated ftrace file with the big trace's mix (bench/generate-trace.ts), then, each by the real
// CLI in a child process with its peak RSS:
//  - the import, against the plain-table floor of the same events;
//  - the first `state --at` the middle event, which builds the snapshot set with a full replay,
//    against a full `replay --quiet` once the set exists (the same replay without building it);
//  - a seek: `state --at` another event once the set exists, against `hvreplay --version`.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateTrace } from '../generate-trace.js';
import { runChild } from '../measure.js';
import { row, type BenchRow } from '../report.js';
import { CLI } from '../paths.js';
import { plainFloor } from '../floors.js';
import { importChild } from './import.js';

export const TEN_MILLION = 10_000_000;
const MB = 2 ** 20;

export async function tenMillionWorkload(dir: string, log: (msg: string) => void, events = TEN_MILLION): Promise<BenchRow[]> {
  const file = join(dir, 'ten-million.ftrace');
  const db = join(dir, 'ten-million.db');
  const g = await generateTrace(file, events, 1015);
  log(`${events.toLocaleString('en-US')} events: ${(g.bytes / MB).toFixed(0)} MB of ftrace text; importing`);
  const floor = plainFloor(dir);
  try {
    const imported = await importChild(file, db, 'ten-million');
    rmSync(file, { force: true });
    floor.prepare(db, 'ten-million');
    const floorSeconds = await floor.run();
    floor.dispose();
    const cli = (args: string[]) => runChild(process.execPath, [CLI, '--db', db, ...args]);
    log('first state --at (builds the snapshots), then replay --quiet and a seek');
    const first = await cli(['state', 'ten-million', '--at', String(Math.floor(events / 2))]);
    const replay = await cli(['replay', 'ten-million', '--quiet']);
    const seek = await cli(['state', 'ten-million', '--at', String(Math.floor(events * 0.7) + 123)]);
    const startup = await runChild(process.execPath, [CLI, '--version']);
    const rate = events / first.seconds;
    const rss = (r: { peakRss: number | undefined }) => (r.peakRss ?? 0) / MB;
    const bounded = (r: { peakRss: number | undefined }) => r.peakRss !== undefined && r.peakRss <= 300 * MB;
    return [
      row({
        workload: '10M events: import',
        measure: 'seconds',
        value: imported.seconds,
        baselineName: 'plain-table floor',
        baseline: floorSeconds,
        target: '<= 1.0x',
        met: imported.seconds <= floorSeconds,
        note: `${Math.round(imported.events / imported.seconds).toLocaleString('en-US')} events/s, peak RSS ${rss(imported).toFixed(0)} MB`,
      }),
      row({
        workload: '10M events: import',
        measure: 'peak RSS MB',
        value: rss(imported),
        baselineName: '-',
        baseline: undefined,
        target: '<= 300 MB',
        met: bounded(imported),
      }),
      row({
        workload: '10M events: first state --at',
        measure: 'seconds',
        value: first.seconds,
        baselineName: 'replay --quiet, set built',
        baseline: replay.seconds,
        target: '>= 1M events/s',
        met: rate >= 1e6,
        note: `${Math.round(rate).toLocaleString('en-US')} events/s building the snapshots; replay --quiet peak RSS ${rss(replay).toFixed(0)} MB`,
      }),
      row({
        workload: '10M events: first state --at',
        measure: 'peak RSS MB',
        value: rss(first),
        baselineName: '-',
        baseline: undefined,
        target: '< 300 MB',
        met: bounded(first),
      }),
      row({
        workload: '10M events: seek (state --at)',
        measure: 'seconds',
        value: seek.seconds,
        baselineName: 'hvreplay --version',
        baseline: startup.seconds,
        target: '<= 1 s',
        met: seek.seconds <= 1,
        note: `peak RSS ${rss(seek).toFixed(0)} MB`,
      }),
    ];
  } finally {
    floor.dispose();
    for (const f of [file, db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  }
}
