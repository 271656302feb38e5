import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';

// Guarantee: reads never write to a file that is not a store. Read commands never create or migrate
// a store; someone else's SQLite file is refused before anything is written, by reads and imports alike.

const T = 'test/fixtures/traces';

/** An SQLite file of another program, in rollback-journal mode as most are. */
function foreignFile(dir: string, tables: string): string {
  const path = join(dir, 'other.db');
  const db = new Database(path);
  db.exec(tables);
  db.close();
  return path;
}

function untouched(path: string, before: Buffer): void {
  assert.deepEqual(readFileSync(path), before);
  assert.ok(!existsSync(path + '-wal') && !existsSync(path + '-shm'), 'no WAL files were made');
}

describe('Guarantee: reads never write to a file that is not a store', () => {
  for (const [what, schema] of [
    ['unrelated tables', "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'ada');"],
    ['a table of its own named traces', 'CREATE TABLE traces (id INTEGER PRIMARY KEY, url TEXT);'],
  ]) {
    it(`a file with ${what} is refused byte for byte untouched, by reads and by import`, () => {
      const path = foreignFile(tempDir(), schema!);
      const before = readFileSync(path);
      for (const args of [['traces'], ['log', 'x'], ['state', 'x', '--at', '0'], ['import', `${T}/mini.strace`]]) {
        const run = hvreplay(path, args);
        assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, /not an hvreplay store.*nothing was written/);
        untouched(path, before);
      }
    });
  }

  it('a read command on a path with no file creates nothing', () => {
    const path = join(tempDir(), 'none.db');
    for (const args of [['traces'], ['replay', 'x'], ['debug', 'x']]) {
      const run = hvreplay(path, args);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /no store here yet/);
      assert.ok(!existsSync(path));
    }
  });

  it('an empty file is not a store to read, and becomes one on import', () => {
    const path = join(tempDir(), 'empty.db');
    writeFileSync(path, '');
    assert.equal(hvreplay(path, ['traces']).status, 2);
    assert.equal(readFileSync(path).length, 0);
    assert.equal(hvreplay(path, ['import', `${T}/mini.strace`]).status, 0);
    assert.equal(hvreplay(path, ['traces']).status, 0);
  });

  it('an empty --db or HVREPLAY_DB is a usage error, not a temporary store that vanishes', () => {
    const dir = tempDir();
    const empty = hvreplay('', ['import', join(REPO, T, 'mini.strace')], { cwd: dir });
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /--db is empty/);
    const env = hvreplay('x', ['import', join(REPO, T, 'mini.strace')], { env: { HVREPLAY_DB: '' }, cwd: dir, noDb: true });
    assert.ok(!existsSync(join(dir, 'hvreplay.db')));
    assert.equal(env.status, 2, env.stdout);
    assert.match(env.stderr, /HVREPLAY_DB is set but empty/);
    const memory = hvreplay(':memory:', ['import', `${T}/mini.strace`]);
    assert.equal(memory.status, 2);
  });
});
