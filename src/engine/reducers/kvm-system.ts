import { capName } from '../../model/kvm-abi.js';
import type { MachineState, Process, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { newFd } from '../lookup.js';
import { askCapability, askVmCreate } from '../policy/ask.js';
import { withProcess } from '../update.js';

// ioctls on the /dev/kvm fd, and KVM_CHECK_EXTENSION, which also works on a VM fd.

/** KVM_API_VERSION has been 12 since Linux 2.6.22 (include/uapi/linux/kvm.h). */
const KVM_API_VERSION = 12;

export function getApiVersion(state: MachineState, ctx: ReduceContext): MachineState {
  ctx.effects.push({ kind: 'result', ret: KVM_API_VERSION });
  return state;
}

export function checkExtension(state: MachineState, ctx: ReduceContext, vm: Vm | undefined): MachineState {
  const cap = capName(ctx.event.args.cap as string | number);
  const answer = askCapability(ctx.policies, cap, state, vm);
  ctx.effects.push(
    answer === undefined ? { kind: 'unmodelled', reason: `no active policy answers ${cap}` } : { kind: 'result', ret: answer },
  );
  return state;
}

export function createVm(state: MachineState, ctx: ReduceContext, process: Process): MachineState {
  const type = Number(ctx.event.args.type ?? 0);
  const decision = askVmCreate(ctx.policies, type, state, process);
  if (decision && 'errno' in decision) {
    ctx.effects.push({ kind: 'result', errno: decision.errno });
    ctx.effects.push({ kind: 'log', message: `KVM_CREATE_VM type ${type}: ${decision.why}` });
    return state;
  }
  if (!decision) {
    ctx.effects.push({ kind: 'unmodelled', reason: `no active policy decides KVM_CREATE_VM type ${type} on ${state.host.arch}` });
    // Without a prediction the observation decides whether a VM exists.
    if (ctx.event.result?.errno) return state;
  } else {
    ctx.effects.push({ kind: 'result', newFd: 'vm' });
  }
  const fd = newFd(process, ctx.event.result?.ret);
  const vm: Vm = {
    id: state.vms.length,
    pid: process.pid,
    fd,
    type,
    arch: state.host.arch,
    origin: 'created',
    status: 'running',
    createdAt: ctx.event.seq,
    memslots: [],
    vcpus: [],
    ...(decision?.flavor ? { flavor: decision.flavor } : {}),
  };
  if (decision?.why) ctx.effects.push({ kind: 'log', message: `KVM_CREATE_VM type ${type}: ${decision.why}` });
  const next = withProcess(state, { ...process, fds: { ...process.fds, [fd]: { type: 'vm', vm: vm.id } } });
  return { ...next, vms: [...next.vms, vm] };
}
