import assert from 'node:assert/strict';
import { copyFileSync, openSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// Guarantee: corruption is detected, never answered around. A store holding the bundled `pc` trace is
// damaged the way a disk damages files (64 bytes overwritten) or the way a careless hand does (rows
// changed with sqlite3); every read of the damaged part exits 2 naming the trace and what to do, and
// `hvreplay verify` lists the damage (exit 1).

const T = 'test/fixtures/traces';

function overwrite(path: string, offset: number, bytes = 64): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(bytes, 0x41), 0, bytes, offset);
  closeSync(fd);
}

function hashOf(db: string): { status: number | null; hash?: string; stderr: string } {
  const run = hvreplay(db, ['replay', 'pc', '--json']);
  return { status: run.status, stderr: run.stderr, ...(run.status === 0 ? { hash: JSON.parse(run.stdout).stateHash as string } : {}) };
}

describe('Guarantee: corruption is detected, never answered around', () => {
  const dir = tempDir();
  const clean = join(dir, 'clean.db');
  let cleanHash = '';

  before(() => {
    const run = hvreplay(clean, ['import', `${T}/qemu-pc-64m.strace.gz`, `${T}/qemu-pc-64m.ftrace.gz`, '--name', 'pc']);
    assert.equal(run.status, 0, run.stderr);
    // A copy made before any replay, as in the report: no snapshots yet.
    copyFileSync(clean, join(dir, 'pristine.db'));
    cleanHash = hashOf(clean).hash!;
  });

  it('64 bytes overwritten in the middle: replay exits 2 rather than 0, and verify reports the damage', () => {
    const db = join(dir, 'middle.db');
    copyFileSync(join(dir, 'pristine.db'), db);
    overwrite(db, Math.floor(statSync(db).size / 2));
    const replay = hvreplay(db, ['replay', 'pc', '--quiet']);
    assert.equal(replay.status, 2, replay.stdout);
    assert.match(replay.stderr, /damaged.*verify/s);
    for (const args of [
      ['log', 'pc', '--name', 'none'],
      ['conform', 'pc'],
      ['state', 'pc', '--at', '32798'],
    ])
      assert.equal(hvreplay(db, args).status, 2, args.join(' '));
    const verify = hvreplay(db, ['verify']);
    assert.equal(verify.status, 1, verify.stdout);
    assert.match(verify.stdout, /DAMAGED/);
  });

  it('wherever 64 bytes land, a replay either exits 2 or gives the undamaged answer', () => {
    const size = statSync(join(dir, 'pristine.db')).size;
    for (let i = 1; i <= 7; i++) {
      const db = join(dir, `at-${i}.db`);
      copyFileSync(join(dir, 'pristine.db'), db);
      overwrite(db, Math.floor((size * i) / 8) + 1000);
      const { status, hash, stderr } = hashOf(db);
      if (status === 0) assert.equal(hash, cleanHash, `damage at ${i}/8 answered with another state`);
      else assert.equal(status, 2, stderr);
    }
  });

  it('rows deleted, a trace row or an interned text altered, a snapshot damaged: each read exits 2', () => {
    // Each with a command that reads the damaged part: a full replay reads every event, a seek reads a snapshot.
    const replay = ['replay', 'pc', '--quiet'];
    const seek = ['state', 'pc', '--at', '32798'];
    const cases: [string, string, string[]][] = [
      ['rows deleted', 'DELETE FROM events WHERE trace_id = 1 AND seq BETWEEN 20000 AND 21000', replay],
      [
        'a row changed',
        "UPDATE events SET args = replace(args, '0x', '0y') WHERE trace_id = 1 AND seq = (SELECT min(seq) FROM events WHERE trace_id = 1 AND seq >= 30000 AND typeof(args) = 'text' AND args LIKE '%0x%')",
        replay,
      ],
      ['the trace row changed', 'UPDATE traces SET t0 = t0 + 1', seek],
      ['an event name changed', "UPDATE strings SET text = 'KVM_CREATE_VCPUS' WHERE text = 'KVM_CREATE_VCPU'", replay],
      ['a snapshot damaged', 'UPDATE snapshots SET state = substr(state, 1, 20) || zeroblob(8) || substr(state, 29)', seek],
    ];
    for (const [what, sql, command] of cases) {
      const db = join(dir, `${what.replace(/ /g, '-')}.db`);
      copyFileSync(clean, db);
      const raw = new Database(db);
      raw.exec(sql);
      raw.close();
      const run = hvreplay(db, command);
      assert.equal(run.status, 2, `${what}: ${run.stdout.slice(0, 200)}`);
      assert.match(run.stderr, /damaged|missing/, what);
      assert.equal(hvreplay(db, ['verify']).status, 1, what);
    }
  });

  it('verify says "no damage found" for an intact store, and a trace can be verified alone', () => {
    const all = hvreplay(clean, ['verify']);
    assert.equal(all.status, 0, all.stdout);
    assert.match(all.stdout, /no damage found/);
    assert.equal(hvreplay(clean, ['verify', 'pc', '--json']).status, 0);
    assert.equal(hvreplay(clean, ['verify', 'nope']).status, 1);
  });
});
