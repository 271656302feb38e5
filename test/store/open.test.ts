import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError } from '../../src/errors.js';
import { latestVersion, loadMigrations } from '../../src/store/migrate.js';
import { APPLICATION_ID } from '../../src/store/identify.js';
import { dbPath, openStore } from '../../src/store/open.js';
import { tempDir } from '../helpers/temp.js';

describe('openStore', () => {
  it('given a path with no file, creates the schema at the latest version in WAL mode', () => {
    const path = join(tempDir(), 'fresh.db');
    const db = openStore(path);
    assert.equal(db.pragma('user_version', { simple: true }), latestVersion());
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name").pluck().all() as string[];
    for (const t of ['events', 'traces', 'snapshots', 'strings', 'kinds', 'event_log', 'memslot_calls', 'userspace_exits'])
      assert.ok(tables.includes(t), t);
    db.close();
  });

  it('given an existing store, reopens it without applying migrations again', () => {
    const path = join(tempDir(), 'again.db');
    const first = openStore(path);
    first.prepare("INSERT INTO strings (text) VALUES ('kept')").run();
    first.close();
    const second = openStore(path);
    assert.equal(second.prepare("SELECT count(*) FROM strings WHERE text = 'kept'").pluck().get(), 1);
    assert.equal(second.prepare('SELECT count(*) FROM kinds').pluck().get(), 9);
    second.close();
  });

  it('refuses a file from a newer hvreplay and leaves it byte for byte untouched', () => {
    const path = join(tempDir(), 'newer.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${latestVersion() + 1}`);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    const before = readFileSync(path);
    assert.throws(
      () => openStore(path),
      (e: unknown) => e instanceof StoreError && /newer than this hvreplay knows/.test(e.message),
    );
    assert.deepEqual(readFileSync(path), before);
  });

  it('refuses a file that is not SQLite with the path in the message', () => {
    const path = join(tempDir(), 'text.db');
    writeFileSync(path, 'this is not a database, just text long enough to have a header '.repeat(20));
    assert.throws(
      () => openStore(path),
      (e: unknown) => e instanceof StoreError && e.message.startsWith(path),
    );
  });

  it('takes --db first, then HVREPLAY_DB, then ./hvreplay.db', () => {
    assert.equal(dbPath('a.db', { HVREPLAY_DB: 'b.db' }), 'a.db');
    assert.equal(dbPath(undefined, { HVREPLAY_DB: 'b.db' }), 'b.db');
    assert.equal(dbPath(undefined, {}), 'hvreplay.db');
  });

  it('refuses an empty path from --db or HVREPLAY_DB, and :memory:, which would lose what is imported', () => {
    assert.throws(() => dbPath('', {}), /--db is empty/);
    assert.throws(() => dbPath(undefined, { HVREPLAY_DB: '' }), /HVREPLAY_DB is set but empty/);
    assert.throws(() => dbPath(':memory:', {}), StoreError);
  });

  it('for reading, creates nothing where no file is, and migrates nothing in an older store', () => {
    const dir = tempDir();
    assert.throws(() => openStore(join(dir, 'none.db'), { mode: 'read' }), /no store here yet/);
    assert.ok(!existsSync(join(dir, 'none.db')));
    // A version 2 store, as hvreplay made them before it wrote its application_id.
    const path = join(dir, 'v2.db');
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    for (const m of loadMigrations().filter((m) => m.version <= 2)) raw.exec(m.sql);
    raw.pragma('user_version = 2');
    raw.close();
    const before = readFileSync(path);
    const db = openStore(path, { mode: 'read' });
    assert.equal(db.prepare('SELECT count(*) FROM traces').pluck().get(), 0);
    db.close();
    assert.deepEqual(readFileSync(path), before);
    const writer = openStore(path, { mode: 'write' });
    assert.equal(writer.pragma('user_version', { simple: true }), latestVersion());
    assert.equal(writer.pragma('application_id', { simple: true }), APPLICATION_ID);
    writer.close();
  });
});
