import type { EventOf } from '../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { enterRunstate } from '../runstate.js';
import { increment, withVcpu } from '../update.js';
import { onFd } from './ioctl-target.js';

// KVM_RUN as strace shows it: one event for the call, with the exit reason it returned.

/**
 * A thread that issues a call is evidently running: bind it to the vCPU and mark it so. Where the
 * trace has sched_switch for the thread, the scheduler says when it ran and this only binds: a
 * KVM_RUN that halts the guest blocks its thread inside the call, which only sched_switch shows.
 */
export function runningOn(vcpu: Vcpu, tid: number | undefined, at: number | null): Vcpu {
  const bound = tid !== undefined && vcpu.tid !== tid ? { ...vcpu, tid } : vcpu;
  if (bound.schedTraced || bound.runstate.state === 'running') return bound;
  return { ...bound, runstate: enterRunstate(bound.runstate, 'running', at) };
}

export const runVcpu = onFd<'ioctl:KVM_RUN'>(['vcpu'], (state, event, ctx, on) => kvmRun(state, event, ctx, on.vm!, on.vcpu!));

function kvmRun(state: MachineState, event: EventOf<'ioctl:KVM_RUN'>, ctx: ReduceContext, vm: Vm, vcpu: Vcpu): MachineState {
  let next = runningOn(vcpu, event.tid, state.now);
  const { pendingExit: predicted, pendingExitDetail: detail, pendingErrno: errno, countedExit, countedPredicted, ...rest } = next;
  next = rest;
  // The kernel's kvm_userspace_exit of this same return was predicted: an exit to userspace returns 0.
  if (countedExit !== undefined && countedPredicted && !predicted && !errno) ctx.effects.push({ kind: 'result', ret: 0 });
  // A policy that saw the guest do something KVM_RUN cannot survive (a fault pfn, say) predicts an
  // errno; alone, or with the one exit that comes with -1 (KVM_EXIT_MEMORY_FAULT: "unique among all
  // KVM exit reasons in that it accompanies a return code of '-1', not '0'", api.rst).
  if (errno && !predicted) {
    ctx.effects.push({ kind: 'result', errno });
    return withVcpu(state, vm.id, { ...next, inGuest: false });
  }
  if (predicted) {
    ctx.effects.push(errno ? { kind: 'result', errno } : { kind: 'result', ret: 0 });
    ctx.effects.push({ kind: 'exit', vm: vm.id, vcpu: vcpu.id, reason: predicted, ...(detail ? { detail } : {}) });
  }
  const observed = event.result?.exit;
  const reason = predicted ?? observed;
  // The kernel's kvm_userspace_exit for this same return (the merge places it just before its
  // KVM_RUN) has counted the exit already, with the kernel's reason: one exit counts once, whatever
  // strace read back as the reason. Otherwise this return is the exit's only witness.
  if (reason !== undefined && countedExit === undefined) {
    const { lastExitDetail: _old, ...without } = next;
    next = { ...without, lastExit: reason, exitCounts: increment(next.exitCounts, reason), ...(detail ? { lastExitDetail: detail } : {}) };
  }
  return withVcpu(state, vm.id, { ...next, inGuest: false });
}
