import type { MachineState, Vcpu, Vm } from '../../model/state.js';
import type { ExitLevel } from './items.js';

// Which exits an event counted. The engine already decides when an exit is one exit: one that both
// observers report (strace's KVM_RUN return and ftrace's kvm_userspace_exit) is counted once in
// `exitCounts`, and each kvm_exit once in `hwExitCounts`. Reading the increments of those counters
// between two states, rather than counting raw events, keeps `stats` and `export` equal to what
// `state` shows, whatever that rule becomes.

export interface CountedExit {
  vm: Vm;
  vcpu: Vcpu;
  level: ExitLevel;
  reason: string;
  count: number;
}

/** Every vCPU whose object changed between two states (copy-on-write: unchanged ones are shared), with its old self. */
export function forEachChangedVcpu(
  prev: MachineState,
  next: MachineState,
  visit: (vm: Vm, vcpu: Vcpu, before: Vcpu | undefined) => void,
): void {
  if (prev.vms === next.vms) return;
  for (const vm of next.vms) {
    const old = prev.vms[vm.id];
    if (old === vm || (old && old.vcpus === vm.vcpus)) continue;
    for (const vcpu of vm.vcpus) {
      const before = old?.vcpus.find((v) => v.id === vcpu.id);
      if (before !== vcpu) visit(vm, vcpu, before);
    }
  }
}

function increments(
  before: Record<string, number> | undefined,
  after: Record<string, number>,
  out: (reason: string, n: number) => void,
): void {
  if (before === after) return;
  for (const reason in after) {
    const n = after[reason]! - (before?.[reason] ?? 0);
    if (n > 0) out(reason, n);
  }
}

/** The exits counted between `prev` and `next`, by vCPU, level and reason. */
export function countedExits(prev: MachineState, next: MachineState): CountedExit[] {
  const counted: CountedExit[] = [];
  forEachChangedVcpu(prev, next, (vm, vcpu, before) => {
    increments(before?.exitCounts, vcpu.exitCounts, (reason, count) => counted.push({ vm, vcpu, level: 'userspace', reason, count }));
    increments(before?.hwExitCounts, vcpu.hwExitCounts, (reason, count) => counted.push({ vm, vcpu, level: 'kernel', reason, count }));
  });
  return counted;
}
