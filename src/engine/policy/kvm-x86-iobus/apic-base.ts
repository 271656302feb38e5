import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Vcpu } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { withVcpu } from '../../update.js';
import type { EventReducer } from '../define.js';
import { MSR_IA32_APICBASE } from './apic.js';

// Where each vCPU's LAPIC sits (MSR_IA32_APICBASE), which decides the MMIO accesses it takes (apic.ts).
// The guest moves it with WRMSR (ftrace's kvm_msr), the VMM with KVM_SET_SREGS/KVM_SET_SREGS2 (their
// apic_base, through kvm_apic_set_base()) or KVM_SET_MSRS. strace prints those structs as addresses, so
// after such a call the base is unknown until the kernel shows it (access.ts).

function withApicBase(state: MachineState, vmId: number, vcpu: Vcpu, base: string | 'unknown'): MachineState {
  return withVcpu(state, vmId, { ...vcpu, io: { ...(vcpu.io ?? { accesses: 0 }), apicBase: base } });
}

/** KVM_SET_SREGS(2): the result depends on the registers strace does not show; the apic_base is kept where shown. */
export const setSregs = <K extends 'ioctl:KVM_SET_SREGS' | 'ioctl:KVM_SET_SREGS2'>(): EventReducer<K> =>
  onFd<K>(['vcpu'], (state, event, ctx, on) => {
    ctx.effects.push({
      kind: 'unmodelled',
      reason: `${event.name}: whether the registers are valid (kvm_is_valid_sregs()) is in a struct the trace does not show`,
    });
    if (event.result?.errno) return state;
    const base = toBig(event.args.apic_base);
    return withApicBase(state, on.vm!.id, on.vcpu!, base === undefined ? 'unknown' : hex(base));
  });

/** KVM_SET_MSRS returns how many MSRs it set; an unseen list may include MSR_IA32_APICBASE. */
export const setMsrs = onFd<'ioctl:KVM_SET_MSRS'>(['vcpu'], (state, event, ctx, on) => {
  ctx.effects.push({
    kind: 'unmodelled',
    reason: 'KVM_SET_MSRS returns how many of its MSRs the host accepts, which the trace does not list',
  });
  const indices = event.args.indices?.map((i) => toBig(i));
  if (indices && !indices.includes(BigInt(MSR_IA32_APICBASE))) return state;
  return withApicBase(state, on.vm!.id, on.vcpu!, 'unknown');
});

/** The guest's WRMSR of MSR_IA32_APICBASE that the kernel accepted (no #GP): kvm_msr "msr_write 1b = 0x...". */
export function guestMsr(state: MachineState, event: EventOf<'exit:kvm_msr'>, _ctx: ReduceContext): MachineState {
  if (event.args.dir !== 'write' || event.args.fault || toBig(event.args.msr) !== BigInt(MSR_IA32_APICBASE)) return state;
  const value = toBig(event.args.data);
  if (value === undefined) return state;
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  return withApicBase(next, ref.vm.id, ref.vcpu, hex(value));
}
