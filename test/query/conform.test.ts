import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { importFiles } from '../../src/importers/import.js';
import { conformTrace } from '../../src/query/conform.js';
import { openStore } from '../../src/store/open.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'hvreplay-conform-'));

describe('conform on real merged traces', () => {
  it('qemu-pc-64m: every prediction of the default policies matches the kernel', async () => {
    const db = openStore(join(tmp(), 't.db'));
    const { trace } = await importFiles(db, { files: [fixture('qemu-pc-64m.strace.gz'), fixture('qemu-pc-64m.ftrace.gz')], name: 'pc' });
    const report = conformTrace(db, trace, defaultPolicies());
    assert.deepEqual(report.mismatches, []);
    assert.ok(report.matches > 200, `matches ${report.matches}`);
    // Exits the default policies do not predict are listed, by name, not dropped.
    assert.equal(report.notPredicted['KVM_RUN exit'], 1648);
    assert.equal(report.notPredicted['kvm_userspace_exit exit'], 1648);
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
