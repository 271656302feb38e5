// What the cheapest ways to get the same events into SQLite cost, run alongside an import: the
// sqlite3 shell's `.import` of a CSV, given the rows ready-made (writing the CSV is not timed).
//  - the plain floor: seq, ts, cpu, pid, comm, name, args into a rowid table with no key and no
//    index, the shape `sqlite3 .import` gives anyone in a minute;
//  - the schema floor: every column of hvreplay's own events table (WITHOUT ROWID, interned ids).

import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EVENT_COLUMNS } from '../src/store/event-codec.js';
import { runChild } from './measure.js';
import { MIGRATIONS } from './paths.js';

export const PLAIN_TABLE = 'CREATE TABLE events (seq INTEGER, ts REAL, cpu INTEGER, pid INTEGER, comm TEXT, name TEXT, args TEXT);';

/** The events table's CREATE statement as migration 001 has it. */
export function eventsTableDdl(): string {
  const sql = readFileSync(join(MIGRATIONS, '001_initial.sql'), 'utf8');
  const m = /CREATE TABLE events \([\s\S]*?\)(?: WITHOUT ROWID)?;/.exec(sql);
  if (!m) throw new Error('migrations/001_initial.sql has no CREATE TABLE events statement');
  return m[0];
}

/** Writes `select` over the store `db` as CSV to `csv` (not timed). */
export function dumpCsv(db: string, select: string, csv: string): void {
  const out = openSync(csv, 'w');
  const dump = spawnSync('sqlite3', ['-csv', db, select], { stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  if (dump.status !== 0) throw new Error(`sqlite3 could not dump the events: ${dump.stderr}`);
}

export interface Floor {
  /** The CSV of the rows, made once by prepare() from an imported store. */
  prepare(db: string, traceName: string): void;
  /** One timed `.import` into a new file; seconds. */
  run(): Promise<number>;
  dispose(): void;
}

function floor(dir: string, tag: string, ddl: () => string, select: (traceName: string) => string): Floor {
  const csv = join(dir, `${tag}.csv`);
  const target = join(dir, `${tag}.db`);
  return {
    prepare: (db, traceName) => dumpCsv(db, select(traceName), csv),
    async run() {
      rmSync(target, { force: true });
      return (await runChild('sqlite3', [target], { input: `${ddl()}\n.import --csv ${csv} events\n` })).seconds;
    },
    dispose() {
      rmSync(csv, { force: true });
      rmSync(target, { force: true });
    },
  };
}

const quoted = (name: string) => `'${name.replaceAll("'", "''")}'`;

export function plainFloor(dir: string): Floor {
  return floor(
    dir,
    'plain',
    () => PLAIN_TABLE,
    (name) => `SELECT seq, ts, cpu, pid, comm, name, args FROM event_log WHERE trace = ${quoted(name)} ORDER BY seq`,
  );
}

export function schemaFloor(dir: string): Floor {
  return floor(dir, 'schema', eventsTableDdl, (name) => {
    const where = `trace_id = (SELECT id FROM traces WHERE name = ${quoted(name)})`;
    return `SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE ${where} ORDER BY trace_id, seq`;
  });
}
