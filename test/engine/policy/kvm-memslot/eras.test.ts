import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChange, setUserMemoryRegion, type MemoryRegionRequest } from '../../../../src/engine/policy/kvm-memslot/rules.js';
import { host, RAM, req, ROM } from './slots.js';
import { kvmMemslotArea } from '../../../../src/engine/policy/kvm-memslot/index.js';
import type { Memslot } from '../../../../src/model/state.js';

// Where kvm_set_memory_region() of one release differs from another's (docs/upstream/releases-issue12.md
// sections 4 and 5): each row is a call on which two eras part.

const params = (variant: string) => kvmMemslotArea.policies.find((p) => p.variant === variant)!.params;
const LOG_DIRTY = 1;
const READONLY = 2;
const VALID = LOG_DIRTY | READONLY;
const outcome = (variant: string, given: Memslot[], when: MemoryRegionRequest, limits = host()) => {
  const o = setUserMemoryRegion(given, when, params(variant), VALID, limits);
  return 'errno' in o ? o.errno : 'unchanged' in o ? 'unchanged' : 'unmodelled' in o ? 'unmodelled' : o.change;
};

describe('Linux 3.6 as a whole (kvm-memslot/linux-3.6) against today', () => {
  it('slot ids of 32 and above are EINVAL in 3.6 (KVM_MEMORY_SLOTS), fine today', () => {
    assert.equal(outcome('linux-3.6', [], req({ slot: 32 })), 'EINVAL');
    assert.equal(outcome('linux', [], req({ slot: 32 })), 'create');
    assert.equal(outcome('linux-3.9', [], req({ slot: 124 })), 'create');
    assert.equal(outcome('linux-3.9', [], req({ slot: 125 })), 'EINVAL');
    assert.equal(outcome('linux-4.2', [], req({ slot: 508 })), 'create');
    assert.equal(outcome('linux-4.2', [], req({ slot: 509 })), 'EINVAL');
  });

  it("a slot's flags may change in 3.6-3.8, KVM_MEM_READONLY included; 3.9 (75d61fbcf563) refuses the toggle", () => {
    const toggle = req({ slot: 1, flags: 0, guestPhysAddr: 0xfffc0000n, memorySize: 0x40000n, userspaceAddr: 0x7f0000100000n });
    assert.equal(outcome('linux-3.6', [ROM], toggle), 'flags_only');
    assert.equal(outcome('linux-3.7', [ROM], toggle), 'flags_only');
    assert.equal(outcome('linux-3.9', [ROM], toggle), 'EINVAL');
    assert.equal(outcome('linux', [ROM], toggle), 'EINVAL');
  });

  it('a changed userspace_addr is ignored until 3.8: 0, and the slot keeps the old hva; EINVAL from 3.9', () => {
    const moved = req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x10000n, userspaceAddr: 0x7f0000400000n });
    const o = setUserMemoryRegion([RAM], moved, params('linux-3.6'), VALID, host());
    assert.ok('unchanged' in o && /the slot keeps 0x7f0000000000/.test(o.why ?? ''));
    const flagged = setUserMemoryRegion([RAM], { ...moved, flags: LOG_DIRTY }, params('linux-3.6'), VALID, host());
    assert.ok('change' in flagged);
    assert.equal(applyChange([RAM], flagged)[0]!.userspaceAddr, '0x7f0000000000');
    assert.equal(outcome('linux-3.9', [RAM], moved), 'EINVAL');
  });

  it('deleting an empty slot is 0 in 3.6-3.8, EINVAL from 3.9 ("Modify a non-existent slot: disallowed")', () => {
    assert.equal(outcome('linux-3.6', [RAM], req({ slot: 5, memorySize: 0n })), 'unchanged');
    assert.equal(outcome('linux-3.9', [RAM], req({ slot: 5, memorySize: 0n })), 'EINVAL');
  });

  it('3.6 runs the overlap loop for a delete too: a gpa strictly inside another slot is EEXIST', () => {
    const inside = req({ slot: 5, memorySize: 0n, guestPhysAddr: 0x8000n });
    assert.equal(outcome('linux-3.6', [RAM], inside), 'EEXIST');
    assert.equal(outcome('linux', [RAM], inside), 'EINVAL');
  });

  it('3.6 stores unknown flag bits; 3.7 has check_memory_region_flags()', () => {
    assert.equal(outcome('linux-3.6', [], req({ flags: 0x80 })), 'create');
    assert.equal(outcome('linux-3.7', [], req({ flags: 0x80 })), 'EINVAL');
  });
});

describe('the order of the checks decides which one refuses (6.18.2 kvm_set_memory_region())', () => {
  it('the slot id comes before alignment and access_ok()', () => {
    const o = setUserMemoryRegion([], req({ slot: 40000, userspaceAddr: 0x7f0000200010n }), params('linux'), VALID, host());
    assert.ok('errno' in o && /KVM_USER_MEM_SLOTS/.test(o.why), JSON.stringify(o));
  });

  it('the slot check reads only the low 16 bits; the address space is checked after access_ok()', () => {
    const o = setUserMemoryRegion([], req({ slot: (3 << 16) | 1, userspaceAddr: 0x7f0000200010n }), params('linux'), VALID, host());
    assert.ok('errno' in o && /not page aligned/.test(o.why), JSON.stringify(o));
    const whole = setUserMemoryRegion([], req({ slot: (1 << 16) | 1 }), params('linux-3.19'), VALID, host());
    assert.ok('errno' in whole && /KVM_USER_MEM_SLOTS \(509\)/.test(whole.why), 'before 4.2 the whole u32 is the slot id');
  });

  it('from 6.8 the v1 ioctl refuses flags beyond LOG_DIRTY_PAGES|READONLY before anything else', () => {
    const o = setUserMemoryRegion([], req({ slot: 40000, flags: 4 }), params('linux'), VALID | 4, host());
    assert.ok('errno' in o && /KVM_SET_USER_MEMORY_REGION2/.test(o.why));
  });
});

describe('access_ok() per release (x86-64)', () => {
  // A range that ends in the non-canonical hole: beyond TASK_SIZE_MAX, below 2^63.
  const hole = req({ userspaceAddr: 0x800000000000n, memorySize: 0x1000n });
  const limits = (variant: string) => {
    const accessOk = params(variant).accessOk;
    return host(2, accessOk === 'sign-bit' ? { max: (1n << 63n) - 1n } : { max: (1n << 47n) - 4096n });
  };
  it('6.4-6.11.0 accept a range ending in the non-canonical hole; up to 6.3 and from 6.12 (and 6.11.11) it is EINVAL', () => {
    assert.equal(outcome('linux-5.12', [], hole, limits('linux-5.12')), 'EINVAL');
    assert.equal(outcome('linux-6.4', [], hole, limits('linux-6.4')), 'create');
    assert.equal(outcome('linux-6.8', [], hole, limits('linux-6.8')), 'create');
    assert.equal(outcome('linux-6.12', [], hole, limits('linux-6.12')), 'EINVAL');
    assert.equal(outcome('linux', [], hole, limits('linux')), 'EINVAL');
  });
  it('with the paging depth unknown, a range between 2^47 and 2^56 is not predicted', () => {
    assert.equal(outcome('linux', [], hole, host(2, { between: [(1n << 47n) - 4096n, (1n << 56n) - 4096n] })), 'unmodelled');
  });
});
