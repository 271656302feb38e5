import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NewEvent } from '../../src/model/event.js';
import { ImportStats } from '../../src/importers/stats.js';
import { Placement, PLACEMENT_STATS, type Side } from '../../src/importers/merge/placement.js';

// Which KVM_RUN a vCPU thread's kernel events go in, when a kernel event lies past its call's window
// (strace's start and return, give or take the pairs' spread `tol`): the shape the held-out
// q35-noirqchip recording had once (test/fixtures/traces/README.md), here with round numbers. Calls
// last 50 us and start 500 us apart; tol is 100 us and an exit waits 400 us for its call.

const TOL = 100e-6;
const config = { threads: new Set([1]), lagS: 0, tolS: TOL, waitS: 4 * TOL };

const run = (start: number, exit = 'KVM_EXIT_IO'): NewEvent => ({
  kind: 'ioctl',
  name: 'KVM_RUN',
  tid: 1,
  ts: start,
  args: { fd: 5 },
  result: { ret: 0, exit, duration: 50e-6 },
});
const kernel = (name: string, ts: number): NewEvent => ({
  kind: name === 'kvm_userspace_exit' ? 'exit' : 'fault',
  name,
  tid: 1,
  ts,
  args: {},
  ...(name === 'kvm_userspace_exit' ? { result: { exit: 'KVM_EXIT_IO' } } : {}),
});

/** Both sides handed over in key order (strace: return time), as mergeSources() does, with the bounds after each. */
function place(calls: NewEvent[], events: NewEvent[]): { order: string[]; stats: ImportStats } {
  const stats = new ImportStats();
  const order: string[] = [];
  const p = new Placement(config, (e) => order.push(e.name === 'KVM_RUN' ? `RUN@${e.ts}` : `${e.name}@${e.ts}`), stats);
  const sides: { side: Side; items: { event: NewEvent; key: number }[] }[] = [
    { side: 'strace', items: calls.map((event) => ({ event, key: event.ts! + event.result!.duration! })) },
    { side: 'ftrace', items: events.map((event) => ({ event, key: event.ts! })) },
  ];
  for (;;) {
    const next = sides.filter((s) => s.items.length > 0).sort((a, b) => a.items[0]!.key - b.items[0]!.key)[0];
    if (!next) break;
    const { event, key } = next.items.shift()!;
    p.offer(event, next.side, key);
    p.advance(sides[0]!.items[0]?.key ?? Infinity, sides[1]!.items[0]?.key ?? Infinity);
  }
  p.end();
  return { order, stats };
}

const count = (stats: ImportStats, key: string) => stats.counts.get(key) ?? 0;

describe('placement of kernel events past their call’s window', () => {
  it('an exit after the window but before the next call could have made it is still the call’s: both calls paired', () => {
    const { order, stats } = place(
      [run(1.0), run(1.0005)],
      [
        kernel('kvm_fpu', 1.00018),
        kernel('kvm_userspace_exit', 1.00019),
        kernel('kvm_fpu', 1.00052),
        kernel('kvm_userspace_exit', 1.00054),
      ],
    );
    assert.deepEqual(order, [
      'kvm_fpu@1.00018',
      'kvm_userspace_exit@1.00019',
      'RUN@1',
      'kvm_fpu@1.00052',
      'kvm_userspace_exit@1.00054',
      'RUN@1.0005',
    ]);
    assert.equal(count(stats, PLACEMENT_STATS.paired), 2);
    assert.equal(count(stats, PLACEMENT_STATS.pairedLate), 1);
    assert.equal(count(stats, PLACEMENT_STATS.callWithoutExit) + count(stats, PLACEMENT_STATS.exitWithoutCall), 0);
  });

  it('an exit the next call could have made is the next call’s: the first call has none', () => {
    const { order, stats } = place([run(1.0), run(1.0005)], [kernel('kvm_fpu', 1.00045), kernel('kvm_userspace_exit', 1.00046)]);
    assert.deepEqual(order, ['RUN@1', 'kvm_fpu@1.00045', 'kvm_userspace_exit@1.00046', 'RUN@1.0005']);
    assert.equal(count(stats, PLACEMENT_STATS.paired), 1);
    assert.equal(count(stats, PLACEMENT_STATS.callWithoutExit), 1);
    assert.equal(count(stats, PLACEMENT_STATS.pairedLate), 0);
  });

  it('the last call of the thread waits for its exit no longer than an exit waits for its call', () => {
    const near = place([run(1.0)], [kernel('kvm_userspace_exit', 1.0003)]);
    assert.deepEqual(near.order, ['kvm_userspace_exit@1.0003', 'RUN@1']);
    assert.equal(count(near.stats, PLACEMENT_STATS.pairedLate), 1);
    const far = place([run(1.0)], [kernel('kvm_userspace_exit', 1.001)]);
    assert.equal(count(far.stats, PLACEMENT_STATS.paired), 0);
    assert.equal(count(far.stats, PLACEMENT_STATS.callWithoutExit), 1);
    assert.equal(count(far.stats, PLACEMENT_STATS.exitWithoutCall), 1);
  });
});
