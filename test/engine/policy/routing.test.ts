import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePolicy } from '../../../src/engine/policy/define-policy.js';
import type { EventReducers } from '../../../src/engine/policy/define.js';
import { allPolicies, resolvePolicies } from '../../../src/engine/policy/registry.js';
import { KVM_CAPS } from '../../../src/model/kvm-abi.js';
import { PolicyError } from '../../../src/errors.js';
import { given } from './given.js';

// Declared routing: every event key, capability and hook decision has one owner per architecture,
// checked when a run's policies are put together.

const newArea = (area: string, arches: ('x86_64' | 's390x' | 'aarch64')[], more: Partial<Parameters<typeof definePolicy>[0]>) =>
  definePolicy({ area, variant: 'v1', summary: 'a test area', sources: [], arches, ...more } as Parameters<typeof definePolicy>[0]);

/** The refusal names what is claimed and both claimants, in whichever order the set met them. */
function refused(ids: string[], extra: ReturnType<typeof definePolicy>[], what: RegExp, ...owners: string[]): void {
  assert.throws(
    () => resolvePolicies(ids, extra),
    (e: unknown) => e instanceof PolicyError && what.test(e.message) && owners.every((o) => e.message.includes(o)),
  );
}

test('two areas that claim the same event key on one architecture are refused at start-up, naming both', () => {
  const claimant = newArea('claims-vm-assist', ['x86_64'], { reducers: { 'hypercall:vm_assist': (s) => s } });
  refused(
    ['claims-vm-assist/v1'],
    [claimant],
    /event hypercall:vm_assist is claimed by both/,
    'xen-runstate/phys-area',
    'claims-vm-assist/v1',
  );
});

test('an area may not take an event the core reduces', () => {
  const claimant = newArea('takes-kvm-run', ['x86_64'], { reducers: { 'ioctl:KVM_RUN': (s) => s } });
  assert.throws(
    () => resolvePolicies(['takes-kvm-run/v1'], [claimant]),
    /ioctl:KVM_RUN is claimed by both the core reducers and takes-kvm-run\/v1/,
  );
});

test('claims on different architectures do not clash: guest_access is kvm-readonly on x86 and s390-pgste on s390x', () => {
  assert.doesNotThrow(() => resolvePolicies(['s390-pgste/late-mmap-rfc', 'kvm-readonly/prot-read']));
  const armOnly = newArea('arm-guest-access', ['aarch64'], { reducers: { 'fault:guest_access': (s) => s } });
  assert.doesNotThrow(() => resolvePolicies(['arm-guest-access/v1'], [armOnly]));
});

test('a capability, a KVM_CREATE_VM decision and memslot flag bits have one owner too', () => {
  const cap = newArea('answers-readonly-mem', ['x86_64'], { hooks: { capabilities: { KVM_CAP_READONLY_MEM: () => 7 } } });
  refused(
    ['answers-readonly-mem/v1'],
    [cap],
    /capability KVM_CAP_READONLY_MEM is claimed by both/,
    'kvm-readonly/memslot-flag',
    'answers-readonly-mem/v1',
  );
  const coreCap = newArea('answers-irqchip', ['x86_64'], { hooks: { capabilities: { KVM_CAP_IRQCHIP: () => 0 } } });
  assert.throws(() => resolvePolicies(['answers-irqchip/v1'], [coreCap]), /KVM_CAP_IRQCHIP is claimed by both the core reducers/);
  const vm = newArea('makes-s390-vms', ['s390x'], { hooks: { vmCreate: () => ({ accept: true }) } });
  refused(['makes-s390-vms/v1'], [vm], /KVM_CREATE_VM on vmCreate is claimed by both/, 's390-pgste/no-host-pgste', 'makes-s390-vms/v1');
  const enable = newArea('enables-rings', ['x86_64'], { hooks: { enableCap: { KVM_CAP_DIRTY_LOG_RING: () => ({ accept: true }) } } });
  refused(
    ['enables-rings/v1'],
    [enable],
    /KVM_ENABLE_CAP of KVM_CAP_DIRTY_LOG_RING is claimed by both/,
    'kvm-memslot/linux',
    'enables-rings/v1',
  );
  const toggles = newArea('toggles-modes', ['aarch64'], { hooks: { guestMode: (state) => state } });
  refused(
    ['toggles-modes/v1'],
    [toggles],
    /a guest mode switch on guestMode is claimed by both/,
    'xen-runstate/phys-area',
    'toggles-modes/v1',
  );
  const bit = newArea('readonly-bit', ['x86_64'], { hooks: { memslotFlags: 2 } });
  refused(['readonly-bit/v1'], [bit], /memslot flag bits 0x2 are claimed by both/, 'kvm-readonly/memslot-flag', 'readonly-bit/v1');
});

test('a variant of a built-in area replaces its base only where it says', () => {
  const fewer = definePolicy({
    area: 'kvm-memslot',
    variant: 'eight-slots',
    summary: 'at most 8 slots',
    sources: [],
    params: { userMemSlots: 8 },
  });
  const open = { kind: 'syscall' as const, name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } };
  const ask = { kind: 'ioctl' as const, name: 'KVM_CHECK_EXTENSION', args: { fd: 3, cap: 'KVM_CAP_NR_MEMSLOTS' } };
  const set = resolvePolicies(['kvm-memslot/eight-slots'], [fewer]);
  assert.equal(set.of('kvm-memslot'), fewer);
  assert.deepEqual(given('x86_64', [], [open, ask]).effects, [{ kind: 'result', ret: 32764 }]);
  assert.equal(fewer.params.userMemSlots, 8);
  assert.equal(fewer.params.validFlags, 1, 'the parameters it does not name come from its base');
});

test('a reducer reads only the args its event schema declares (this file does not compile otherwise)', () => {
  const reducers: EventReducers = {
    'ioctl:KVM_RUN': (state, event) => {
      // @ts-expect-error -- KVM_RUN's schema has fd, fdPath and raw; no importer produces an `exit_reason` arg
      void event.args.exit_reason;
      return state;
    },
    'fault:kvm_pio': (state, event) => {
      const port: number = event.args.port;
      // @ts-expect-error -- kvm_pio's `val` is optional (kernels before 4.1 printed none), so it may be undefined
      const val: number | string = event.args.val;
      void [port, val];
      return state;
    },
  };
  assert.equal(Object.keys(reducers).length, 2);
});

test('every capability a policy lets be enabled has its number, so a KVM_ENABLE_CAP read by number (the ioctl probe) reaches it', () => {
  const enabled = new Set(allPolicies().flatMap((p) => Object.keys(p.hooks.enableCap ?? {})));
  assert.ok(enabled.has('KVM_CAP_SPLIT_IRQCHIP') && enabled.has('KVM_CAP_X86_USER_SPACE_MSR'));
  assert.deepEqual(
    [...enabled].filter((cap) => KVM_CAPS[cap] === undefined),
    [],
  );
});
