import assert from 'node:assert/strict';
import { test } from 'node:test';
import { given, type Ev } from '../given.js';

// The memslot checks that depend on the host: 5-level paging (access_ok()), MAXPHYADDR and EPT/NPT
// (kvm_arch_prepare_memory_region()), SMM (address spaces).

const vm: Ev[] = [
  { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
  { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } },
];
const slot = (gpa: bigint | number, uaddr: bigint | number = 0x7f0000000000, slotId = 0): Ev => ({
  kind: 'ioctl',
  name: 'KVM_SET_USER_MEMORY_REGION',
  args: {
    fd: 4,
    slot: slotId,
    flags: 0,
    guest_phys_addr: `0x${gpa.toString(16)}`,
    memory_size: 0x200000,
    userspace_addr: `0x${uaddr.toString(16)}`,
  },
});
const last = (policies: string[], events: Ev[], facts?: Record<string, unknown>) =>
  given('x86_64', policies, [...vm, ...events], facts).effects;

test('x86 MAXPHYADDR: a slot whose last gfn is beyond the host MAXPHYADDR is EINVAL with EPT/NPT; 52 bits with shadow paging', () => {
  const at40 = slot(1n << 40n);
  assert.deepEqual(last(['kvm-memslot/linux'], [at40], { tdp: true, maxphyaddr: 39 })[0], { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(last(['kvm-memslot/linux'], [at40], { tdp: true, maxphyaddr: 46 })[0], { kind: 'result', ret: 0 });
  assert.deepEqual(last(['kvm-memslot/linux'], [at40], { tdp: false, maxphyaddr: 39 })[0], { kind: 'result', ret: 0 });
  assert.deepEqual(
    last(['kvm-memslot/linux'], [slot(1n << 52n)])[0],
    { kind: 'result', errno: 'EINVAL' },
    'beyond 52 bits needs no host fact',
  );
  assert.equal(last(['kvm-memslot/linux'], [at40])[0]!.kind, 'unmodelled', 'between 36 and 52 bits the host decides');
  assert.deepEqual(last(['kvm-memslot/linux'], [slot(0x100000)])[0], { kind: 'result', ret: 0 }, 'below 2^36 every CPU has it');
  assert.deepEqual(last(['kvm-memslot/linux-4.2'], [slot(1n << 52n)])[0], { kind: 'result', ret: 0 }, 'no such check before 5.15');
  assert.equal(last(['kvm-memslot/linux-5.12'], [slot(1n << 52n)])[0]!.kind, 'unmodelled', 'the era it appeared in');
});

test('5-level paging: TASK_SIZE_MAX is 2^56 - 4096, so a range above 2^47 is fine on such a host only', () => {
  const high = slot(0x100000, 1n << 48n);
  assert.deepEqual(last(['kvm-memslot/linux'], [high], { la57: true })[0], { kind: 'result', ret: 0 });
  assert.deepEqual(last(['kvm-memslot/linux'], [high], { la57: false })[0], { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(
    last(['kvm-memslot/linux-6.4'], [high], { la57: false })[0],
    { kind: 'result', ret: 0 },
    'the sign-bit rule ignores the depth',
  );
});

test('address space 1: 2 spaces on every x86 host of 4.2-6.1; from the CONFIG_KVM_SMM era, only with SMM', () => {
  const smm = slot(0x100000, 0x7f0000000000, (1 << 16) | 0);
  assert.deepEqual(last(['kvm-memslot/linux-4.2'], [smm], { kvm_smm: false })[0], { kind: 'result', ret: 0 });
  assert.deepEqual(last(['kvm-memslot/linux'], [smm], { kvm_smm: false })[0], { kind: 'result', errno: 'EINVAL' });
  assert.equal(last(['kvm-memslot/linux-5.12'], [smm], { kvm_smm: false })[0]!.kind, 'unmodelled');
  assert.deepEqual(
    last(['kvm-memslot/linux-3.19'], [smm])[0],
    { kind: 'result', errno: 'EINVAL' },
    'before 4.2: slot 65536 is out of range',
  );
  const cap: Ev = { kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, cap: 'KVM_CAP_MULTI_ADDRESS_SPACE' } };
  assert.deepEqual(last(['kvm-memslot/linux-3.19'], [cap]), [{ kind: 'result', ret: 0 }]);
  assert.deepEqual(last(['kvm-memslot/linux-4.2'], [cap]), [{ kind: 'result', ret: 2 }]);
  const slots: Ev = { kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, cap: 'KVM_CAP_NR_MEMSLOTS' } };
  assert.deepEqual(last(['kvm-memslot/linux-3.6'], [slots]), [{ kind: 'result', ret: 32 }]);
  assert.deepEqual(last(['kvm-memslot/linux-4.2'], [slots]), [{ kind: 'result', ret: 509 }]);
});
