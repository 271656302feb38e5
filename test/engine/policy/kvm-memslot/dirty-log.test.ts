import assert from 'node:assert/strict';
import { test } from 'node:test';
import { given, type Ev } from '../given.js';

// Dirty logging (6.18.2 virt/kvm/kvm_main.c kvm_get_dirty_log_protect(), kvm_clear_dirty_log_protect(),
// kvm_vm_ioctl_enable_dirty_log_ring(); virt/kvm/dirty_ring.c).

const vm: Ev[] = [
  { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
  { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } },
];
const slot = (flags: string, slotId = 0): Ev => ({
  kind: 'ioctl',
  name: 'KVM_SET_USER_MEMORY_REGION',
  args: { fd: 4, slot: slotId, flags, guest_phys_addr: 0, memory_size: 0x400000, userspace_addr: 0x7f0000000000 },
});
const get = (slotId?: number): Ev => ({
  kind: 'ioctl',
  name: 'KVM_GET_DIRTY_LOG',
  args: { fd: 4, ...(slotId === undefined ? {} : { slot: slotId }) },
});
const clear = (first: number, num: number, slotId = 0): Ev => ({
  kind: 'ioctl',
  name: 'KVM_CLEAR_DIRTY_LOG',
  args: { fd: 4, slot: slotId, first_page: first, num_pages: num },
});
const enable = (cap: string, args: number[], flags = 0): Ev => ({
  kind: 'ioctl',
  name: 'KVM_ENABLE_CAP',
  args: { fd: 4, cap, flags, args },
});
const vcpu: Ev = { kind: 'ioctl', name: 'KVM_CREATE_VCPU', args: { fd: 4, id: 0 }, result: { ret: 5 } };
const first = (events: Ev[], policies = ['kvm-memslot/linux'], facts?: Record<string, unknown>) =>
  given('x86_64', policies, [...vm, ...events], facts).effects[0];

test('LOG_DIRTY_PAGES on and off an existing slot are flags-only changes; the bitmap follows the flag', () => {
  const on = given('x86_64', ['kvm-memslot/linux'], [...vm, slot('0'), slot('KVM_MEM_LOG_DIRTY_PAGES'), get(0)]);
  assert.deepEqual(on.states[3]!.vms[0]!.memslots[0]!.flags, 1);
  assert.deepEqual(on.effects, [{ kind: 'result', ret: 0 }]);
  const off = given('x86_64', ['kvm-memslot/linux'], [...vm, slot('KVM_MEM_LOG_DIRTY_PAGES'), slot('0'), get(0)]);
  assert.deepEqual(off.effects[0], { kind: 'result', errno: 'ENOENT' });
});

