import { toBig } from '../../../model/address.js';
import type { EventKey, EventOf } from '../../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import { pushAnswer, type Answer } from '../../reducers/answer.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { withVcpu } from '../../update.js';
import type { EventReducer } from '../define.js';

// What each vCPU state ioctl needs: kvm_arch_vcpu_ioctl() (arch/x86/kvm/x86.c, Linux 6.18.2). For a
// default VM (type KVM_X86_DEFAULT_VM) no vCPU has protected state, so the getters copy the state out
// and return 0 (GET_REGS, GET_SREGS(2) line 6630, GET_FPU, GET_XSAVE2 line 6455, GET_XCRS line 6475,
// GET_VCPU_EVENTS line 6374, GET_DEBUGREGS line 6397, GET_MP_STATE), KVM_SET_REGS takes any registers;
// the setters that validate their struct (SREGS, XSAVE, XCRS, VCPU_EVENTS, DEBUGREGS, MP_STATE) are
// predicted only where the trace shows the struct, which strace does not.

function vcpuIoctl<K extends EventKey>(decide: (state: MachineState, vm: Vm, vcpu: Vcpu, event: EventOf<K>) => Answer): EventReducer<K> {
  return onFd<K>(['vcpu'], (state, event, ctx, on) => {
    const answer =
      on.vm!.type === 0 ? decide(state, on.vm!, on.vcpu!, event) : { unmodelled: `VM type ${on.vm!.type} may protect vCPU state` };
    pushAnswer(ctx, answer);
    return state;
  });
}

export const copiesOut = <K extends EventKey>(): EventReducer<K> => vcpuIoctl<K>(() => ({ ret: 0 }));

/** kvm_vcpu_ioctl_set_cpuid2() (arch/x86/kvm/cpuid.c lines 621-629): `if (cpuid->nent > KVM_MAX_CPUID_ENTRIES) return -E2BIG;` (256). */
export const setCpuid2 = vcpuIoctl<'ioctl:KVM_SET_CPUID2'>((_state, _vm, _vcpu, event) => {
  const nent = event.args.nent;
  if (nent === undefined) return { unmodelled: 'struct kvm_cpuid2 not shown' };
  return nent > 256
    ? { errno: 'E2BIG' }
    : { unmodelled: 'whether the entries are consistent (kvm_set_cpuid()) is in entries strace does not print' };
});

/** The rate a vCPU's TSC runs at: its last KVM_SET_TSC_KHZ, else the VM's default (kvm_arch_init_vm(): `default_tsc_khz = max_tsc_khz ? : tsc_khz`). */
function tscKhz(state: MachineState, vcpu: Vcpu): number | undefined {
  return vcpu.tscKhz ?? state.host.features?.tsc_khz;
}

/** KVM_GET_TSC_KHZ (lines 6524-6527): `r = vcpu->arch.virtual_tsc_khz;`. */
export const getTscKhz = vcpuIoctl<'ioctl:KVM_GET_TSC_KHZ'>((state, _vm, vcpu) => {
  const khz = tscKhz(state, vcpu);
  return khz === undefined ? { unmodelled: "the host's TSC rate (host fact tsc_khz not given)" } : { ret: khz };
});

/**
 * KVM_SET_TSC_KHZ (lines 6502-6522), kvm_set_tsc_khz() and set_tsc_khz() (lines 2516-2590): 0 means
 * the host's rate; a rate within tsc_tolerance_ppm of the host's needs no scaling and is 0; without TSC
 * scaling (KVM_CAP_TSC_CONTROL 0) a faster one catches up (0) and a slower one beyond the tolerance
 * fails (-EINVAL). tsc_tolerance_ppm is a module parameter (default 250): without the host fact, a
 * slower rate is not predicted.
 */
export const setTscKhz = onFd<'ioctl:KVM_SET_TSC_KHZ'>(['vcpu'], (state, event, ctx, on) => {
  const host = state.host.features?.tsc_khz;
  const asked = toBig(event.args.khz);
  const khz = asked === 0n ? host : asked === undefined ? undefined : Number(asked);
  const control = state.host.features?.tsc_control;
  const tolerance = state.host.features?.tsc_tolerance_ppm;
  let answer: Answer;
  if (host === undefined || khz === undefined) answer = { unmodelled: "the host's TSC rate (host fact tsc_khz not given)" };
  else if (khz === host) answer = { ret: 0 };
  else if (control === false && khz > host) answer = { ret: 0 };
  else if (control === false && tolerance !== undefined)
    answer = khz >= Math.floor((host * (1e6 - tolerance)) / 1e6) ? { ret: 0 } : { errno: 'EINVAL' };
  else answer = { unmodelled: 'a rate the host would scale to: the scaling ratio limits and tsc_tolerance_ppm are not modelled' };
  pushAnswer(ctx, answer);
  // vcpu->arch.virtual_tsc_khz is set once kvm_set_tsc_khz() has a rate, whether it then scales or not.
  const set = 'errno' in answer || event.result?.errno ? undefined : khz;
  return set === undefined ? state : withVcpu(state, on.vm!.id, { ...on.vcpu!, tscKhz: set });
});

/** KVM_MAX_MCE_BANKS (arch/x86/kvm/x86.h line 13). */
const MAX_MCE_BANKS = 32n;
/** MCG_CTL_P | MCG_SER_P (arch/x86/include/asm/mce.h): what kvm_caps.supported_mce_cap starts as (x86.c line 10068); VMX adds LMCE and CMCI. */
const MCE_CAP_ANY_VENDOR = (1n << 8n) | (1n << 24n);

/**
 * KVM_X86_SETUP_MCE (lines 6356-6363), kvm_vcpu_ioctl_x86_setup_mce() (lines 5439-5450): EINVAL for
 * 0 or more than KVM_MAX_MCE_BANKS banks, or a capability bit beyond supported_mce_cap, the bank count
 * and bits 16-23. A bit the vendor module may add (LMCE, CMCI) is not predicted.
 */
export const setupMce = vcpuIoctl<'ioctl:KVM_X86_SETUP_MCE'>((_state, _vm, _vcpu, event) => {
  const cap = toBig(event.args.mcg_cap);
  if (cap === undefined) return { unmodelled: 'mcg_cap is behind a pointer strace prints' };
  const banks = cap & 0xffn;
  if (banks === 0n || banks > MAX_MCE_BANKS) return { errno: 'EINVAL' };
  const beyond = cap & ~(MCE_CAP_ANY_VENDOR | 0xffn | 0xff0000n);
  return beyond === 0n ? { ret: 0 } : { unmodelled: `mcg_cap bits 0x${beyond.toString(16)}: whether the vendor module supports them` };
});
