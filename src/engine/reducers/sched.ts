import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { askReduce } from '../policy/ask.js';
import { enterRunstate, runstateAfterSwitchOut } from '../runstate.js';
import { withVcpu } from '../update.js';
import { runningOn } from './kvm-run.js';
import { vcpuForTraceEvent } from './vcpu-thread.js';

// Context switches: the host scheduler's sched_switch, and KVM's entry into the guest.

export function reduceContextSwitch(state: MachineState, ctx: ReduceContext): MachineState {
  const { event } = ctx;
  if (event.name === 'sched_switch') {
    const next = schedSwitch(state, ctx);
    return askReduce(next, ctx) ?? next;
  }
  if (event.name === 'kvm_entry') {
    const { state: next, ref } = vcpuForTraceEvent(state, event);
    return withVcpu(next, ref.vm.id, { ...runningOn(ref.vcpu, event.tid, state.now), inGuest: true });
  }
  return askReduce(state, ctx) ?? state;
}

/**
 * What runs on the CPU, and the run state of any vCPU thread that left or took it. From its first
 * sched_switch on, a vCPU's run state follows the scheduler alone (kvm-run.ts runningOn).
 */
function schedSwitch(state: MachineState, ctx: ReduceContext): MachineState {
  const { event } = ctx;
  const prevPid = Number(event.args.prev_pid);
  const nextPid = Number(event.args.next_pid);
  const at = state.now;
  let next: MachineState = state;
  if (event.cpu !== undefined) {
    const cpus = { ...state.host.cpus, [event.cpu]: { tid: nextPid, comm: String(event.args.next_comm ?? ''), since: at } };
    next = { ...state, host: { ...state.host, cpus } };
  }
  for (const vm of next.vms) {
    for (const vcpu of vm.vcpus) {
      if (vcpu.tid === prevPid && prevPid !== nextPid) {
        next = withVcpu(next, vm.id, {
          ...vcpu,
          schedTraced: true,
          runstate: enterRunstate(vcpu.runstate, runstateAfterSwitchOut(String(event.args.prev_state ?? 'S')), at),
        });
      } else if (vcpu.tid === nextPid) {
        next = withVcpu(next, vm.id, { ...vcpu, schedTraced: true, runstate: enterRunstate(vcpu.runstate, 'running', at) });
      }
    }
  }
  return next;
}
