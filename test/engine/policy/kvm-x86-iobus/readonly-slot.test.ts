import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { evolve } from '../../../../src/engine/evolve.js';
import { fold } from '../../../../src/engine/replay.js';
import { resolvePolicies } from '../../../../src/engine/policy/registry.js';
import { importFiles } from '../../../../src/importers/import.js';
import { parseScenario } from '../../../../src/importers/scenario/load.js';
import { initialState } from '../../../../src/model/state.js';
import type { Effect } from '../../../../src/model/effect.js';
import { openStore } from '../../../../src/store/open.js';
import { readEvents } from '../../../../src/store/event-reader.js';

// The real mini.ftrace (an OUT to 0x3f8, a kvm_mmio write to gpa 0x1000, then a HLT) replayed on top
// of the state the same run's strace gives (scenarios/mini-readonly-slot.yaml, pid 9889): the I/O bus
// area asks kvm-readonly whether a write into the slot is MMIO; under memslot-flag it is, and the exit
// the trace observed is predicted; under Linux 3.6 (prot-read with 3.6's memslot rules, which store the
// bit unchecked) the bit means nothing, so a kvm_mmio there is something that kernel would not show,
// and no exit is predicted for that run.

const ROOT = new URL('../../../../../', import.meta.url);

test('given the mini VMM read-only slot, when ftrace shows a kvm_mmio write to it, then the bus predicts KVM_EXIT_MMIO under memslot-flag only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvreplay-ro-'));
  const db = openStore(join(dir, 't.db'));
  try {
    const { trace } = await importFiles(db, { files: [new URL('test/fixtures/traces/mini.ftrace', ROOT).pathname] });
    const events = [...readEvents(db, trace)];
    const scenarioPath = new URL('scenarios/mini-readonly-slot.yaml', ROOT).pathname;
    const setup = parseScenario(scenarioPath, readFileSync(scenarioPath, 'utf8'))
      .events.slice(0, 8)
      .map((e, seq) => ({ ...e, seq }));
    for (const [policy, predicted] of [
      [['kvm-readonly/memslot-flag'], true],
      [['kvm-memslot/linux-3.6', 'kvm-readonly/prot-read'], false],
    ] as const) {
      const policies = resolvePolicies(policy);
      let state = fold(setup, policies, initialState());
      const exits: { observed: string | undefined; effects: Effect[] }[] = [];
      for (const event of events) {
        const step = evolve(state, { ...event, seq: event.seq + 100 }, policies);
        if (event.name === 'kvm_mmio')
          assert.equal(step.state.vms[0]!.vcpus[0]!.pendingExit, predicted ? 'KVM_EXIT_MMIO' : undefined, policies.key);
        if (event.name === 'kvm_userspace_exit') exits.push({ observed: event.result?.exit, effects: step.effects });
        state = step.state;
      }
      assert.deepEqual(
        exits.map((e) => e.observed),
        ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT'],
      );
      // The OUT to 0x3f8, which nothing in a VM without an irqchip or registrations takes.
      assert.deepEqual(exits[0]!.effects, [
        { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_IO', detail: { direction: 'out', port: 0x3f8, size: 1, count: 1, data: 0x41 } },
      ]);
      const mmio = exits[1]!.effects.filter((e) => e.kind === 'exit');
      if (predicted)
        assert.deepEqual(mmio, [
          { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_MMIO', detail: { gpa: '0x1000', len: 1, is_write: 1, data: 1 } },
        ]);
      else assert.deepEqual(mmio, []);
      // The prediction is consumed by its exit: the HLT that follows, which leaves no trace before it, is
      // one of the untraced exits of a VM whose LAPIC and PIC are in userspace.
      assert.deepEqual(exits[2]!.effects, [
        {
          kind: 'exit',
          vm: 0,
          vcpu: 0,
          reason: 'KVM_EXIT_IO',
          detail: { direction: 'in' },
          alternatives: ['KVM_EXIT_HLT', 'KVM_EXIT_IRQ_WINDOW_OPEN'],
        },
      ]);
      assert.deepEqual(state.vms[0]!.vcpus[0]!.exitCounts, { KVM_EXIT_IO: 1, KVM_EXIT_MMIO: 1, KVM_EXIT_HLT: 1 });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
