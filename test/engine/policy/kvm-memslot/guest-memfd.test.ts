import assert from 'node:assert/strict';
import { test } from 'node:test';
import { given, type Ev } from '../given.js';

// KVM_SET_USER_MEMORY_REGION2 and guest_memfd (6.18.2 virt/kvm/kvm_main.c, virt/kvm/guest_memfd.c).

const vm = (fd = 4): Ev[] => [
  { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
  { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: fd } },
];
const gmem = (size: number, ret = 6, flags = 0, vmFd = 4): Ev => ({
  kind: 'ioctl',
  name: 'KVM_CREATE_GUEST_MEMFD',
  args: { fd: vmFd, size, flags },
  result: { ret },
});
const region2 = (r: Record<string, unknown>): Ev => ({
  kind: 'ioctl',
  name: 'KVM_SET_USER_MEMORY_REGION2',
  args: {
    fd: 4,
    slot: 0,
    flags: 'KVM_MEM_GUEST_MEMFD',
    guest_phys_addr: 0,
    memory_size: 0x10000,
    userspace_addr: 0x7f0000000000,
    guest_memfd: 6,
    guest_memfd_offset: 0,
    ...r,
  },
});
const LATEST = ['kvm-memslot/linux'];
const result = (events: Ev[], policies = LATEST) => given('x86_64', policies, events).effects[0];

test('a guest_memfd slot binds a page range of the file; the slot records where', () => {
  const r = given('x86_64', LATEST, [...vm(), gmem(0x100000), region2({})]);
  assert.deepEqual(r.effects.slice(0, 2), [
    { kind: 'result', ret: 0 },
    { kind: 'memslot', vm: 0, slot: 0, change: 'create' },
  ]);
  assert.deepEqual(r.state.vms[0]!.memslots[0]!.guestMemfd, { fd: 6, offset: '0x0' });
  assert.deepEqual(r.state.vms[0]!.guestMemfds!['6']!.bindings, [{ first: '0x0', last: '0xf', slot: 0 }]);
});

test("the bind errors: EBADF for no open fd, EINVAL for a file that is no guest_memfd, another VM's, past its end, or pages already bound", () => {
  assert.deepEqual(result([...vm(), region2({ guest_memfd: 9 })]), { kind: 'result', errno: 'EBADF' });
  const file: Ev = { kind: 'syscall', name: 'openat', args: { path: '/tmp/x' }, result: { ret: 7 } };
  assert.deepEqual(result([...vm(), file, region2({ guest_memfd: 7 })]), { kind: 'result', errno: 'EINVAL' });
  const other: Ev[] = [{ kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 5 } }, gmem(0x100000, 8, 0, 5)];
  assert.deepEqual(result([...vm(), ...other, region2({ guest_memfd: 8 })]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(result([...vm(), gmem(0x10000), region2({ guest_memfd_offset: 0x1000 })]), { kind: 'result', errno: 'EINVAL' });
  const twice = [...vm(), gmem(0x100000), region2({}), region2({ slot: 1, guest_phys_addr: 0x100000, guest_memfd_offset: 0x8000 })];
  assert.deepEqual(given('x86_64', LATEST, twice).effects[0], { kind: 'result', errno: 'EINVAL' });
  const apart = [...vm(), gmem(0x100000), region2({}), region2({ slot: 1, guest_phys_addr: 0x100000, guest_memfd_offset: 0x10000 })];
  assert.deepEqual(given('x86_64', LATEST, apart).effects[0], { kind: 'result', ret: 0 });
});

test('the offset checks come before the address space and the bind: misaligned or wrapping is EINVAL', () => {
  assert.deepEqual(result([...vm(), gmem(0x100000), region2({ guest_memfd_offset: 0x800 })]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(result([...vm(), region2({ guest_memfd: 9, guest_memfd_offset: '0xfffffffffffff000' })]), {
    kind: 'result',
    errno: 'EINVAL',
  });
});

test('GUEST_MEMFD excludes LOG_DIRTY_PAGES and READONLY, and such a slot cannot be modified, only deleted', () => {
  assert.deepEqual(result([...vm(), gmem(0x100000), region2({ flags: 'KVM_MEM_GUEST_MEMFD|KVM_MEM_LOG_DIRTY_PAGES' })]), {
    kind: 'result',
    errno: 'EINVAL',
  });
  assert.deepEqual(result([...vm(), gmem(0x100000), region2({ flags: 'KVM_MEM_GUEST_MEMFD|KVM_MEM_READONLY' })]), {
    kind: 'result',
    errno: 'EINVAL',
  });
  assert.deepEqual(given('x86_64', LATEST, [...vm(), gmem(0x100000), region2({}), region2({ guest_phys_addr: 0x200000 })]).effects[0], {
    kind: 'result',
    errno: 'EINVAL',
  });
  const gone = given('x86_64', LATEST, [...vm(), gmem(0x100000), region2({}), region2({ memory_size: 0, flags: 0 })]);
  assert.deepEqual(gone.effects[0], { kind: 'result', ret: 0 });
  assert.deepEqual(gone.state.vms[0]!.guestMemfds!['6']!.bindings, [], 'kvm_gmem_unbind()');
});

test('KVM_CREATE_GUEST_MEMFD: size positive and page aligned, flags MMAP|INIT_SHARED only (6.18)', () => {
  assert.deepEqual(result([...vm(), gmem(0x1800)]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(result([...vm(), gmem(0x1000, 6, 4)]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(result([...vm(), gmem(0x1000, 6, 3)]), { kind: 'result', newFd: 'gmem' });
});

test('before 6.18 a default VM has no guest_memfd slots (kvm_arch_has_private_mem()); before 6.8 no REGION2 at all', () => {
  assert.deepEqual(result([...vm(), gmem(0x100000), region2({})], ['kvm-memslot/linux-6.12']), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(result([...vm(), region2({ flags: 0 })], ['kvm-memslot/linux-6.4']), { kind: 'result', errno: 'ENOTTY' });
  assert.deepEqual(result([...vm(), gmem(0x100000)], ['kvm-memslot/linux-6.4']), { kind: 'result', errno: 'ENOTTY' });
  const cap = (c: string): Ev => ({ kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, cap: c } });
  const ask = (c: string, policies = LATEST) => given('x86_64', policies, [...vm(), cap(c)]).effects[0];
  assert.deepEqual(ask('KVM_CAP_USER_MEMORY2'), { kind: 'result', ret: 1 });
  assert.deepEqual(ask('KVM_CAP_USER_MEMORY2', ['kvm-memslot/linux-6.4']), { kind: 'result', ret: 0 });
  assert.deepEqual(ask('KVM_CAP_GUEST_MEMFD'), { kind: 'result', ret: 1 });
});
