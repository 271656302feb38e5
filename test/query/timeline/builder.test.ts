import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicies } from '../../../src/engine/policy/registry.js';
import type { TimelineItem } from '../../../src/query/timeline/items.js';
import { replayTimeline } from '../../../src/query/timeline/replay-timeline.js';
import { grepCount, storedFixture } from '../../helpers/stored-fixture.js';

async function timelineOf(name: string, files: string[]) {
  const { db, trace } = await storedFixture(name, files);
  const items: TimelineItem[] = [];
  const run = replayTimeline(db, trace, defaultPolicies(), (item) => items.push(item));
  return { items, run, trace };
}

const of = <T extends TimelineItem['type']>(items: TimelineItem[], type: T) =>
  items.filter((i): i is Extract<TimelineItem, { type: T }> => i.type === type);

describe('the timeline of a replayed trace', () => {
  it('qemu-pc-64m: one exit item per exit strace saw, each from the kernel exit to the next KVM_RUN', async () => {
    const { items, run } = await timelineOf('pc', ['qemu-pc-64m.strace.gz', 'qemu-pc-64m.ftrace.gz']);
    const exits = of(items, 'exit');
    assert.equal(exits.filter((e) => e.reason === 'KVM_EXIT_IO').length, grepCount('qemu-pc-64m.strace.gz', '(KVM_EXIT_IO)'));
    assert.equal(exits.filter((e) => e.reason === 'KVM_EXIT_MMIO').length, grepCount('qemu-pc-64m.strace.gz', '(KVM_EXIT_MMIO)'));
    // The same number the replayed state counts: the engine's one-exit rule, not a second count.
    const counted = run.state.vms.flatMap((vm) => vm.vcpus).reduce((n, v) => n + Object.values(v.exitCounts).reduce((a, b) => a + b, 0), 0);
    assert.equal(exits.length, counted);
    const runs = of(items, 'run');
    assert.equal(runs.length, grepCount('qemu-pc-64m.strace.gz', 'KVM_RUN'));
    // Each exit ends at the start of a KVM_RUN call of its vCPU (or is open at the trace's end).
    const starts = new Set(runs.map((r) => r.start));
    for (const e of exits) {
      assert.ok(e.end >= e.start, `exit @${e.seq} ends before it starts`);
      assert.ok(e.open || starts.has(e.end), `exit @${e.seq} does not end where a KVM_RUN starts`);
    }
    // kvm_pio gives the port: SeaBIOS's first exits write the CMOS index port 0x70.
    assert.deepEqual(exits[0]!.fields, { dir: 'write', port: 0x70, size: 1, count: 1, val: 143 });
    // The running totals end at the counts.
    const totals = of(items, 'exit-total');
    assert.equal(totals.at(-1)!.total, exits.length);
    assert.equal(of(items, 'memslots').at(-1)!.count, run.state.vms[0]!.memslots.length);
  });

  it('run states tile each vCPU thread, with no gap and no overlap', async () => {
    const { items } = await timelineOf('pc', ['qemu-pc-64m.strace.gz', 'qemu-pc-64m.ftrace.gz']);
    const states = of(items, 'runstate');
    assert.ok(states.length > 100);
    for (let i = 1; i < states.length; i++)
      assert.equal(states[i]!.start, states[i - 1]!.end, `run state ${i} does not start where ${i - 1} ended`);
    assert.equal(states.filter((s) => s.open).length, 1, 'only the last stretch is open');
  });

  it('kvm_exit to kvm_entry is the exit, kvm_entry to kvm_exit the guest (a 5.16+ kernel, borrowed)', async () => {
    const { items } = await timelineOf('new', ['borrowed-new-kvm-exit.ftrace']);
    const [exit] = of(items, 'exit');
    assert.ok(exit);
    assert.equal(exit.level, 'kernel');
    assert.equal(exit.reason, 'EXCEPTION_NMI');
    assert.equal(exit.end - exit.start, 94_000, 'kvm_exit at 95922.997039, kvm_entry at 95922.997133');
    assert.equal(exit.open, false);
    assert.deepEqual(exit.fields, { rip: 0xfd0bd, info1: 0, info2: 0x413, intr_info: 0x80000306, error_code: 0 });
    const [guest] = of(items, 'guest');
    assert.ok(guest?.open, 'the guest runs from kvm_entry to the end of the excerpt');
    assert.equal(guest.start, exit.end);
  });

  it('an old kernel (4-char flags, borrowed): guest and exit slices alternate on the vCPU', async () => {
    const { items } = await timelineOf('old', ['borrowed-old-4char-flags.ftrace']);
    const kernelSide = items
      .filter(
        (i): i is Extract<TimelineItem, { type: 'exit' | 'guest' }> => i.type === 'guest' || (i.type === 'exit' && i.level === 'kernel'),
      )
      .sort((a, b) => a.start - b.start);
    assert.ok(kernelSide.length >= 8);
    for (let i = 1; i < kernelSide.length; i++) {
      assert.notEqual(kernelSide[i]!.type, kernelSide[i - 1]!.type, 'an exit follows guest time and guest time an exit');
      assert.ok(kernelSide[i]!.start >= kernelSide[i - 1]!.end);
    }
    assert.ok(of(items, 'exit').some((e) => e.level === 'kernel' && e.fields.rip === 0x1000));
  });
});
