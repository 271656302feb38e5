import type { FdTarget, MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { processOf, resolveFd } from '../lookup.js';
import { askReduce } from '../policy/ask.js';
import { withProcess } from '../update.js';
import { kvmRun } from './kvm-run.js';
import { checkExtension, createVm, getApiVersion } from './kvm-system.js';
import { createVcpu, setMemoryRegion } from './kvm-vm.js';

// ioctl(fd, request, arg): find what the fd is, then hand the request to its handler. A request the
// model does not know changes nothing and predicts nothing; the event itself is kept.

export function reduceIoctl(state: MachineState, ctx: ReduceContext): MachineState {
  const { event } = ctx;
  const fd = Number(event.args.fd);
  const known = processOf(state, event);
  const target = resolveFd(state, known, fd, typeof event.args.fdPath === 'string' ? event.args.fdPath : undefined);
  // Remember what a decoration told us, so later calls without one resolve too.
  const process = target && !known.fds[fd] ? { ...known, fds: { ...known.fds, [fd]: target } } : known;
  const next = process === state.host.processes[process.pid] ? state : withProcess(state, process);
  const handled = dispatch(next, ctx, target, process);
  if (handled) return handled;
  if (!target && event.name.startsWith('KVM_')) ctx.effects.push({ kind: 'unmodelled', reason: `fd ${fd} is not known to be a KVM fd` });
  return askReduce(next, ctx) ?? next;
}

function dispatch(
  state: MachineState,
  ctx: ReduceContext,
  target: FdTarget | undefined,
  process: ReturnType<typeof processOf>,
): MachineState | undefined {
  if (!target) return undefined;
  const name = ctx.event.name;
  if (target.type === 'kvm') {
    if (name === 'KVM_GET_API_VERSION') return getApiVersion(state, ctx);
    if (name === 'KVM_CREATE_VM') return createVm(state, ctx, process);
    if (name === 'KVM_CHECK_EXTENSION') return checkExtension(state, ctx, undefined);
    return undefined;
  }
  if (target.type === 'vm') {
    const vm = state.vms[target.vm];
    if (!vm) return undefined;
    if (name === 'KVM_CHECK_EXTENSION') return checkExtension(state, ctx, vm);
    if (name === 'KVM_CREATE_VCPU') return createVcpu(state, ctx, process, vm);
    if (name === 'KVM_SET_USER_MEMORY_REGION') return setMemoryRegion(state, ctx, vm);
    return undefined;
  }
  if (target.type === 'vcpu') {
    const vm = state.vms[target.vm];
    const vcpu = vm?.vcpus.find((v) => v.id === target.vcpu);
    if (!vm || !vcpu) return undefined;
    if (name === 'KVM_RUN') return kvmRun(state, ctx, vm, vcpu);
  }
  return undefined;
}
