import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { importFiles } from '../../src/importers/import.js';
import { conformTrace } from '../../src/query/conform/conform.js';
import { replayTrace } from '../../src/query/replay-trace.js';
import { openStore } from '../../src/store/open.js';
import { tempDir } from '../helpers/temp.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));
const tmp = () => tempDir('hvreplay-conform-');

describe('conform on real merged traces', () => {
  it('qemu-pc-64m: every prediction of the default policies matches the kernel', async () => {
    const db = openStore(join(tmp(), 't.db'));
    const { trace } = await importFiles(db, { files: [fixture('qemu-pc-64m.strace.gz'), fixture('qemu-pc-64m.ftrace.gz')], name: 'pc' });
    const report = conformTrace(db, trace, defaultPolicies());
    assert.deepEqual(report.mismatches, []);
    // Every memslot call and the capabilities x86 always answers were predicted, not just echoed.
    assert.equal(report.matchesBy['KVM_SET_USER_MEMORY_REGION result'], 30);
    assert.ok((report.matchesBy['KVM_CHECK_EXTENSION result'] ?? 0) >= 30, JSON.stringify(report.matchesBy));
    assert.equal(report.matchesBy['KVM_CREATE_VM result'], 1);
    assert.equal(report.matchesBy['KVM_CREATE_VCPU result'], 1);
    // Every exit strace saw is either matched or listed as not predicted: none is dropped.
    const runExits = (report.matchesBy['KVM_RUN exit'] ?? 0) + (report.notPredicted['KVM_RUN exit'] ?? 0);
    assert.equal(runExits, 1648, 'KVM_RUN calls with an exit reason in the strace (3 of 1651 returned EINTR)');
  });

  it('mini: the write into the KVM_MEM_READONLY slot is predicted as KVM_EXIT_MMIO and the kernel agrees', async () => {
    const db = openStore(join(tmp(), 't.db'));
    const { trace } = await importFiles(db, { files: [fixture('mini.strace'), fixture('mini.ftrace')], name: 'mini' });
    const report = conformTrace(db, trace, defaultPolicies());
    assert.deepEqual(report.mismatches, []);
    const predictedExits: { reason: string; gpa?: string | number }[] = [];
    replayTrace(db, trace, defaultPolicies(), ({ effects }) => {
      for (const e of effects)
        if (e.kind === 'exit') predictedExits.push({ reason: e.reason, ...(e.detail?.gpa ? { gpa: e.detail.gpa } : {}) });
    });
    // The OUT to the serial port, the write into the ROM slot, and an exit nothing traced before it.
    assert.deepEqual(predictedExits, [{ reason: 'KVM_EXIT_IO' }, { reason: 'KVM_EXIT_MMIO', gpa: '0x1000' }, { reason: 'KVM_EXIT_IO' }]);
    // Each exit counted once, though ftrace's kvm_userspace_exit and strace's KVM_RUN return both show it.
    assert.deepEqual(report.coverage['KVM_RUN exit'], { observed: 3, matched: 3, mismatched: 0, unpredicted: 0 });
    // The last was predicted as an IN served by userspace, or a HLT or an interrupt window (no irqchip in the kernel): the HLT.
    assert.equal(report.exitsMatchedOneOf, 1);
    // The port and the address, which the kernel traced before each of the first two exits.
    assert.deepEqual(report.coverage['exit port/gpa'], { observed: 2, matched: 2, mismatched: 0, unpredicted: 0 });
    // strace's KVM_RUN returns of exits the kernel's trace predicted return 0.
    assert.equal(report.matchesBy['KVM_RUN result'], 3);
  });

  it('mini: a corrupted observed result in a COPY of the strace is a mismatch with its seq and line', async () => {
    const dir = tmp();
    const lines = readFileSync(fixture('mini.strace'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('KVM_MEM_READONLY'));
    assert.ok(at >= 0);
    lines[at] = lines[at]!.replace(') = 0 <', ') = -1 EEXIST (File exists) <');
    const copy = join(dir, 'mini-corrupt.strace');
    writeFileSync(copy, lines.join('\n'));
    const db = openStore(join(dir, 't.db'));
    const { trace } = await importFiles(db, { files: [copy, fixture('mini.ftrace')], name: 'mini' });
    const report = conformTrace(db, trace, defaultPolicies());
    assert.equal(report.mismatches.length, 1);
    const [m] = report.mismatches;
    assert.equal(m!.what, 'result');
    assert.equal(m!.predicted, '0');
    assert.equal(m!.observed, 'EEXIST');
    assert.deepEqual(m!.event.src, { file: copy, line: at + 1 });
  });
});
