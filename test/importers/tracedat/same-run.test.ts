import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewEvent } from '../../../src/model/event.js';
import { ftraceFormat } from '../../../src/importers/ftrace/format.js';
import { openTraceDat } from '../../../src/importers/tracedat/reader.js';
import { ImportStats } from '../../../src/importers/stats.js';
import { parseFixture } from '../fixtures.js';
import { fixturePath } from './files.js';

// One real KVM run (mini-vmm, test/fixtures/record-tracedat.sh), saved from the same ring buffer as
// tracefs text (kvm-mini.ftrace) and as trace.dat (kvm-mini.dat, and its v6 copy): both importers
// must give the same events. The text prints times in microseconds and generic events
// as text, so those are compared to the microsecond and by name, task and CPU.

async function datEvents(name: string): Promise<NewEvent[]> {
  const td = await openTraceDat(fixturePath(name), name);
  const stats = new ImportStats();
  const out: NewEvent[] = [];
  try {
    for await (const batch of td.events(stats)) out.push(...batch);
  } finally {
    td.close();
  }
  assert.deepEqual(stats.problems, []);
  return out;
}

for (const dat of ['kvm-mini.dat', 'kvm-mini-v6.dat.gz']) {
  describe(`${dat} and kvm-mini.ftrace, one recording`, () => {
    const text = parseFixture(ftraceFormat, 'kvm-mini.ftrace');

    it('give the same events, modelled ones with the same kind, args, vCPU and result', async () => {
      const binary = await datEvents(dat);
      assert.equal(text.stats.problems.length, 0);
      assert.equal(binary.length, text.events.length);
      assert.equal(binary.length, 53);
      for (const [i, b] of binary.entries()) {
        const t = text.events[i]!;
        const where = `event ${i} (${t.name} at ${t.ts})`;
        assert.equal(b.name, t.name, where);
        assert.equal(b.kind, t.kind, where);
        assert.deepEqual([b.pid, b.tid, b.cpu, b.comm], [t.pid, t.tid, t.cpu, t.comm], where);
        // tracefs prints microseconds rounded from the nanoseconds (ns2usecs, kernel/trace/trace.h: +500, /1000)
        assert.equal(Math.floor((Math.round(b.ts! * 1e9) + 500) / 1000), Math.round(t.ts! * 1e6), where);
        if (b.kind !== 'generic') {
          assert.deepEqual(b.args, t.args, where);
          assert.equal(b.vcpu, t.vcpu, where);
          assert.deepEqual(b.result, t.result, where);
        }
      }
      const kinds = new Map<string, number>();
      for (const e of binary) kinds.set(`${e.kind}:${e.name}`, (kinds.get(`${e.kind}:${e.name}`) ?? 0) + 1);
      assert.equal(kinds.get('exit:kvm_userspace_exit'), 3);
      assert.equal(kinds.get('fault:kvm_pio'), 1);
      assert.equal(kinds.get('fault:kvm_mmio'), 1);
      assert.equal(kinds.get('marker:tracing_mark_write'), 2);
      assert.equal(kinds.get('context_switch:sched_switch'), 32);
      assert.deepEqual(
        binary.filter((e) => e.name === 'kvm_userspace_exit').map((e) => e.result),
        [{ exit: 'KVM_EXIT_IO' }, { exit: 'KVM_EXIT_MMIO' }, { exit: 'KVM_EXIT_HLT' }],
      );
    });

    it('keeps the fields of events the model does not know, decoded from their formats', async () => {
      const binary = await datEvents(dat);
      const tsc = binary.find((e) => e.name === 'kvm_write_tsc_offset')!;
      const line = text.lines.find((l) => l.includes('kvm_write_tsc_offset'))!;
      // tracefs: "vcpu=0 prev=0 next=18446740363955992950"; the binary has the u64 exactly
      const next = BigInt(/next=(\d+)/.exec(line)![1]!);
      assert.deepEqual(tsc.args, { vcpu_id: 0, previous_tsc_offset: 0, next_tsc_offset: '0x' + next.toString(16) });
      assert.equal(tsc.kind, 'generic');
    });
  });
}

describe('a QEMU run as strace with its trace.dat, and as strace with the tracefs text of the same buffer', () => {
  it('merges the same way: every KVM_RUN paired with its exit, every kernel event inside its call, the same exit counts', async () => {
    const { openStore } = await import('../../../src/store/open.js');
    const { importFiles } = await import('../../../src/importers/import.js');
    const { stateAt } = await import('../../../src/query/state-at.js');
    const { defaultPolicies } = await import('../../../src/engine/policy/registry.js');
    const { tempDir } = await import('../../helpers/temp.js');
    const { join } = await import('node:path');
    const db = openStore(join(tempDir(), 'same-run.db'), { mode: 'write' });
    try {
      const counts: Record<string, number>[] = [];
      for (const kernel of ['qemu-kvm-v6.dat.gz', 'qemu-kvm.ftrace.gz']) {
        const { trace, stats } = await importFiles(db, { files: [fixturePath('qemu-kvm.strace.gz'), fixturePath(kernel)], name: kernel });
        assert.equal(stats.counts.get('merge.kvm_run_paired_with_exit'), 1215, kernel);
        assert.equal(stats.counts.get('merge.kvm_event_outside_kvm_run') ?? 0, 0, kernel);
        const { state } = stateAt(db, trace, trace.eventCount - 1, defaultPolicies());
        counts.push(state.vms[0]!.vcpus[0]!.exitCounts);
      }
      assert.deepEqual(counts[0], counts[1]);
      assert.deepEqual(counts[0], { KVM_EXIT_IO: 1213 });
    } finally {
      db.close();
    }
  });
});
