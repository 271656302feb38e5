import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';

const open: Ev = { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } };
const create = (type: number): Ev => ({ kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type }, result: { ret: 4 } });
const vmCap: Ev = { kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 4, cap: 'KVM_CAP_MIPS_VZ' } };
const load = (link: number): Ev => ({ kind: 'guest', name: 'load_kernel', args: { link_address: link } });
const BOTH = { vz: true, te: true };

test('given a host with VZ and T&E, when type 0 is asked for, then 4.12 makes T&E and 5.9 makes VZ', () => {
  assert.equal(given('mips64', ['mips-vmtype/linux-4.12'], [open, create(0)], BOTH).state.vms[0]!.flavor, 'te');
  assert.equal(given('mips64', ['mips-vmtype/linux-5.9'], [open, create(0)], BOTH).state.vms[0]!.flavor, 'vz');
});

test('given a host without VZ, when 5.9 gets type 0 (AUTO), then it falls back to T&E', () => {
  assert.equal(given('mips64', ['mips-vmtype/linux-5.9'], [open, create(0)], { vz: false, te: true }).state.vms[0]!.flavor, 'te');
});

test('given 5.9, when type 2 is asked for, then T&E; 4.12 does not know type 2', () => {
  assert.equal(given('mips64', ['mips-vmtype/linux-5.9'], [open, create(2)], BOTH).state.vms[0]!.flavor, 'te');
  const old = given('mips64', ['mips-vmtype/linux-4.12'], [open, create(2)], BOTH);
  assert.deepEqual(old.effects[0], { kind: 'result', errno: 'EINVAL' });
});

test('given a VZ-only request on a host without VZ, then EINVAL', () => {
  assert.deepEqual(given('mips64', ['mips-vmtype/linux-5.9'], [open, create(1)], { vz: false, te: true }).effects[0], { kind: 'result', errno: 'EINVAL' });
});

test('given a VM, when KVM_CHECK_EXTENSION(KVM_CAP_MIPS_VZ) on its fd, then it says whether the VM is VZ', () => {
  assert.deepEqual(given('mips64', ['mips-vmtype/linux-4.12'], [open, create(0), vmCap], BOTH).effects, [{ kind: 'result', ret: 0 }]);
  assert.deepEqual(given('mips64', ['mips-vmtype/linux-4.12'], [open, create(1), vmCap], BOTH).effects, [{ kind: 'result', ret: 1 }]);
});

test('given a T&E VM, then only a kernel linked in the relocated KSEG0 (0x40000000) runs; a VZ VM needs 0x80000000', () => {
  const te = (link: number) => given('mips64', ['mips-vmtype/linux-4.12'], [open, create(0), load(link)], BOTH).state.vms[0]!.guestKernel!.runs;
  assert.equal(te(0x40100000), true);
  assert.equal(te(0x80100000), false);
  const vz = (link: number) => given('mips64', ['mips-vmtype/linux-5.9'], [open, create(0), load(link)], BOTH).state.vms[0]!.guestKernel!.runs;
  assert.equal(vz(0x80100000), true);
  assert.equal(vz(0x40100000), false);
});

test('given a scenario that does not say what the host can do, then KVM_CREATE_VM is unmodelled rather than guessed', () => {
  assert.equal(given('mips64', ['mips-vmtype/linux-5.9'], [open, create(0)]).effects[0]!.kind, 'unmodelled');
});
