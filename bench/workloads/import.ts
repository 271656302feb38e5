// Import of the whole trace by the real CLI in a child process (time and peak RSS), against the
// storage floor: the sqlite3 shell's `.import` of the same event rows, pre-parsed to CSV, into a table
// made by the same CREATE TABLE events statement. Also the database size against the text size.

import { closeSync, createReadStream, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { EVENT_COLUMNS } from '../../src/store/event-codec.js';
import { median, runChild } from '../measure.js';
import { row, type BenchRow } from '../report.js';
import { CLI, MIGRATIONS } from '../paths.js';

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

/** The events table's CREATE statement as migration 001 has it. */
export function eventsTableDdl(): string {
  const sql = readFileSync(join(MIGRATIONS, '001_initial.sql'), 'utf8');
  const m = /CREATE TABLE events \([\s\S]*?\)(?: WITHOUT ROWID)?;/.exec(sql);
  if (!m) throw new Error('migrations/001_initial.sql has no CREATE TABLE events statement');
  return m[0];
}

export async function importWorkload(trace: string, dir: string, runs: number): Promise<ImportResult> {
  const db = join(dir, 'bench.db');
  const csv = join(dir, 'events.csv');
  const floorDb = join(dir, 'floor.db');
  const ours: number[] = [];
  const floors: number[] = [];
  let peak = 0;
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const r = await runChild(process.execPath, [CLI, '--db', db, '--json', 'import', trace, '--name', 'bench']);
    ours.push(r.seconds);
    peak = Math.max(peak, r.peakRss ?? 0);
    stdout = r.stdout;
    if (i === 0) {
      // The same rows as CSV, written once (not timed): what the storage floor is given.
      const out = openSync(csv, 'w');
      const dump = spawnSync('sqlite3', ['-csv', db, `SELECT ${EVENT_COLUMNS.join(', ')} FROM events ORDER BY trace_id, seq`], {
        stdio: ['ignore', out, 'pipe'],
      });
      closeSync(out);
      if (dump.status !== 0) throw new Error(`sqlite3 could not dump the events: ${dump.stderr}`);
    }
    rmSync(floorDb, { force: true });
    const f = await runChild('sqlite3', [floorDb], { input: `${eventsTableDdl()}\n.import --csv ${csv} events\n` });
    floors.push(f.seconds);
  }
  const imported = JSON.parse(stdout) as { events: number; name: string };
  const size = ['', '-wal'].reduce((n, s) => n + (statSync(`${db}${s}`, { throwIfNoEntry: false })?.size ?? 0), 0);
  const text = await textBytes(trace);
  const seconds = median(ours);
  const floor = median(floors);
  rmSync(csv, { force: true });
  rmSync(floorDb, { force: true });
  return {
    db,
    traceName: imported.name,
    events: imported.events,
    rows: [
      row({
        workload: 'import',
        measure: 'seconds',
        value: seconds,
        baselineName: 'sqlite3 .import CSV',
        baseline: floor,
        target: '<= 1.0x',
        met: seconds <= floor,
        note: `${imported.events.toLocaleString('en-US')} events, ${Math.round(imported.events / seconds).toLocaleString('en-US')} events/s; median of ${runs}`,
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
