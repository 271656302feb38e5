import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError } from '../../src/errors.js';
import { checkTraceName, idOf, MAX_NAME_LENGTH, shownName } from '../../src/store/trace-names.js';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('trace names', () => {
  it('#digits is an id; anything else, digits included, is a name', () => {
    assert.equal(idOf('#12'), 12);
    assert.equal(idOf('12'), undefined);
    assert.equal(idOf('#x'), undefined);
  });

  it('refuses control characters, escapes, line breaks, bidi overrides, a leading #, .yaml and overlong names', () => {
    for (const bad of ['a\nb', 'a\x1b[2Jb', 'a\rb', 'a\u202eb', 'a\u2028b', '#1', 'x.yaml', ' pad', '', 'n'.repeat(MAX_NAME_LENGTH + 1)])
      assert.throws(() => checkTraceName(bad), StoreError, JSON.stringify(bad.slice(0, 20)));
    for (const good of ['1', 'pc', 'qemu-pc-64m.strace', 'my run 2', 'Zürich', 'n'.repeat(MAX_NAME_LENGTH)]) checkTraceName(good);
  });

  it('shows any name escaped and cut, so a name cannot rewrite a terminal', () => {
    assert.equal(shownName('a\x1b[31mb'), 'a\\u001b[31mb');
    assert.ok(shownName('x'.repeat(100_000)).length < 120);
  });

  it('the CLI refuses such names at import and escapes and cuts the ones an older store holds', () => {
    const db = join(tempDir(), 's.db');
    for (const bad of ['evil\n\x1b[2J', 'x'.repeat(100_000)]) {
      const run = hvreplay(db, ['import', 'test/fixtures/traces/mini.strace', '--name', bad]);
      assert.equal(run.status, 2);
      assert.ok(!run.stderr.includes('\x1b') && run.stderr.length < 400, run.stderr.slice(0, 200));
    }
    assert.equal(hvreplay(db, ['import', 'test/fixtures/traces/mini.strace', '--name', 'ok']).status, 0);
    // Names an older hvreplay let in (whose rows carry no checksum).
    const raw = new Database(db);
    raw.prepare("UPDATE traces SET name = ?, row_crc = NULL WHERE name = 'ok'").run('old\x1b]0;pwned\x07' + 'y'.repeat(100_000));
    raw.close();
    const list = hvreplay(db, ['traces']);
    assert.equal(list.status, 0, list.stderr);
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(list.stdout));
    assert.ok(list.stdout.split('\n').every((line) => line.length < 400));
  });
});
