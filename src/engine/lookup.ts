import type { EventWho } from '../model/event.js';
import type { FdTarget, MachineState, Process, Vcpu, Vm } from '../model/state.js';

// Read-only questions reducers ask of a state: which process, fd, VM or vCPU an event is about.

export function eventPid(event: EventWho): number {
  return event.pid ?? event.tid ?? 0;
}

export function processOf(state: MachineState, event: EventWho): Process {
  const pid = eventPid(event);
  return state.host.processes[pid] ?? { pid, ...(event.comm ? { comm: event.comm } : {}), vmas: [], fds: {} };
}

/**
 * The fd table first; failing that, strace -y's decoration names what an fd was opened before the
 * trace began (`3</dev/kvm>`, `4<anon_inode:kvm-vm>`, `5<anon_inode:kvm-vcpu:0>`).
 */
export function resolveFd(state: MachineState, process: Process, fd: number, fdPath: string | undefined): FdTarget | undefined {
  const known = process.fds[fd];
  if (known) return known;
  if (fdPath === undefined) return undefined;
  if (fdPath === '/dev/kvm') return { type: 'kvm' };
  const vms = state.vms.filter((vm) => vm.pid === process.pid);
  const vm = vms[vms.length - 1];
  if (fdPath === 'anon_inode:kvm-vm') return vm ? { type: 'vm', vm: vm.id } : undefined;
  const vcpu = /^anon_inode:kvm-vcpu(?::(\d+))?$/.exec(fdPath);
  if (vcpu) {
    if (!vm) return undefined;
    const id = vcpu[1] !== undefined ? Number(vcpu[1]) : vm.vcpus.find((v) => v.fd === fd)?.id;
    return id === undefined ? undefined : { type: 'vcpu', vm: vm.id, vcpu: id };
  }
  return { type: 'file', path: fdPath };
}

/** The lowest free fd from 3 up, as get_unused_fd_flags() picks, unless the source observed one. */
export function newFd(process: Process, observed: unknown): number {
  if (typeof observed === 'number' && observed >= 0) return observed;
  let fd = 3;
  while (process.fds[fd]) fd++;
  return fd;
}

export interface VcpuRef {
  vm: Vm;
  vcpu: Vcpu;
}

/** The vCPU an event is about: named on the event, else bound to its thread, else the only one. */
export function vcpuOf(state: MachineState, event: EventWho): VcpuRef | undefined {
  if (event.tid !== undefined) {
    for (const vm of state.vms) {
      const vcpu = vm.vcpus.find((v) => v.tid === event.tid);
      if (vcpu && (event.vcpu === undefined || vcpu.id === event.vcpu)) return { vm, vcpu };
    }
  }
  const vms = event.vm !== undefined ? state.vms.filter((vm) => vm.id === event.vm) : state.vms;
  const candidates = vms.flatMap((vm) =>
    vm.vcpus.filter((v) => event.vcpu === undefined || v.id === event.vcpu).map((vcpu) => ({ vm, vcpu })),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}
