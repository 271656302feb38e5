import { toBig } from '../../../model/address.js';
import type { MachineState } from '../../../model/state.js';
import { KVM_ADDRESS_SPACES } from '../../../model/kvm-abi.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { withVm } from '../../update.js';
import type { EventReducer } from '../define.js';
import type { MemslotParams } from './params.js';
import { setUserMemoryRegion } from './rules.js';

/**
 * Memslot address spaces on this host: 2 (normal and SMM) with CONFIG_KVM_SMM, 1 without
 * (x86 KVM_MAX_NR_ADDRESS_SPACES, arch/x86/include/asm/kvm_host.h), 'unknown' when the scenario's
 * host facts do not say (`kvm_smm`). The same fact answers KVM_CAP_MULTI_ADDRESS_SPACE.
 */
export function memslotAddressSpaces(state: MachineState): number | 'unknown' {
  // Other architectures do not define KVM_MAX_NR_ADDRESS_SPACES and get include/linux/kvm_host.h's default of 1.
  if (state.host.arch !== 'x86_64') return 1;
  const smm = state.host.features?.kvm_smm;
  if (smm === true) return KVM_ADDRESS_SPACES;
  if (smm === false) return 1;
  return 'unknown';
}

/** KVM_SET_USER_MEMORY_REGION on a VM fd: the checks of kvm_set_memory_region(), then the change. */
export function setMemoryRegion(params: MemslotParams): EventReducer<'ioctl:KVM_SET_USER_MEMORY_REGION'> {
  return onFd<'ioctl:KVM_SET_USER_MEMORY_REGION'>(['vm'], (state, event, ctx, on) => {
    const vm = on.vm!;
    const { args } = event;
    const outcome = setUserMemoryRegion(
      vm.memslots,
      {
        slot: args.slot,
        flags: args.flags,
        guestPhysAddr: toBig(args.guest_phys_addr)!,
        memorySize: toBig(args.memory_size)!,
        userspaceAddr: toBig(args.userspace_addr)!,
      },
      params,
      ctx.policies.memslotFlags(params.validFlags),
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
    ctx.effects.push({ kind: 'memslot', vm: vm.id, slot: args.slot, change: outcome.change });
    return withVm(state, { ...vm, memslots: outcome.memslots });
  });
}
