import type { EventOf } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { increment, withVcpu } from '../update.js';
import { vcpuForTraceEvent } from './vcpu-thread.js';

// Exits from the guest as ftrace shows them: kvm_exit (handled in the kernel, or on to userspace)
// and kvm_userspace_exit (KVM_RUN is about to return with this reason).

export function kvmExit(state: MachineState, event: EventOf<'exit:kvm_exit'>): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  return withVcpu(next, ref.vm.id, { ...ref.vcpu, inGuest: false, hwExitCounts: increment(ref.vcpu.hwExitCounts, event.args.reason) });
}

export function kvmUserspaceExit(state: MachineState, event: EventOf<'exit:kvm_userspace_exit'>, ctx: ReduceContext): MachineState {
  if (event.args.reason === undefined) return state;
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  // A prediction made earlier in this KVM_RUN (a policy reading kvm_mmio, say) is consumed here, so
  // an ftrace-only trace, which has no KVM_RUN return, does not carry it into the next exit.
  const { pendingExit: predicted, pendingExitDetail: detail, lastExitDetail: _old, ...vcpu } = ref.vcpu;
  const reason = predicted ?? event.args.reason;
  if (predicted) ctx.effects.push({ kind: 'exit', vm: ref.vm.id, vcpu: ref.vcpu.id, reason: predicted, ...(detail ? { detail } : {}) });
  return withVcpu(next, ref.vm.id, {
    ...vcpu,
    inGuest: false,
    lastExit: reason,
    exitCounts: increment(ref.vcpu.exitCounts, reason),
    countedExit: reason,
    ...(detail ? { lastExitDetail: detail } : {}),
  });
}
