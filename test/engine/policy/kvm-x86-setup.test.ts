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

describe("/dev/kvm's answers about the host (kvm_arch_dev_ioctl())", () => {
  const dev = (name: string, args: Record<string, unknown>) => on(3, name, args);
  const result = (r: { ret: number } | { errno: string }) => ({ kind: 'result', ...r });

  it('the MSR lists are E2BIG below what the source guarantees (2 to save, 4 feature MSRs); above it the host decides', () => {
    assert.deepEqual(last([...vmOnly, dev('KVM_GET_MSR_INDEX_LIST', { nmsrs: 1 })]), result({ errno: 'E2BIG' }));
    assert.equal(last([...vmOnly, dev('KVM_GET_MSR_INDEX_LIST', { nmsrs: 2 })])?.kind, 'unmodelled');
    assert.deepEqual(last([...vmOnly, dev('KVM_GET_MSR_FEATURE_INDEX_LIST', { nmsrs: 3 })]), result({ errno: 'E2BIG' }));
    assert.equal(last([...vmOnly, dev('KVM_GET_MSR_FEATURE_INDEX_LIST', { nmsrs: 4 })])?.kind, 'unmodelled');
    assert.equal(last([...vmOnly, dev('KVM_GET_MSR_INDEX_LIST', { raw: '0x7ffc' })])?.kind, 'unmodelled', 'the room is not shown');
  });

  it("a host's bounds decide the rest: E2BIG below atLeast, 0 from atMost on, unknown between", () => {
    const host = { msr_index_count: { atLeast: 1, atMost: 40 }, msr_feature_count: { atLeast: 5 } };
    assert.deepEqual(last([...vmOnly, dev('KVM_GET_MSR_INDEX_LIST', { nmsrs: 40 })], host), result({ ret: 0 }));
    assert.deepEqual(last([...vmOnly, dev('KVM_GET_MSR_INDEX_LIST', { nmsrs: 64 })], host), result({ ret: 0 }));
    assert.equal(last([...vmOnly, dev('KVM_GET_MSR_INDEX_LIST', { nmsrs: 39 })], host)?.kind, 'unmodelled');
    assert.deepEqual(last([...vmOnly, dev('KVM_GET_MSR_FEATURE_INDEX_LIST', { nmsrs: 4 })], host), result({ errno: 'E2BIG' }));
    assert.equal(last([...vmOnly, dev('KVM_GET_MSR_FEATURE_INDEX_LIST', { nmsrs: 99 })], host)?.kind, 'unmodelled');
  });

  it('KVM_GET_SUPPORTED_CPUID: under 4 entries is E2BIG on any host; the host count decides the rest, room clamped to 256', () => {
    const cpuid = (nentIn: number, host?: Record<string, unknown>) => last([...vmOnly, dev('KVM_GET_SUPPORTED_CPUID', { nentIn })], host);
    assert.deepEqual(cpuid(0), result({ errno: 'E2BIG' }));
    assert.deepEqual(cpuid(3), result({ errno: 'E2BIG' }));
    assert.equal(cpuid(4)?.kind, 'unmodelled');
    const host = { supported_cpuid_entries: 56 };
    assert.deepEqual(cpuid(32, host), result({ errno: 'E2BIG' }));
    assert.deepEqual(cpuid(55, host), result({ errno: 'E2BIG' }));
    assert.deepEqual(cpuid(56, host), result({ ret: 0 }));
    assert.deepEqual(cpuid(100000, host), result({ ret: 0 }));
    assert.deepEqual(cpuid(100000, { supported_cpuid_entries: 257 }), result({ errno: 'E2BIG' }), 'the room is clamped to 256');
    const printed = last([...vmOnly, dev('KVM_GET_SUPPORTED_CPUID', { nent: 56 })], host);
    assert.equal(printed?.kind, 'unmodelled', "strace's nent is the kernel's count, not the room asked for");
  });

  it('KVM_GET_MSRS on /dev/kvm reads the feature MSRs KVM answers itself; a vendor MSR, or an unseen list, is not predicted', () => {
    const msrs = (args: Record<string, unknown>) => last([...vmOnly, dev('KVM_GET_MSRS', args)]);
    assert.deepEqual(msrs({ nmsrs: 1, indices: ['0x10a'] }), result({ ret: 1 }));
    assert.deepEqual(msrs({ nmsrs: 3, indices: ['0x345', '0x8b', '0xce'] }), result({ ret: 3 }));
    assert.equal(msrs({ nmsrs: 2, indices: ['0x10a', '0x48b'] })?.kind, 'unmodelled', 'a VMX capability MSR is the vendor module’s');
    assert.equal(msrs({ nmsrs: 5 })?.kind, 'unmodelled');
    assert.deepEqual(msrs({ nmsrs: 256 }), result({ errno: 'E2BIG' }), 'MAX_IO_MSRS');
    assert.equal(
      last([...withVcpu, on(5, 'KVM_GET_MSRS', { nmsrs: 1, indices: ['0x10a'] })]),
      undefined,
      "a vCPU's MSRs are another table",
    );
  });

  it('KVM_GET_DEVICE_ATTR / KVM_HAS_DEVICE_ATTR: group 0 knows KVM_X86_XCOMP_GUEST_SUPP only; other groups are the vendor’s', () => {
    for (const name of ['KVM_GET_DEVICE_ATTR', 'KVM_HAS_DEVICE_ATTR']) {
      assert.deepEqual(last([...vmOnly, dev(name, { flags: 0, group: 0, attr: 0 })]), result({ ret: 0 }), name);
      assert.deepEqual(last([...vmOnly, dev(name, { flags: 0, group: 0, attr: 1 })]), result({ errno: 'ENXIO' }), name);
      assert.equal(last([...vmOnly, dev(name, { flags: 0, group: 1, attr: 0 })])?.kind, 'unmodelled', name);
    }
  });

  it('KVM_X86_SETUP_MCE: 1 to 32 banks with MCG_CTL_P and MCG_SER_P is 0 on any vendor; 0 or 33 banks EINVAL; LMCE not predicted', () => {
    const mce = (mcg_cap: string) => last([...withVcpu, on(5, 'KVM_X86_SETUP_MCE', { mcg_cap })]);
    assert.deepEqual(mce('0x100010a'), result({ ret: 0 }), "QEMU's: 10 banks, CTL_P, SER_P");
    assert.deepEqual(mce('0x1000100'), result({ errno: 'EINVAL' }));
    assert.deepEqual(mce('0x21'), result({ errno: 'EINVAL' }));
    assert.equal(mce('0x800010a')?.kind, 'unmodelled', 'MCG_LMCE_P is VMX’s');
  });
});

