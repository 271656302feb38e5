// Import of the whole trace by the real CLI in a child process (time and peak RSS), against two
// floors run alongside (bench/floors.ts): the plain table, the cheapest way to get the same events into
// SQLite, and hvreplay's own schema filled by the sqlite3 shell. Also the database size against the
// text size. Runs alternate, so that the shared machine's noise falls on all three.

import { closeSync, createReadStream, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { median, runChild, type ChildRun } from '../measure.js';
import { row, type BenchRow } from '../report.js';
import { CLI } from '../paths.js';
import { plainFloor, schemaFloor } from '../floors.js';

export interface ImportResult {
  rows: BenchRow[];
  db: string;
  traceName: string;
  events: number;
}

/** Bytes of the text a (possibly gzipped) trace unpacks to. */
export async function textBytes(path: string): Promise<number> {
  const fd = openSync(path, 'r');
  const magic = Buffer.alloc(2);
  const bytesRead = readSync(fd, magic, 0, 2, 0);
  closeSync(fd);
  if (bytesRead < 2 || magic[0] !== 0x1f || magic[1] !== 0x8b) return statSync(path).size;
  let n = 0;
  for await (const chunk of createReadStream(path).pipe(createGunzip())) n += (chunk as Buffer).length;
  return n;
}

/** `hvreplay import FILE --name NAME` into a new store `db`, in a child process. */
export async function importChild(
  file: string,
  db: string,
  name: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildRun & { events: number }> {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const r = await runChild(process.execPath, [CLI, '--db', db, '--json', 'import', file, '--name', name], { env });
  return { ...r, events: (JSON.parse(r.stdout) as { events: number }).events };
}

export async function importWorkload(trace: string, dir: string, runs: number): Promise<ImportResult> {
  const db = join(dir, 'bench.db');
  const plain = plainFloor(dir);
  const schema = schemaFloor(dir);
  const ours: number[] = [];
  const plains: number[] = [];
  const schemas: number[] = [];
  const oneThread: number[] = [];
  let peak = 0;
  let events = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const r = await importChild(trace, db, 'bench');
      ours.push(r.seconds);
      peak = Math.max(peak, r.peakRss ?? 0);
      events = r.events;
      if (i === 0) {
        plain.prepare(db, 'bench');
        schema.prepare(db, 'bench');
      }
      plains.push(await plain.run());
      schemas.push(await schema.run());
      // Whether parsing on a second thread pays: the same import on one.
      oneThread.push((await importChild(trace, db, 'bench', { HVREPLAY_IMPORT_THREADS: '1' })).seconds);
    }
  } finally {
    plain.dispose();
    schema.dispose();
  }
  const size = ['', '-wal'].reduce((n, s) => n + (statSync(`${db}${s}`, { throwIfNoEntry: false })?.size ?? 0), 0);
  const text = await textBytes(trace);
  const seconds = median(ours);
  const note = `${events.toLocaleString('en-US')} events, ${Math.round(events / seconds).toLocaleString('en-US')} events/s; median of ${runs}`;
  return {
    db,
    traceName: 'bench',
    events,
    rows: [
      row({
        workload: 'import',
        measure: 'seconds',
        value: seconds,
        baselineName: 'plain-table floor',
        baseline: median(plains),
        target: '<= 1.0x',
        met: seconds <= median(plains),
        note,
      }),
      row({
        workload: 'import',
        measure: 'seconds',
        value: seconds,
        baselineName: 'hvreplay-schema floor',
        baseline: median(schemas),
        target: '<= 1.0x',
        met: seconds <= median(schemas),
      }),
      row({
        workload: 'import',
        measure: 'seconds',
        value: seconds,
        baselineName: 'the same on one thread',
        baseline: median(oneThread),
        target: '< 1.0x',
        met: seconds < median(oneThread),
        note: 'parsing on a worker thread while this one stores, against HVREPLAY_IMPORT_THREADS=1',
      }),
      row({
        workload: 'import',
        measure: 'peak RSS MB',
        value: peak / 2 ** 20,
        baselineName: '-',
        baseline: undefined,
        target: '<= 300 MB',
        met: peak > 0 && peak <= 300 * 2 ** 20,
      }),
      row({
        workload: 'database size',
        measure: 'MB',
        value: size / 2 ** 20,
        baselineName: 'uncompressed text',
        baseline: text / 2 ** 20,
        target: '<= 0.6x',
        met: size <= 0.6 * text,
      }),
    ],
  };
}
