import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { importFiles } from '../../src/importers/import.js';
import type { Effect } from '../../src/model/effect.js';
import type { TraceEvent } from '../../src/model/event.js';
import { conformTrace } from '../../src/query/conform/conform.js';
import { replayTrace } from '../../src/query/replay-trace.js';
import { openStore } from '../../src/store/open.js';
import { tempDir } from '../helpers/temp.js';

// The memslot API of today on the real QEMU migrations (test/fixtures/traces/README.md, Linux 6.18):
// dirty logging by bitmap (migrate) and by the dirty ring (migrate-dirty-ring). Conform must agree
// with the kernel everywhere, and the dirty-logging predictions must be among what it held.

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));

async function recording(name: string) {
  const db = openStore(join(tempDir('hvreplay-migrate-'), 't.db'));
  const { trace } = await importFiles(db, { files: [fixture(`${name}.strace.gz`), fixture(`${name}.ftrace.gz`)], name });
  const steps: { event: TraceEvent; effects: Effect[] }[] = [];
  replayTrace(db, trace, defaultPolicies(), ({ event, effects }) => {
    if (/DIRTY|MEMORY_REGION|CHECK_EXTENSION/.test(event.name)) steps.push({ event, effects });
  });
  return { report: conformTrace(db, trace, defaultPolicies()), steps };
}

const predicted = (step: { effects: Effect[] }) => step.effects.find((e) => e.kind === 'result');

describe('conform on the migration recordings', () => {
  it('migrate (dirty bitmaps): 0 mismatches; KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 = 3 and the LOG_DIRTY_PAGES flag changes are predicted and match', async () => {
    const { report, steps } = await recording('migrate');
    assert.deepEqual(report.mismatches, []);
    const protect = steps.find((s) => s.event.args.cap === 'KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2')!;
    assert.deepEqual(predicted(protect), { kind: 'result', ret: 3 });
    assert.equal(protect.event.result?.ret, 3);
    const toggles = steps.filter((s) => s.effects.some((e) => e.kind === 'memslot' && e.change === 'flags_only'));
    assert.deepEqual(
      toggles.map((s) => [s.event.args.slot, s.event.args.flags, s.event.result?.ret]),
      [
        [0, 1, 0],
        [1, 3, 0],
        [0, 0, 0],
        [1, 2, 0],
      ],
      'LOG_DIRTY_PAGES on slots 0 and 1 (1 with READONLY), then off after cont',
    );
    // strace 6.1 prints struct kvm_dirty_log / kvm_clear_dirty_log as an address: the slot is unknown.
    assert.equal(report.notPredicted['KVM_GET_DIRTY_LOG result'], 4);
    assert.equal(report.notPredicted['KVM_CLEAR_DIRTY_LOG result'], 3);
  });

  it('migrate-dirty-ring: 0 mismatches; KVM_CAP_DIRTY_LOG_RING and the 398 entries KVM_RESET_DIRTY_RINGS reset are predicted and match', async () => {
    const { report, steps } = await recording('migrate-dirty-ring');
    assert.deepEqual(report.mismatches, []);
    const ring = steps.find((s) => s.event.args.cap === 'KVM_CAP_DIRTY_LOG_RING')!;
    assert.deepEqual(predicted(ring), { kind: 'result', ret: 1048576 });
    assert.equal(report.matchesBy['KVM_RESET_DIRTY_RINGS result'], 1);
    const reset = steps.find((s) => s.event.name === 'KVM_RESET_DIRTY_RINGS')!;
    assert.deepEqual(predicted(reset), { kind: 'result', ret: 398 });
    assert.equal(reset.event.result?.ret, 398);
  });
});