describe('capabilities that set a VM flag or limit (kvm_vm_ioctl_enable_cap())', () => {
  const enable = (cap: string, args: string[], flags = 0) => on(4, 'KVM_ENABLE_CAP', { cap, flags, args });
  const result = (r: { ret: number } | { errno: string }) => ({ kind: 'result', ...r });

  it('EXCEPTION_PAYLOAD and X86_TRIPLE_FAULT_EVENT take any args[0]; any flag is EINVAL', () => {
    for (const cap of ['KVM_CAP_EXCEPTION_PAYLOAD', 'KVM_CAP_X86_TRIPLE_FAULT_EVENT']) {
      assert.deepEqual(last([...vmOnly, enable(cap, ['0x1'])]), result({ ret: 0 }), cap);
      assert.deepEqual(last([...vmOnly, enable(cap, ['0x1'], 1)]), result({ errno: 'EINVAL' }), cap);
    }
    const vm = given('x86_64', SETUP, [...vmOnly, enable('KVM_CAP_EXCEPTION_PAYLOAD', ['0x1'])]).state.vms[0]!;
    assert.equal(vm.exceptionPayload, true);
  });

  it('MAX_VCPU_ID sets the first limit, repeats it, refuses a change, an id below the boot vCPU and one above KVM_MAX_VCPU_IDS', () => {
    const max = (n: string) => enable('KVM_CAP_MAX_VCPU_ID', [n]);
    assert.deepEqual(last([...vmOnly, max('0x1')]), result({ ret: 0 }));
    assert.deepEqual(last([...vmOnly, max('0x1'), max('0x1')]), result({ ret: 0 }));
    assert.deepEqual(last([...vmOnly, max('0x1'), max('0x2')]), result({ errno: 'EINVAL' }));
    assert.deepEqual(last([...vmOnly, on(4, 'KVM_SET_BOOT_CPU_ID', { id: 3 }), max('0x2')]), result({ errno: 'EINVAL' }));
    assert.deepEqual(last([...vmOnly, max('0x8000')]), result({ errno: 'EINVAL' }), '4 x 4096 at most');
    assert.equal(last([...vmOnly, max('0x2000')])?.kind, 'unmodelled', 'between the bounds CONFIG_KVM_MAX_NR_VCPUS gives');
    assert.deepEqual(last([...vmOnly, max('0x2'), on(4, 'KVM_SET_BOOT_CPU_ID', { id: 3 })]), result({ errno: 'EINVAL' }));
  });
});
