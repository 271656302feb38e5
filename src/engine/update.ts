import type { MachineState, Process, Vcpu, Vm } from '../model/state.js';

// Copy-on-write helpers: each returns a new state that shares every untouched branch with the old
// one, which keeps evolve() pure without deep copies on the hot path.

export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  const copy = items.slice();
  copy[index] = item;
  return copy;
}

export function withVm(state: MachineState, vm: Vm): MachineState {
  return { ...state, vms: replaceAt(state.vms, vm.id, vm) };
}

export function withVcpu(state: MachineState, vmId: number, vcpu: Vcpu): MachineState {
  const vm = state.vms[vmId];
  if (!vm) return state;
  const index = vm.vcpus.findIndex((v) => v.id === vcpu.id);
  const vcpus = index < 0 ? [...vm.vcpus, vcpu] : replaceAt(vm.vcpus, index, vcpu);
  return withVm(state, { ...vm, vcpus });
}

export function withProcess(state: MachineState, process: Process): MachineState {
  return {
    ...state,
    host: { ...state.host, processes: { ...state.host.processes, [process.pid]: process } },
  };
}

export function increment(counts: Record<string, number>, key: string): Record<string, number> {
  return { ...counts, [key]: (counts[key] ?? 0) + 1 };
}
