import { toBig } from '../../../model/address.js';
import { KVM_MEM_GUEST_MEMFD } from '../../../model/kvm-abi.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Memslot, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { onFd, type IoctlOn } from '../../reducers/ioctl-target.js';
import { withVm } from '../../update.js';
import type { EventReducer } from '../define.js';
import { bindGuestMemfd, guestMemfdAllowed, unbindGuestMemfd } from './guest-memfd.js';
import { hostLimits } from './host-limits.js';
import type { MemslotParams } from './params.js';
import { prepareX86 } from './prepare.js';
import { applyChange, setUserMemoryRegion, type MemoryRegionRequest } from './rules.js';

// KVM_SET_USER_MEMORY_REGION and KVM_SET_USER_MEMORY_REGION2 on a VM fd (kvm_vm_ioctl(), which hands
// both to kvm_vm_ioctl_set_memory_region()): the checks, the change, the guest_memfd bind, and x86's
// kvm_arch_prepare_memory_region(), in the kernel's order.

type Key = 'ioctl:KVM_SET_USER_MEMORY_REGION' | 'ioctl:KVM_SET_USER_MEMORY_REGION2';

function request(event: EventOf<Key>): MemoryRegionRequest {
  const { args } = event;
  const common = {
    slot: args.slot,
    flags: args.flags,
    guestPhysAddr: toBig(args.guest_phys_addr)!,
    memorySize: toBig(args.memory_size)!,
    userspaceAddr: toBig(args.userspace_addr)!,
  };
  if (!('guest_memfd' in args)) return { ioctl: 'v1', ...common };
  return { ioctl: 'v2', ...common, guestMemfd: args.guest_memfd, guestMemfdOffset: toBig(args.guest_memfd_offset)! };
}

function setRegion(params: MemslotParams, state: MachineState, event: EventOf<Key>, ctx: ReduceContext, on: IoctlOn): MachineState {
  const vm = on.vm!;
  const req = request(event);
  const refuse = (errno: string, why: string): MachineState => {
    ctx.effects.push({ kind: 'result', errno }, { kind: 'log', message: why });
    return state;
  };
  const skip = (reason: string): MachineState => {
    ctx.effects.push({ kind: 'unmodelled', reason });
    return state;
  };
  // Before 6.8 the number is unknown to kvm_vm_ioctl() and x86's kvm_arch_vm_ioctl() says -ENOTTY.
  if (req.ioctl === 'v2' && !params.region2) return refuse('ENOTTY', 'KVM_SET_USER_MEMORY_REGION2 came with 6.8');
  const gmem = guestMemfdAllowed(params, vm);
  if (req.flags & KVM_MEM_GUEST_MEMFD && gmem === 'unknown')
    return skip(`KVM_MEM_GUEST_MEMFD on a VM of type ${vm.type}: private-memory VM types are not modelled`);
  const validFlags = ctx.policies.memslotFlags(params.validFlags) | (gmem === true ? KVM_MEM_GUEST_MEMFD : 0);
  const outcome = setUserMemoryRegion(vm.memslots, req, params, validFlags, hostLimits(state, params));
  if ('unmodelled' in outcome) return skip(outcome.unmodelled);
  if ('errno' in outcome) return refuse(outcome.errno, outcome.why);
  if ('unchanged' in outcome) {
    ctx.effects.push({ kind: 'result', ret: 0 });
    if (outcome.why) ctx.effects.push({ kind: 'log', message: outcome.why });
    return state;
  }
  let slot: Memslot = outcome.slot;
  let next: Vm = vm;
  if (outcome.change === 'create' && req.flags & KVM_MEM_GUEST_MEMFD) {
    const bound = bindGuestMemfd(on.process, vm, slot, req.guestMemfd!, req.guestMemfdOffset!);
    if ('errno' in bound) return refuse(bound.errno, bound.why);
    next = bound.vm;
    slot = { ...slot, guestMemfd: { fd: req.guestMemfd!, offset: `0x${req.guestMemfdOffset!.toString(16)}` } };
  }
  const prepared = prepareX86(state, params, outcome.change, slot);
  if (prepared && 'unmodelled' in prepared) return skip(prepared.unmodelled);
  if (prepared) return refuse(prepared.errno, prepared.why);
  if (outcome.change === 'delete') next = unbindGuestMemfd(next, outcome.slot);
  ctx.effects.push({ kind: 'result', ret: 0 }, { kind: 'memslot', vm: vm.id, slot: req.slot, change: outcome.change });
  return withVm(state, { ...next, memslots: applyChange(vm.memslots, { change: outcome.change, slot }) });
}

export function setMemoryRegion<K extends Key>(params: MemslotParams): EventReducer<K> {
  return onFd<K>(['vm'], (state, event, ctx, on) => setRegion(params, state, event as EventOf<Key>, ctx, on));
}
