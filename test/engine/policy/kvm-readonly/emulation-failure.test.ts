import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from '../given.js';
import { romVm } from './rom-vm.js';

// handle_emulation_failure() (arch/x86/kvm/x86.c) for a write into a KVM_MEM_READONLY slot that the
// emulator cannot decode, in its three eras: any CPL (3.7-3.17), CPL 0 (3.18-5.13), and
// KVM_CAP_EXIT_ON_EMULATION_FAILURE (5.14+).

const setup = romVm(2);
const write = (extra: Record<string, unknown>): Ev => ({
  kind: 'fault',
  name: 'guest_access',
  vcpu: 0,
  args: { gpa: 0x1010, len: 1, write: true, emulatable: false, ...extra } as never,
});
const run: Ev = { kind: 'ioctl', name: 'KVM_RUN', args: { fd: 5 } };
const enable = (on: number, flags = 0): Ev => ({
  kind: 'ioctl',
  name: 'KVM_ENABLE_CAP',
  args: { fd: 4, cap: 'KVM_CAP_EXIT_ON_EMULATION_FAILURE', flags, args: [on] },
});
const INTERNAL = { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_INTERNAL_ERROR', detail: { suberror: 1 } };

test('given 3.18+, when a guest program (CPL 3) does the write, then #UD is queued and KVM_RUN does not exit for it', () => {
  for (const p of ['kvm-readonly/memslot-flag-3.18', 'kvm-readonly/memslot-flag']) {
    const r = given('x86_64', [p], [...setup, write({ cpl: 3 }), run]);
    assert.deepEqual(r.effects, [], p);
    assert.equal(r.state.vms[0]!.vcpus[0]!.queuedException, 'UD');
    const at = given('x86_64', [p], [...setup, write({ cpl: 3 })]);
    assert.deepEqual(
      at.effects.map((e) => e.kind),
      ['exception'],
    );
  }
});

test('given 3.18+, when the guest kernel (CPL 0) does the write, then #UD is queued and KVM_RUN exits with KVM_EXIT_INTERNAL_ERROR', () => {
  const r = given('x86_64', ['kvm-readonly/memslot-flag'], [...setup, write({ cpl: 0 }), run]);
  assert.deepEqual(r.effects[1], INTERNAL);
  assert.equal(r.state.vms[0]!.vcpus[0]!.queuedException, 'UD');
});

test('given 3.7-3.17, when a guest program does the write, then the exit comes at any CPL', () => {
  const r = given('x86_64', ['kvm-readonly/memslot-flag-3.7'], [...setup, write({ cpl: 3 }), run]);
  assert.deepEqual(r.effects[1], INTERNAL);
});

test('given any era, when a nested (L2) guest does the write, then no exit, only #UD', () => {
  for (const p of ['kvm-readonly/memslot-flag-3.7', 'kvm-readonly/memslot-flag']) {
    const r = given('x86_64', [p], [...setup, write({ cpl: 0, nested: true }), run]);
    assert.deepEqual(r.effects, [], p);
  }
});

test('given 3.18+, when the event does not say the CPL, then the outcome is not predicted', () => {
  const r = given('x86_64', ['kvm-readonly/memslot-flag'], [...setup, write({})]);
  assert.equal(r.effects[0]!.kind, 'unmodelled');
});

test('given 5.14+, when KVM_CAP_EXIT_ON_EMULATION_FAILURE is enabled, then even CPL 3 exits, without #UD', () => {
  const r = given('x86_64', ['kvm-readonly/memslot-flag'], [...setup, enable(1), write({ cpl: 3 }), run]);
  assert.deepEqual(r.effects[1], INTERNAL);
  assert.equal(r.state.vms[0]!.vcpus[0]!.queuedException, undefined);
  assert.equal(r.state.vms[0]!.exitOnEmulationError, true);
});

test('KVM_ENABLE_CAP(KVM_CAP_EXIT_ON_EMULATION_FAILURE): flags or args beyond 1 are EINVAL; before 5.14 the cap is unknown (EINVAL, and 0 from KVM_CHECK_EXTENSION)', () => {
  assert.deepEqual(given('x86_64', ['kvm-readonly/memslot-flag'], [...setup, enable(2)]).effects[0], { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(given('x86_64', ['kvm-readonly/memslot-flag'], [...setup, enable(1, 1)]).effects[0], {
    kind: 'result',
    errno: 'EINVAL',
  });
  assert.deepEqual(given('x86_64', ['kvm-readonly/memslot-flag-3.18'], [...setup, enable(1)]).effects[0], {
    kind: 'result',
    errno: 'EINVAL',
  });
  const ask: Ev = {
    kind: 'ioctl',
    name: 'KVM_CHECK_EXTENSION',
    args: { fd: 3, fdPath: '/dev/kvm', cap: 'KVM_CAP_EXIT_ON_EMULATION_FAILURE' },
  };
  assert.deepEqual(given('x86_64', ['kvm-readonly/memslot-flag'], [ask]).effects, [{ kind: 'result', ret: 1 }]);
  assert.deepEqual(given('x86_64', ['kvm-readonly/memslot-flag-3.18'], [ask]).effects, [{ kind: 'result', ret: 0 }]);
});

test('KVM_ENABLE_CAP as strace prints it (an address only) is not predicted', () => {
  const raw: Ev = { kind: 'ioctl', name: 'KVM_ENABLE_CAP', args: { fd: 4, raw: '0x7fff3519d600' } };
  assert.equal(given('x86_64', ['kvm-readonly/memslot-flag'], [...setup, raw]).effects[0]!.kind, 'unmodelled');
});