test('KVM_GET_DIRTY_LOG: ENXIO with the dirty ring, EINVAL for a slot out of range, ENOENT without a bitmap', () => {
  const ring = given(
    'x86_64',
    ['kvm-memslot/linux'],
    [...vm, enable('KVM_CAP_DIRTY_LOG_RING', [65536]), slot('KVM_MEM_LOG_DIRTY_PAGES'), get(0)],
  );
  assert.deepEqual(ring.effects[0], { kind: 'result', errno: 'ENXIO' });
  assert.deepEqual(first([get(40000)]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(first([get(3)]), { kind: 'result', errno: 'ENOENT' });
  assert.equal(first([get()])!.kind, 'unmodelled', 'strace gives no slot');
});

test('KVM_CLEAR_DIRTY_LOG: first_page a multiple of 64 (checked before the bitmap), the range within the slot, whole 64s unless it runs to the end', () => {
  const dirty = [slot('KVM_MEM_LOG_DIRTY_PAGES')];
  const c = (f: number, n: number) => given('x86_64', ['kvm-memslot/linux'], [...vm, ...dirty, clear(f, n)]).effects[0];
  assert.deepEqual(c(0, 64), { kind: 'result', ret: 0 });
  assert.deepEqual(c(64, 1024 - 64), { kind: 'result', ret: 0 }, 'to the end of the 1024-page slot');
  assert.deepEqual(c(0, 100), { kind: 'result', errno: 'EINVAL' }, 'not a multiple of 64 short of the end');
  assert.deepEqual(c(32, 64), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(c(0, 2048), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(first([clear(32, 64, 3)]), { kind: 'result', errno: 'EINVAL' }, 'first_page before ENOENT');
  assert.deepEqual(first([clear(0, 64, 3)]), { kind: 'result', errno: 'ENOENT' });
  assert.deepEqual(first([clear(0, 64)], ['kvm-memslot/linux-3.19']), { kind: 'result', errno: 'ENOTTY' }, 'before 5.0 no such ioctl');
});

test('the capabilities: MANUAL_DIRTY_LOG_PROTECT2 = 3 on x86 (PROTECT_ENABLE|INITIALLY_SET), DIRTY_LOG_RING = 65536 entries of 16 bytes', () => {
  const cap = (c: string): Ev => ({ kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 4, cap: c } });
  assert.deepEqual(first([cap('KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2')]), { kind: 'result', ret: 3 });
  assert.deepEqual(first([cap('KVM_CAP_DIRTY_LOG_RING')]), { kind: 'result', ret: 1048576 });
  assert.deepEqual(first([cap('KVM_CAP_DIRTY_LOG_RING_ACQ_REL')]), { kind: 'result', ret: 1048576 });
  assert.deepEqual(first([cap('KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP')]), { kind: 'result', ret: 0 });
  assert.equal(first([cap('KVM_CAP_DIRTY_LOG_RING_ACQ_REL')], ['kvm-memslot/linux-5.12'])!.kind, 'unmodelled');
  assert.deepEqual(first([cap('KVM_CAP_DIRTY_LOG_RING')], ['kvm-memslot/linux-3.19']), { kind: 'result', ret: 0 });
  assert.deepEqual(first([enable('KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2', [3])]), { kind: 'result', ret: 0 });
  assert.deepEqual(
    first([enable('KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2', [2])]),
    { kind: 'result', errno: 'EINVAL' },
    'INITIALLY_SET needs PROTECT_ENABLE',
  );
  assert.deepEqual(first([enable('KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2', [1], 1)]), { kind: 'result', errno: 'EINVAL' });
});

test('enabling the ring: a power of 2, at least a page and the reserved entries, at most 1 MiB (E2BIG), once, before any vCPU', () => {
  assert.deepEqual(first([enable('KVM_CAP_DIRTY_LOG_RING', [65536 + 4096])]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(first([enable('KVM_CAP_DIRTY_LOG_RING', [2048])]), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(first([enable('KVM_CAP_DIRTY_LOG_RING', [1 << 21])]), { kind: 'result', errno: 'E2BIG' });
  assert.deepEqual(first([vcpu, enable('KVM_CAP_DIRTY_LOG_RING', [65536])]), { kind: 'result', errno: 'EINVAL' });
  const twice = given(
    'x86_64',
    ['kvm-memslot/linux'],
    [...vm, enable('KVM_CAP_DIRTY_LOG_RING', [65536]), enable('KVM_CAP_DIRTY_LOG_RING', [65536])],
  );
  assert.deepEqual(twice.effects[0], { kind: 'result', errno: 'EINVAL' });
  // 4096 bytes hold 256 entries; under Intel PML 576 are reserved, so only then is it too small.
  assert.deepEqual(first([enable('KVM_CAP_DIRTY_LOG_RING', [4096])], ['kvm-memslot/linux'], { pml: true }), {
    kind: 'result',
    errno: 'EINVAL',
  });
  assert.deepEqual(first([enable('KVM_CAP_DIRTY_LOG_RING', [4096])], ['kvm-memslot/linux'], { pml: false }), { kind: 'result', ret: 0 });
  assert.equal(first([enable('KVM_CAP_DIRTY_LOG_RING', [4096])])!.kind, 'unmodelled');
  assert.deepEqual(first([enable('KVM_CAP_DIRTY_LOG_RING', [65536])], ['kvm-memslot/linux-3.19']), { kind: 'result', errno: 'EINVAL' });
});

const push = (dirty: number, reset = 0): Ev => ({
  kind: 'fault',
  name: 'kvm_dirty_ring_push',
  tid: 9,
  args: { ring: 0, dirty, reset, slot: 0, offset: 6 },
});
const run: Ev = { kind: 'ioctl', name: 'KVM_RUN', tid: 9, args: { fd: 5 } };

test('a ring at its soft limit (size - 64, without PML) makes KVM_RUN exit with KVM_EXIT_DIRTY_RING_FULL', () => {
  const small = [enable('KVM_CAP_DIRTY_LOG_RING', [4096]), { ...vcpu, tid: 9 }];
  const full = given('x86_64', ['kvm-memslot/linux'], [...vm, ...small, push(192), run], { pml: false });
  assert.deepEqual(full.effects[1], { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_DIRTY_RING_FULL' });
  const below = given('x86_64', ['kvm-memslot/linux'], [...vm, ...small, push(191), run], { pml: false });
  assert.deepEqual(below.effects, [], '191 of 256 entries: below the soft limit');
  const big = [enable('KVM_CAP_DIRTY_LOG_RING', [65536]), { ...vcpu, tid: 9 }];
  const unsure = given('x86_64', ['kvm-memslot/linux'], [...vm, ...big, push(3600)]);
  assert.equal(unsure.effects[0]!.kind, 'unmodelled', '3600 of 4096: at the limit under PML (4096 - 576), below it without');
});

test('KVM_RESET_DIRTY_RINGS returns the entries its kvm_dirty_ring_reset events moved past', () => {
  const reset: Ev = { kind: 'fault', name: 'kvm_dirty_ring_reset', tid: 7, args: { ring: 0, dirty: 398, reset: 398 } };
  const ioctl: Ev = { kind: 'ioctl', name: 'KVM_RESET_DIRTY_RINGS', tid: 7, args: { fd: 4 } };
  const r = given('x86_64', ['kvm-memslot/linux'], [...vm, { ...vcpu, tid: 9 }, push(1), push(398), reset, ioctl]);
  assert.deepEqual(r.effects, [{ kind: 'result', ret: 398 }]);
  assert.equal(r.state.vms[0]!.ringEntriesReset, undefined);
  const strace = given('x86_64', ['kvm-memslot/linux'], [...vm, { ...vcpu, tid: 9 }, push(1), ioctl]);
  assert.equal(strace.effects[0]!.kind, 'unmodelled', 'without the reset events the count is not known');
});
