import type { EventWho } from '../../model/event.js';
import { newRunstate, type MachineState, type Vm } from '../../model/state.js';
import { vcpuOf, type VcpuRef } from '../lookup.js';
import { withVcpu } from '../update.js';

/**
 * The vCPU a KVM trace event (kvm_entry, kvm_exit, ...) comes from. ftrace-only traces have no
 * KVM_CREATE_VM, so the VM and vCPU are inferred from the thread the events come from.
 */
export function vcpuForTraceEvent(state: MachineState, event: EventWho): { state: MachineState; ref: VcpuRef } {
  const found = vcpuOf(state, event);
  if (found) return { state, ref: found };
  const at = state.now;
  let next = state;
  let vm: Vm | undefined = state.vms.filter((v) => v.pid === (event.pid ?? event.tid)).at(-1) ?? state.vms.at(-1);
  if (!vm) {
    vm = {
      id: 0,
      pid: event.pid ?? event.tid ?? 0,
      type: 0,
      arch: state.host.arch,
      origin: 'inferred',
      status: 'running',
      memslots: [],
      vcpus: [],
    };
    next = { ...state, vms: [vm] };
  }
  const unbound = vm.vcpus.find((v) => v.tid === undefined && (event.vcpu === undefined || v.id === event.vcpu));
  const id = unbound?.id ?? event.vcpu ?? vm.vcpus.length;
  const vcpu = unbound
    ? { ...unbound, ...(event.tid !== undefined ? { tid: event.tid } : {}) }
    : {
        id,
        ...(event.tid !== undefined ? { tid: event.tid } : {}),
        runstate: newRunstate('running', at),
        inGuest: false,
        exitCounts: {},
        hwExitCounts: {},
      };
  next = withVcpu(next, vm.id, vcpu);
  const vmNow = next.vms[vm.id]!;
  return { state: next, ref: { vm: vmNow, vcpu: vmNow.vcpus.find((v) => v.id === id)! } };
}
