import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChange, setUserMemoryRegion, type MemoryRegionRequest } from '../../../../src/engine/policy/kvm-memslot/rules.js';
import { host, RAM, req, ROM } from './slots.js';
import { kvmMemslotArea } from '../../../../src/engine/policy/kvm-memslot/index.js';
import type { Memslot } from '../../../../src/model/state.js';
import { KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY } from '../../../../src/model/kvm-abi.js';

const memslotLinux = kvmMemslotArea.policies.find((p) => p.variant === 'linux')!.params;

/** The flags check_memory_region_flags() accepts under the default kvm-readonly/memslot-flag. */
const VALID_FLAGS = KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY;

// Every rule of today's kvm_set_memory_region() (virt/kvm/kvm_main.c, 6.18.2) and api.rst 4.35, one row each.

const rows: {
  rule: string;
  given: Memslot[];
  when: MemoryRegionRequest;
  then: string;
  spaces?: number | 'unknown';
  validFlags?: number;
}[] = [
  { rule: 'create a slot', given: [RAM], when: req({}), then: 'create' },
  {
    rule: 'delete with memory_size 0',
    given: [RAM, ROM],
    when: req({ slot: 1, memorySize: 0n, guestPhysAddr: 0xfffc0000n, userspaceAddr: 0x7f0000100000n }),
    then: 'delete',
  },
  {
    rule: 'move: same size and host address, new GPA',
    given: [RAM],
    when: req({ slot: 0, guestPhysAddr: 0x200000n, memorySize: 0x10000n, userspaceAddr: 0x7f0000000000n }),
    then: 'move',
  },
  {
    rule: 'flags-only change (dirty logging on)',
    given: [RAM],
    when: req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x10000n, userspaceAddr: 0x7f0000000000n, flags: 1 }),
    then: 'flags_only',
  },
  {
    rule: 'an identical call returns 0 and changes nothing',
    given: [RAM],
    when: req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x10000n, userspaceAddr: 0x7f0000000000n }),
    then: 'unchanged',
  },
  { rule: 'an unknown flag', given: [], when: req({ flags: 1 << 5 }), then: 'EINVAL' },
  {
    rule: 'KVM_MEM_GUEST_MEMFD is not a KVM_SET_USER_MEMORY_REGION flag',
    given: [],
    when: req({ flags: 4 }),
    then: 'EINVAL',
    validFlags: VALID_FLAGS | 4,
  },
  { rule: 'unaligned guest_phys_addr', given: [], when: req({ guestPhysAddr: 0x100800n }), then: 'EINVAL' },
  { rule: 'unaligned memory_size', given: [], when: req({ memorySize: 0x1800n }), then: 'EINVAL' },
  { rule: 'unaligned userspace_addr', given: [], when: req({ userspaceAddr: 0x7f0000200010n }), then: 'EINVAL' },
  {
    rule: 'userspace range beyond TASK_SIZE fails access_ok()',
    given: [],
    when: req({ userspaceAddr: 0x7ffffffff000n, memorySize: 0x2000n }),
    then: 'EINVAL',
  },
  { rule: 'slot id out of range', given: [], when: req({ slot: 32764 }), then: 'EINVAL' },
  { rule: 'address space 2 is out of range with SMM (2 spaces)', given: [], when: req({ slot: (2 << 16) | 1 }), then: 'EINVAL', spaces: 2 },
  {
    rule: 'address space 1 is out of range without CONFIG_KVM_SMM (1 space)',
    given: [],
    when: req({ slot: (1 << 16) | 0 }),
    then: 'EINVAL',
    spaces: 1,
  },
  {
    rule: 'address space 1 on a host whose SMM support is unknown: not predicted',
    given: [],
    when: req({ slot: (1 << 16) | 0 }),
    then: 'unmodelled',
    spaces: 'unknown',
  },
  { rule: 'address space 0 needs no host fact', given: [], when: req({ slot: 3 }), then: 'create', spaces: 'unknown' },
  {
    rule: 'more than KVM_MEM_MAX_NR_PAGES (2^31 - 1) pages',
    given: [],
    when: req({ guestPhysAddr: 0x100000000n, memorySize: 1n << 43n, userspaceAddr: 0x10000000000n }),
    then: 'EINVAL',
  },
  {
    rule: 'exactly KVM_MEM_MAX_NR_PAGES pages is fine',
    given: [],
    when: req({ guestPhysAddr: 0x100000000n, memorySize: ((1n << 31n) - 1n) << 12n, userspaceAddr: 0x10000000000n }),
    then: 'create',
  },
  {
    rule: 'a KVM_MEM_GUEST_MEMFD slot cannot be modified, only deleted',
    given: [{ ...RAM, flags: 4 }],
    when: req({ ioctl: 'v2', slot: 0, guestPhysAddr: 0x200000n, memorySize: 0x10000n, userspaceAddr: 0x7f0000000000n, flags: 4 }),
    then: 'EINVAL',
    validFlags: VALID_FLAGS | 4,
  },
  {
    rule: 'a KVM_MEM_GUEST_MEMFD slot can be deleted',
    given: [{ ...RAM, flags: 4 }],
    when: req({ slot: 0, guestPhysAddr: 0n, memorySize: 0n, userspaceAddr: 0x7f0000000000n, flags: 0 }),
    then: 'delete',
  },
  { rule: 'the highest user slot id is fine', given: [], when: req({ slot: 32763 }), then: 'create' },
  {
    rule: 'SMM address space 1 is separate: same GPA does not overlap',
    given: [RAM],
    when: req({ slot: (1 << 16) | 0, guestPhysAddr: 0n, memorySize: 0x10000n }),
    then: 'create',
    spaces: 2,
  },
  {
    rule: 'changing the size of an existing slot',
    given: [RAM],
    when: req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x20000n, userspaceAddr: 0x7f0000000000n }),
    then: 'EINVAL',
  },
  {
    rule: 'changing the host address of an existing slot',
    given: [RAM],
    when: req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x10000n, userspaceAddr: 0x7f0000400000n }),
    then: 'EINVAL',
  },
  {
    rule: 'setting KVM_MEM_READONLY on an existing slot',
    given: [RAM],
    when: req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x10000n, userspaceAddr: 0x7f0000000000n, flags: 2 }),
    then: 'EINVAL',
  },
  {
    rule: 'clearing KVM_MEM_READONLY on an existing slot',
    given: [ROM],
    when: req({ slot: 1, guestPhysAddr: 0xfffc0000n, memorySize: 0x40000n, userspaceAddr: 0x7f0000100000n, flags: 0 }),
    then: 'EINVAL',
  },
  { rule: 'deleting an empty slot', given: [RAM], when: req({ slot: 5, memorySize: 0n }), then: 'EINVAL' },
  { rule: 'a create that overlaps another slot', given: [RAM], when: req({ guestPhysAddr: 0xf000n, memorySize: 0x2000n }), then: 'EEXIST' },
  {
    rule: 'a move onto another slot',
    given: [RAM, ROM],
    when: req({ slot: 1, guestPhysAddr: 0x8000n, memorySize: 0x40000n, userspaceAddr: 0x7f0000100000n, flags: 2 }),
    then: 'EEXIST',
  },
  { rule: 'adjacent slots do not overlap', given: [RAM], when: req({ guestPhysAddr: 0x10000n }), then: 'create' },
  {
    rule: 'misaligned beats overlapping: the alignment check comes first',
    given: [RAM],
    when: req({ guestPhysAddr: 0x800n }),
    then: 'EINVAL',
  },
];

describe('KVM_SET_USER_MEMORY_REGION under kvm-memslot/linux', () => {
  for (const row of rows) {
    it(`${row.rule} -> ${row.then}`, () => {
      const outcome = setUserMemoryRegion(row.given, row.when, memslotLinux, row.validFlags ?? VALID_FLAGS, host(row.spaces));
      const got =
        'errno' in outcome ? outcome.errno : 'unchanged' in outcome ? 'unchanged' : 'unmodelled' in outcome ? 'unmodelled' : outcome.change;
      assert.equal(got, row.then, 'errno' in outcome ? outcome.why : undefined);
    });
  }

  it('keeps slots sorted and describes them in canonical hex', () => {
    const outcome = setUserMemoryRegion([ROM], req({ slot: 0, guestPhysAddr: 0n, memorySize: 0x1000n }), memslotLinux, VALID_FLAGS, host());
    assert.ok('change' in outcome);
    assert.deepEqual(
      applyChange([ROM], outcome).map((m) => [m.slot, m.guestPhysAddr]),
      [
        [0, '0x0'],
        [1, '0xfffc0000'],
      ],
    );
  });
});
