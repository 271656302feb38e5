import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';
import { romVm } from './kvm-readonly/rom-vm.js';

const rom = romVm;
const access = (write: boolean, extra: Record<string, unknown> = {}): Ev => ({
  kind: 'fault',
  name: 'guest_access',
  vcpu: 0,
  args: { gpa: 0x1010, len: 1, write, data: 7, ...extra } as never,
});
const reclaim: Ev = { kind: 'fault', name: 'host_reclaim', args: { addr: 0x7f0000000000, length: 4096 } };
const run: Ev = { kind: 'ioctl', name: 'KVM_RUN', args: { fd: 5 } };
/** Linux 3.6 as a whole: no KVM_MEM_READONLY, and the memslot rules of 3.6 (no flags check). */
const PROT_READ = ['kvm-readonly/prot-read', 'kvm-memslot/linux-3.6'];
const FLAG = ['kvm-readonly/memslot-flag'];

test('given prot-read, when KVM_CHECK_EXTENSION(KVM_CAP_READONLY_MEM), then 0; memslot-flag says 1', () => {
  const ask: Ev = { kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, fdPath: '/dev/kvm', cap: 'KVM_CAP_READONLY_MEM' } };
  assert.deepEqual(given('x86_64', PROT_READ, [ask]).effects, [{ kind: 'result', ret: 0 }]);
  assert.deepEqual(given('x86_64', FLAG, [ask]).effects, [{ kind: 'result', ret: 1 }]);
});

test('given Linux 3.6, when a slot carries flag bits no kernel knows, then they are stored unchecked; memslot-flag says EINVAL', () => {
  assert.equal(given('x86_64', PROT_READ, rom(0x80)).states[3]!.vms[0]!.memslots[0]!.flags, 0x80);
  const strict = given('x86_64', FLAG, rom(0x80).slice(0, 4));
  assert.deepEqual(strict.effects[0], { kind: 'result', errno: 'EINVAL' });
  assert.equal(strict.state.vms[0]!.memslots.length, 0);
});

test("given prot-read with today's memslot rules, when the slot asks for KVM_MEM_READONLY, then EINVAL: not checking flags was 3.6's, not prot-read's", () => {
  const r = given('x86_64', ['kvm-readonly/prot-read'], rom(2).slice(0, 4));
  assert.deepEqual(r.effects[0], { kind: 'result', errno: 'EINVAL' });
  assert.equal(given('x86_64', PROT_READ, rom(2)).state.vms[0]!.memslots[0]!.flags, 2, '3.6 stores the bit it does not know');
});

test('given a present ROM page, when the guest reads it, then it works under both policies', () => {
  for (const p of [PROT_READ, FLAG]) {
    const r = given('x86_64', p, [...rom(2), access(false)]);
    assert.equal(r.state.vms[0]!.status, 'running');
    assert.deepEqual(r.effects, []);
  }
});

test('given prot-read, when the guest writes the ROM, then the VM dies and KVM_RUN fails with EFAULT', () => {
  const r = given('x86_64', PROT_READ, [...rom(2), access(true), run]);
  assert.equal(r.states[5]!.vms[0]!.status, 'crashed');
  assert.equal(r.states[5]!.vms[0]!.crash!.seq, 5);
  assert.deepEqual(r.effects, [{ kind: 'result', errno: 'EFAULT' }]);
});

test('given prot-read, when the host swapped the page out and the guest reads it, then the VM dies (the bug of seed 004)', () => {
  const r = given('x86_64', PROT_READ, [...rom(2), reclaim, access(false)]);
  assert.equal(r.state.vms[0]!.status, 'crashed');
  assert.equal(r.effects[0]!.kind, 'crash');
});

test('given memslot-flag, when the host swapped the page out and the guest reads it, then the page comes back', () => {
  const r = given('x86_64', FLAG, [...rom(2), reclaim, access(false)]);
  assert.deepEqual(r.states[5]!.host.processes[1]!.reclaimed, ['0x7f0000000000']);
  assert.equal(r.state.vms[0]!.status, 'running');
  assert.deepEqual(r.state.host.processes[1]!.reclaimed, []);
});

test('given memslot-flag, when the guest writes the read-only slot, then KVM_RUN exits with KVM_EXIT_MMIO and the access', () => {
  const r = given('x86_64', FLAG, [...rom(2), access(true), run]);
  assert.deepEqual(r.effects, [
    { kind: 'result', ret: 0 },
    { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_MMIO', detail: { gpa: '0x1010', len: 1, is_write: 1, data: 7 } },
  ]);
  assert.equal(r.state.vms[0]!.vcpus[0]!.lastExit, 'KVM_EXIT_MMIO');
  assert.equal(r.state.vms[0]!.vcpus[0]!.pendingExit, undefined);
});

test('given memslot-flag, when a slot without the flag is backed by a PROT_READ mapping and written, then the VM still dies', () => {
  const r = given('x86_64', FLAG, [...rom(0), access(true)]);
  assert.equal(r.state.vms[0]!.status, 'crashed');
});

test('given an s390 host, when the guest accesses memory, then kvm-readonly leaves it to the s390 area', () => {
  const r = given('s390x', FLAG, [{ kind: 'fault', name: 'guest_access', vcpu: 0, args: { gpa: 0 } }]);
  assert.deepEqual(r.effects, []);
});
