import type { EventOf } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import { enterRunstate, runstateAfterSwitchOut } from '../runstate.js';
import { withVcpu } from '../update.js';
import { runningOn } from './kvm-run.js';
import { vcpuForTraceEvent } from './vcpu-thread.js';

// Context switches: the host scheduler's sched_switch, and KVM's entry into the guest.

export function kvmEntry(state: MachineState, event: EventOf<'context_switch:kvm_entry'>): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  return withVcpu(next, ref.vm.id, { ...runningOn(ref.vcpu, event.tid, state.now), inGuest: true });
}

/**
 * What runs on the CPU, and the run state of any vCPU thread that left or took it. From its first
 * sched_switch on, a vCPU's run state follows the scheduler alone (kvm-run.ts runningOn).
 */
export function schedSwitch(state: MachineState, event: EventOf<'context_switch:sched_switch'>): MachineState {
  const { prev_pid: prevPid, next_pid: nextPid } = event.args;
  const at = state.now;
  let next: MachineState = state;
  if (event.cpu !== undefined) {
    const cpus = { ...state.host.cpus, [event.cpu]: { tid: nextPid, comm: event.args.next_comm, since: at } };
    next = { ...state, host: { ...state.host, cpus } };
  }
  for (const vm of next.vms) {
    for (const vcpu of vm.vcpus) {
      if (vcpu.tid === prevPid && prevPid !== nextPid) {
        next = withVcpu(next, vm.id, {
          ...vcpu,
          schedTraced: true,
          runstate: enterRunstate(vcpu.runstate, runstateAfterSwitchOut(event.args.prev_state), at),
        });
      } else if (vcpu.tid === nextPid) {
        next = withVcpu(next, vm.id, { ...vcpu, schedTraced: true, runstate: enterRunstate(vcpu.runstate, 'running', at) });
      }
    }
  }
  return next;
}
