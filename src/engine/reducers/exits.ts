import type { EventOf } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { increment, withVcpu } from '../update.js';
import { vcpuForTraceEvent } from './vcpu-thread.js';

// Exits from the guest as ftrace shows them: kvm_exit (handled in the kernel, or on to userspace)
// and kvm_userspace_exit (KVM_RUN is about to return with this reason, or with an errno).

export function kvmExit(state: MachineState, event: EventOf<'exit:kvm_exit'>): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  return withVcpu(next, ref.vm.id, { ...ref.vcpu, inGuest: false, hwExitCounts: increment(ref.vcpu.hwExitCounts, event.args.reason) });
}

/**
 * The area that follows KVM_RUN returns on this architecture (the runReturn hook) is asked first, told
 * only whether an exit or an errno came back: it closes its run and says which exit it predicts, where
 * it predicts one; else an exit pending from earlier in the run is the prediction. A prediction made earlier in this KVM_RUN (a policy reading kvm_mmio, say) is
 * consumed here, so an ftrace-only trace, which has no KVM_RUN return, does not carry it into the next exit.
 */
export function kvmUserspaceExit(state: MachineState, event: EventOf<'exit:kvm_userspace_exit'>, ctx: ReduceContext): MachineState {
  const found = vcpuForTraceEvent(state, event);
  const returned = event.args.reason === undefined ? 'errno' : 'exit';
  const decision = ctx.policies.runReturn(found.state, found.ref, returned);
  const next = decision?.state ?? found.state;
  const ref = { vm: next.vms[found.ref.vm.id]!, vcpu: next.vms[found.ref.vm.id]!.vcpus.find((v) => v.id === found.ref.vcpu.id)! };
  const { pendingExit, pendingExitDetail: detail, lastExitDetail: _old, ...vcpu } = ref.vcpu;
  const at = { vm: ref.vm.id, vcpu: ref.vcpu.id };
  if (returned === 'errno') {
    // An exit predicted in this run that did not come: the call returned an errno instead, which conform holds against it.
    if (pendingExit) ctx.effects.push({ kind: 'exit', ...at, reason: pendingExit, ...(detail ? { detail } : {}) });
    return withVcpu(next, ref.vm.id, { ...vcpu, inGuest: false });
  }
  const predicted = decision?.exit ?? (pendingExit ? { reason: pendingExit, ...(detail ? { detail } : {}) } : undefined);
  if (predicted) ctx.effects.push({ kind: 'exit', ...at, ...predicted });
  // The model's exit where it names one; where it leaves a choice open, the kernel's.
  const reason = predicted && !predicted.alternatives?.length ? predicted.reason : event.args.reason!;
  const shown = predicted?.detail;
  return withVcpu(next, ref.vm.id, {
    ...vcpu,
    inGuest: false,
    lastExit: reason,
    exitCounts: increment(vcpu.exitCounts, reason),
    countedExit: reason,
    ...(predicted ? { countedPredicted: true as const } : {}),
    ...(shown ? { lastExitDetail: shown } : {}),
  });
}
