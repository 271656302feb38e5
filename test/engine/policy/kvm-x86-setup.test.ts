import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';

// The setup ioctls' ordering rules (kvm_arch_vm_ioctl()/kvm_arch_vcpu_ioctl(), arch/x86/kvm/x86.c 6.18.2).

const SETUP = ['kvm-x86-setup/linux'];
const vmOnly: Ev[] = [
  { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
  { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } },
];
const withVcpu: Ev[] = [...vmOnly, { kind: 'ioctl', name: 'KVM_CREATE_VCPU', args: { fd: 4, id: 0 }, result: { ret: 5 } }];
const on = (fd: number, name: string, args: Record<string, unknown> = {}, result?: Ev['result']): Ev => ({
  kind: 'ioctl',
  name,
  args: { fd, ...args } as never,
  ...(result ? { result } : {}),
});
const last = (events: Ev[], host?: Record<string, unknown>) => given('x86_64', SETUP, events, host).effects[0];

describe('VM setup: what must come before what', () => {
  it('KVM_SET_IDENTITY_MAP_ADDR is EINVAL once a vCPU exists (api.rst 4.40), 0 before', () => {
    assert.deepEqual(last([...vmOnly, on(4, 'KVM_SET_IDENTITY_MAP_ADDR', { raw: '0x7ffd' })]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...withVcpu, on(4, 'KVM_SET_IDENTITY_MAP_ADDR', { raw: '0x7ffd' })]), { kind: 'result', errno: 'EINVAL' });
  });

  it('KVM_SET_TSS_ADDR has no vCPU rule: only its range (above 4 GiB - 3 pages is EINVAL)', () => {
    assert.deepEqual(last([...withVcpu, on(4, 'KVM_SET_TSS_ADDR', { addr: 0xfeffd000 })]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...vmOnly, on(4, 'KVM_SET_TSS_ADDR', { addr: 0xffffe000 })]), { kind: 'result', errno: 'EINVAL' });
  });

  it('KVM_SET_BOOT_CPU_ID is EBUSY once a vCPU exists', () => {
    assert.deepEqual(last([...vmOnly, on(4, 'KVM_SET_BOOT_CPU_ID', { id: 1 })]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...withVcpu, on(4, 'KVM_SET_BOOT_CPU_ID', { id: 1 })]), { kind: 'result', errno: 'EBUSY' });
  });
});

describe('vCPU state: what each ioctl needs', () => {
  it("a default VM's getters copy the state out and return 0; KVM_SET_REGS takes any registers", () => {
    for (const name of [
      'KVM_GET_REGS',
      'KVM_SET_REGS',
      'KVM_GET_SREGS2',
      'KVM_GET_XSAVE2',
      'KVM_GET_XCRS',
      'KVM_GET_VCPU_EVENTS',
      'KVM_GET_DEBUGREGS',
      'KVM_GET_MP_STATE',
    ])
      assert.deepEqual(last([...withVcpu, on(5, name, { raw: '0x7f00' })]), { kind: 'result', ret: 0 }, name);
  });

  it('KVM_SET_CPUID2 with more than KVM_MAX_CPUID_ENTRIES (256) entries is E2BIG; fewer depend on entries strace does not print', () => {
    assert.deepEqual(last([...withVcpu, on(5, 'KVM_SET_CPUID2', { nent: 257 })]), { kind: 'result', errno: 'E2BIG' });
    assert.equal(last([...withVcpu, on(5, 'KVM_SET_CPUID2', { nent: 19 })])?.kind, 'unmodelled');
  });

  it("KVM_GET_TSC_KHZ is the host's rate until KVM_SET_TSC_KHZ; setting the host's rate is 0, a slower one without TSC scaling EINVAL", () => {
    const host = { tsc_khz: 2596138, tsc_control: false };
    assert.deepEqual(last([...withVcpu, on(5, 'KVM_GET_TSC_KHZ', { arg: 0 })], host), { kind: 'result', ret: 2596138 });
    assert.equal(last([...withVcpu, on(5, 'KVM_GET_TSC_KHZ', { arg: 0 })])?.kind, 'unmodelled', 'a trace alone does not say the rate');
    assert.deepEqual(last([...withVcpu, on(5, 'KVM_SET_TSC_KHZ', { khz: 2596138 })], host), { kind: 'result', ret: 0 });
    assert.equal(
      last([...withVcpu, on(5, 'KVM_SET_TSC_KHZ', { khz: 2596122 })], host)?.kind,
      'unmodelled',
      'slower by 6 ppm: within tsc_tolerance_ppm?',
    );
    assert.deepEqual(last([...withVcpu, on(5, 'KVM_SET_TSC_KHZ', { khz: 2596122 })], { ...host, tsc_tolerance_ppm: 250 }), {
      kind: 'result',
      ret: 0,
    });
    assert.deepEqual(last([...withVcpu, on(5, 'KVM_SET_TSC_KHZ', { khz: 1000000 })], { ...host, tsc_tolerance_ppm: 250 }), {
      kind: 'result',
      errno: 'EINVAL',
    });
    const faster = [...withVcpu, on(5, 'KVM_SET_TSC_KHZ', { khz: 3000000 }), on(5, 'KVM_GET_TSC_KHZ', { arg: 0 })];
    assert.deepEqual(last(faster, host), { kind: 'result', ret: 3000000 }, 'a faster rate catches up, and is what the vCPU reports');
  });
});
