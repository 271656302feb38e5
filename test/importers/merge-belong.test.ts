import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines } from './fixtures.js';

// Files that are not of one run are refused, or warned about, and nothing is stored.

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));

describe('merge: files that do not belong together', () => {
  const dir = tempDir('hvreplay-belong-');
  const db = join(dir, 't.db');
  const nothingStored = () => assert.equal(hvreplay(db, ['traces', '--json']).stdout.trim(), '[]');

  it('refuses the same file twice, by path or by content', () => {
    const same = hvreplay(db, ['import', fixture('mini.strace'), fixture('mini.strace')]);
    assert.equal(same.status, 2);
    assert.match(same.stderr, /mini\.strace is given twice/);
    const copy = join(dir, 'copy.strace');
    copyFileSync(fixture('mini.strace'), copy);
    const twin = hvreplay(db, ['import', fixture('mini.strace'), copy, fixture('mini.ftrace')]);
    assert.equal(twin.status, 2);
    assert.match(twin.stderr, /mini\.strace has the same content as .*copy\.strace/);
    nothingStored();
  });

  it("refuses an strace and another run's ftrace: their times do not overlap", () => {
    const r = hvreplay(db, ['import', fixture('qemu-isapc.strace.gz'), fixture('qemu-pc-64m.ftrace.gz')]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /do not overlap in time: the strace covers 1795260123\.\d+ \.\. 1795260126\.\d+, the ftrace 1795260113\.\d+ \.\. 1795260116\.\d+/,
    );
    nothingStored();
  });

  it('refuses an strace and a markerless ftrace that share no thread (vmm-signal: two runs of mini-vmm)', () => {
    const r = hvreplay(db, ['import', fixture('vmm-signal.strace'), fixture('vmm-signal.ftrace')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /share no thread .* no hvsync marker: they cannot be aligned/);
    nothingStored();
  });

  it('warns, and imports, when the times overlap but no thread is shared', () => {
    // A copy of the real pc ftrace with every task id moved: same times and markers, no common thread.
    const moved = fixtureLines('qemu-pc-64m.ftrace.gz').map((l) =>
      l
        .replace(/-(\d+)( +\[\d{3}\])/, (_, pid: string, cpu: string) => `-${Number(pid) + 100000}${cpu}`)
        .replace(/(prev|next)_pid=(\d+)/g, (_, k: string, pid: string) => `${k}_pid=${Number(pid) + 100000}`),
    );
    const file = join(dir, 'other-tids.ftrace');
    writeFileSync(file, moved.join('\n') + '\n');
    const r = hvreplay(db, ['import', fixture('qemu-pc-64m.strace.gz'), file, '--name', 'warned']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: .* share no thread .* are they of one run\?/);
    assert.match(r.stdout, /imported trace 'warned'/);
  });
});
