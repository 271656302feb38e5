import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { EXIT, StoreUnavailableError } from '../../src/errors.js';
import { importFiles } from '../../src/importers/import.js';
import { storeFailure } from '../../src/store/failures.js';
import { openStore } from '../../src/store/open.js';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';

// Guarantee: every exit code means what README "Exit codes" says. The environment's refusals are 3
// with what happened in words (a full disk, a lock another process keeps, a store it cannot write),
// never 70; read-only media are read. The other codes are covered where their commands are tested.

const T = 'test/fixtures/traces';
const isRoot = process.getuid?.() === 0;
const canMount = isRoot && spawnSync('mount', ['--version']).status === 0;

describe('Guarantee: every exit code means what README "Exit codes" says', () => {
  it('a full disk during an import is exit 3, nothing stored, the store intact (SQLite max_page_count)', async () => {
    const path = join(tempDir(), 'full.db');
    const db = openStore(path);
    await importFiles(db, { files: [`${T}/mini.strace`], name: 'small' });
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 8}`);
    const error = await importFiles(db, { files: [`${T}/qemu-pc-64m.ftrace.gz`], name: 'big' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const mapped = storeFailure(path, error);
    assert.ok(mapped instanceof StoreUnavailableError, String(error));
    assert.equal(mapped.exitCode, EXIT.environment);
    assert.match(mapped.message, /disk is full.*nothing was stored/);
    db.close();
    assert.deepEqual(
      JSON.parse(hvreplay(path, ['traces', '--json']).stdout).map((t: { name: string }) => t.name),
      ['small'],
    );
    assert.equal(hvreplay(path, ['verify']).status, 0);
  });

  describe('on a file system that is full (a 2 MB tmpfs)', { skip: canMount ? false : 'needs root to mount a small tmpfs' }, () => {
    const mnt = mkdtempSync(join(tmpdir(), 'hvreplay-full-'));
    let mounted = false;
    after(() => {
      if (mounted) spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    });

    it('import exits 3 saying the disk is full; then replay, state and bisect still answer, without caching snapshots', () => {
      mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]).status === 0;
      if (!mounted) return;
      const db = join(mnt, 's.db');
      assert.equal(hvreplay(db, ['import', `${T}/mini.strace`, '--name', 'mini']).status, 0);
      const big = hvreplay(db, ['import', `${T}/migrate-dirty-ring.ftrace.gz`, '--name', 'big']);
      assert.equal(big.status, 3, big.stderr);
      assert.match(big.stderr, /disk is full/);
      assert.doesNotMatch(big.stderr, /internal error/);
      // Fill what is left, then read.
      spawnSync('sh', ['-c', `dd if=/dev/zero of=${join(mnt, 'filler')} bs=4096 2>/dev/null; true`]);
      for (const args of [
        ['replay', 'mini', '--quiet'],
        ['state', 'mini', '--at', '20'],
        ['bisect', 'mini', '--when', 'event.seq >= 10.0'],
      ]) {
        const run = hvreplay(db, args);
        assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
      }
      assert.deepEqual(
        JSON.parse(hvreplay(db, ['traces', '--json']).stdout).map((t: { name: string }) => t.name),
        ['mini'],
      );
    });
  });

  it('a second writer waits for the first, saying so on stderr, and --wait SECONDS gives up with exit 3', async () => {
    const path = join(tempDir(), 'locked.db');
    assert.equal(hvreplay(path, ['import', `${T}/mini.strace`, '--name', 'first']).status, 0);
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const impatient = hvreplay(path, ['import', `${T}/mini.ftrace`, '--name', 'second', '--wait', '1']);
      assert.equal(impatient.status, 3, impatient.stderr);
      assert.match(impatient.stderr, /waiting for another process to finish writing/);
      assert.match(impatient.stderr, /kept the store locked for more than --wait 1 s; nothing was changed/);
      // Without --wait it waits as long as it takes: here until the holder commits.
      const patient = spawn(
        process.execPath,
        [REPO + 'dist/src/cli/main.js', '--db', path, 'import', `${T}/mini.ftrace`, '--name', 'second'],
        {
          cwd: REPO,
        },
      );
      let stderr = '';
      patient.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => patient.on('exit', resolve));
      await new Promise((r) => setTimeout(r, 2500));
      holder.exec('COMMIT');
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /waiting for another process/);
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    }
    assert.equal(JSON.parse(hvreplay(path, ['traces', '--json']).stdout).length, 2);
  });

  it('a store in a directory this user cannot write is read (a private copy), and import says why it cannot write (exit 3)', () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const dir = join(parent, 'media');
    mkdirSync(dir);
    const db = join(dir, 's.db');
    assert.equal(hvreplay(db, ['import', `${T}/mini.strace`, '--name', 'mini']).status, 0);
    assert.equal(hvreplay(db, ['state', 'mini', '--at', '10']).status, 0);
    const before = readFileSync(db);
    chmodSync(dir, 0o555);
    chmodSync(db, 0o444);
    // Root writes anyway: the commands run as nobody then.
    const as = isRoot ? { uid: 65534, gid: 65534 } : {};
    const run = (args: string[]) =>
      spawnSync(process.execPath, [REPO + 'dist/src/cli/main.js', '--db', db, ...args], { cwd: REPO, encoding: 'utf8', ...as });
    try {
      for (const args of [['traces'], ['replay', 'mini', '--quiet'], ['state', 'mini', '--at', '10'], ['verify']]) {
        const r = run(args);
        assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      const write = run(['import', `${T}/mini.ftrace`, '--name', 'x']);
      assert.equal(write.status, 3, write.stderr);
      assert.match(write.stderr, /cannot write the store/);
      assert.deepEqual(readFileSync(db), before);
    } finally {
      chmodSync(dir, 0o755);
      chmodSync(db, 0o644);
    }
  });
});
