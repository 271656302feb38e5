import { toBig } from '../../model/address.js';
import type { MachineState, Process, Vcpu, Vm } from '../../model/state.js';
import { newRunstate } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { setUserMemoryRegion } from '../kvm/memslot-rules.js';
import { newFd } from '../lookup.js';
import { askMemslotFlags } from '../policy/ask.js';
import { memslotAddressSpaces } from '../policy/kvm-memslot.js';
import { withProcess, withVm } from '../update.js';

// ioctls on a VM fd.

export function createVcpu(state: MachineState, ctx: ReduceContext, process: Process, vm: Vm): MachineState {
  const id = Number(ctx.event.args.id ?? 0);
  // kvm_vm_ioctl_create_vcpu(): a second vCPU with the same id is -EEXIST.
  if (vm.vcpus.some((v) => v.id === id)) {
    ctx.effects.push({ kind: 'result', errno: 'EEXIST' });
    return state;
  }
  const fd = newFd(process, ctx.event.result?.ret);
  const vcpu: Vcpu = {
    id,
    fd,
    ...(ctx.event.tid !== undefined ? { tid: ctx.event.tid } : {}),
    runstate: newRunstate('offline', ctx.event.ts ?? null),
    inGuest: false,
    exitCounts: {},
    hwExitCounts: {},
  };
  ctx.effects.push({ kind: 'result', newFd: 'vcpu' });
  const next = withProcess(state, { ...process, fds: { ...process.fds, [fd]: { type: 'vcpu', vm: vm.id, vcpu: id } } });
  return withVm(next, { ...vm, vcpus: [...vm.vcpus, vcpu] });
}

export function setMemoryRegion(state: MachineState, ctx: ReduceContext, vm: Vm): MachineState {
  const { args } = ctx.event;
  const fields = {
    slot: toBig(args.slot),
    flags: toBig(args.flags),
    guestPhysAddr: toBig(args.guest_phys_addr),
    memorySize: toBig(args.memory_size),
    userspaceAddr: toBig(args.userspace_addr),
  };
  const missing = Object.entries(fields).find(([, v]) => v === undefined);
  if (missing) {
    ctx.effects.push({ kind: 'unmodelled', reason: `KVM_SET_USER_MEMORY_REGION without a decoded ${missing[0]}` });
    return state;
  }
  const outcome = setUserMemoryRegion(
    vm.memslots,
    {
      slot: Number(fields.slot),
      flags: Number(fields.flags),
      guestPhysAddr: fields.guestPhysAddr!,
      memorySize: fields.memorySize!,
      userspaceAddr: fields.userspaceAddr!,
    },
    ctx.policies['kvm-memslot'],
    askMemslotFlags(ctx.policies, ctx.policies['kvm-memslot'].validFlags),
    memslotAddressSpaces(state),
  );
  if ('unmodelled' in outcome) {
    ctx.effects.push({ kind: 'unmodelled', reason: outcome.unmodelled });
    return state;
  }
  if ('errno' in outcome) {
    ctx.effects.push({ kind: 'result', errno: outcome.errno });
    ctx.effects.push({ kind: 'log', message: outcome.why });
    return state;
  }
  ctx.effects.push({ kind: 'result', ret: 0 });
  if ('unchanged' in outcome) return state;
  ctx.effects.push({ kind: 'memslot', vm: vm.id, slot: Number(fields.slot), change: outcome.change });
  return withVm(state, { ...vm, memslots: outcome.memslots });
}
