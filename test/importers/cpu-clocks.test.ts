import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanFtrace } from '../../src/importers/merge/scan.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines } from './fixtures.js';

// Do the CPUs' trace clocks agree? Checked by every task that moves between CPUs: its switch-in on the
// new CPU cannot come before its switch-out on the old one. The real pc recording agrees; a copy whose
// CPU 1 stamps everything 50 us early (its clock behind CPU 0's) is caught.

describe('ftrace: the CPUs trace clocks against each other', () => {
  const lines = fixtureLines('qemu-pc-64m.ftrace.gz');
  const dir = tempDir('hvreplay-cpus-');

  it('agree on the real recording: every migration in order', async () => {
    const file = join(dir, 'pc.ftrace');
    writeFileSync(file, lines.join('\n') + '\n');
    const c = (await scanFtrace(file)).cpuClocks;
    assert.ok(c.migrations > 50, String(c.migrations));
    assert.equal(c.maxBehindS, 0);
  });

  it('disagree when one CPU runs 50 us behind: the migrations show at least most of it', async () => {
    const behind = lines.map((l) =>
      / \[001\] /.test(l) ? l.replace(/ (\d+\.\d{6}): /, (_, t: string) => ` ${(Number(t) - 50e-6).toFixed(6)}: `) : l,
    );
    const file = join(dir, 'skewed.ftrace');
    writeFileSync(file, behind.join('\n') + '\n');
    const c = (await scanFtrace(file)).cpuClocks;
    // A lower bound: a task is off-CPU for a while between switch-out and switch-in (38 us here).
    assert.ok(c.maxBehindS > 25e-6 && c.maxBehindS <= 50e-6 + 1e-9, String(c.maxBehindS));
    assert.deepEqual([c.worst?.from, c.worst?.to], [0, 1]);
  });
});
