import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareDetail, ExitDetails, type ExitDetail } from '../../../src/query/conform/exit-detail.js';
import type { TraceEvent } from '../../../src/model/event.js';

// What the kernel's own trace shows of an exit's cause, read without any policy: an OUT before it, an
// IN by its completion in the next run, an MMIO write or unsatisfied read before it.

let seq = 0;
const pio = (dir: 'read' | 'write', port: number): TraceEvent => ({
  seq: seq++,
  kind: 'fault',
  name: 'kvm_pio',
  args: { dir, port, size: 1, count: 1 },
});
const mmio = (type: string, gpa: number): TraceEvent => ({ seq: seq++, kind: 'fault', name: 'kvm_mmio', args: { type, len: 4, gpa } });

function observe(runs: { accesses: TraceEvent[]; reason: string }[]): (ExitDetail | 'ambiguous' | undefined)[] {
  const details = new ExitDetails();
  const seen: (ExitDetail | 'ambiguous' | undefined)[] = [];
  runs.forEach((run, i) => {
    for (const a of run.accesses) details.access('0/0', a);
    details.returned('0/0', run.reason, (d) => (seen[i] = d));
  });
  details.finish();
  return seen;
}

describe("an exit's port or address, as the kernel traced it", () => {
  it('an OUT ending its run, with no read first in the next, is the exit', () => {
    assert.deepEqual(
      observe([
        { accesses: [pio('write', 0x3f8)], reason: 'KVM_EXIT_IO' },
        { accesses: [pio('write', 0x3f8)], reason: 'KVM_EXIT_IO' },
      ])[0],
      {
        direction: 'out',
        port: 0x3f8,
      },
    );
  });

  it("a run with no OUT exited on an IN, whose port the next run's first read shows", () => {
    assert.deepEqual(
      observe([
        { accesses: [], reason: 'KVM_EXIT_IO' },
        { accesses: [pio('read', 0x3fd), pio('write', 0x3f8)], reason: 'KVM_EXIT_IO' },
      ])[0],
      {
        direction: 'in',
        port: 0x3fd,
      },
    );
  });

  it('an OUT followed by a run that starts with a read is ambiguous: the OUT was taken and an IN exited, or the guest read a port the kernel answers', () => {
    assert.equal(
      observe([
        { accesses: [pio('write', 0x70)], reason: 'KVM_EXIT_IO' },
        { accesses: [pio('read', 0x71)], reason: 'KVM_EXIT_IO' },
      ])[0],
      'ambiguous',
    );
  });

  it('the last IO exit of a vCPU that never runs again: an IN without an OUT, ambiguous after one (a coalesced OUT, then an IN)', () => {
    assert.deepEqual(observe([{ accesses: [pio('read', 0x71)], reason: 'KVM_EXIT_IO' }])[0], { direction: 'in' });
    // pc-noirq-smp2, held out: the guest wrote 0x70 (QEMU's coalesced RTC index port), its vCPU thread
    // never entered KVM_RUN again, and the exit was read as that OUT.
    assert.equal(observe([{ accesses: [pio('read', 0x71), pio('write', 0x70)], reason: 'KVM_EXIT_IO' }])[0], 'ambiguous');
  });

  it("an MMIO exit is the run's last MMIO write or unsatisfied read, at once", () => {
    assert.deepEqual(
      observe([{ accesses: [mmio('write', 0xfee000b0), mmio('unsatisfied-read', 0xb0000000)], reason: 'KVM_EXIT_MMIO' }])[0],
      {
        gpa: '0xb0000000',
        is_write: 0,
      },
    );
  });

  it('compares the fields a prediction and an observation both give', () => {
    assert.equal(compareDetail({ direction: 'in' }, { direction: 'in', port: 0x71 }), true);
    assert.equal(compareDetail({ direction: 'out', port: 0x70 }, { direction: 'in', port: 0x71 }), false);
    assert.equal(compareDetail({ gpa: '0x1000', is_write: 1, len: 1 }, { gpa: '0x1000', is_write: 1 }), true);
    assert.equal(compareDetail(undefined, { direction: 'in' }), undefined);
  });
});
