import type { EventKey, EventOf, TraceEvent } from '../../model/event.js';
import type { FdTarget, MachineState, Process, Vcpu, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import type { EventReducer } from '../policy/define.js';
import { processOf, resolveFd } from '../lookup.js';
import { withProcess } from '../update.js';

// ioctl(fd, request, arg): what the fd is decides which handler a request reaches. Before any ioctl is
// routed, what strace -y's decoration says about its fd is remembered, so later calls without one
// resolve too.

export function learnIoctlFd(state: MachineState, event: TraceEvent): MachineState {
  const fdPath = event.args.fdPath;
  if (typeof fdPath !== 'string') return state;
  const fd = Number(event.args.fd);
  const known = processOf(state, event);
  if (known.fds[fd]) return state;
  const target = resolveFd(state, known, fd, fdPath);
  return target ? withProcess(state, { ...known, fds: { ...known.fds, [fd]: target } }) : state;
}

export function ioctlTarget(state: MachineState, event: TraceEvent): { process: Process; target: FdTarget | undefined } {
  const process = processOf(state, event);
  return { process, target: process.fds[Number(event.args.fd)] };
}

/** A request on an fd the model does not know is no prediction, and says why. */
export function unknownFd(state: MachineState, event: TraceEvent, ctx: ReduceContext): MachineState {
  if (event.name.startsWith('KVM_') && !ioctlTarget(state, event).target) {
    ctx.effects.push({ kind: 'unmodelled', reason: `fd ${String(event.args.fd)} is not known to be a KVM fd` });
  }
  return state;
}

export interface IoctlOn {
  process: Process;
  /** The VM of a VM or vCPU fd. */
  vm?: Vm;
  vcpu?: Vcpu;
}

type TargetType = FdTarget['type'];

/**
 * A handler for a request on the fd types that take it (kvm_dev_ioctl, kvm_vm_ioctl, kvm_vcpu_ioctl).
 * On another fd type the kernel would answer from another table; the model leaves that unpredicted.
 */
export function onFd<K extends EventKey>(
  types: readonly TargetType[],
  handle: (state: MachineState, event: EventOf<K>, ctx: ReduceContext, on: IoctlOn) => MachineState,
): EventReducer<K> {
  return (state, event, ctx) => {
    const { process, target } = ioctlTarget(state, event as unknown as TraceEvent);
    if (!target) return unknownFd(state, event as unknown as TraceEvent, ctx);
    if (!types.includes(target.type)) return state;
    if (target.type === 'kvm' || target.type === 'file') return handle(state, event, ctx, { process });
    const vm = state.vms[target.vm];
    if (!vm) return state;
    if (target.type === 'vm') return handle(state, event, ctx, { process, vm });
    const vcpu = vm.vcpus.find((v) => v.id === target.vcpu);
    return vcpu ? handle(state, event, ctx, { process, vm, vcpu }) : state;
  };
}
