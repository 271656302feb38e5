import { KVM_ADDRESS_SPACES, KVM_MEM_LOG_DIRTY_PAGES, KVM_USER_MEM_SLOTS, TASK_SIZE_MAX } from '../../model/kvm-abi.js';
import type { MachineState } from '../../model/state.js';
import { x86Capability } from '../kvm/capabilities.js';
import { policyName, type PolicyInfo } from './types.js';

/**
 * Memslot address spaces on this host: 2 (normal and SMM) with CONFIG_KVM_SMM, 1 without
 * (x86 KVM_MAX_NR_ADDRESS_SPACES, arch/x86/include/asm/kvm_host.h), 'unknown' when the scenario's
 * host facts do not say (`kvm_smm`). The same fact answers KVM_CAP_MULTI_ADDRESS_SPACE below.
 */
export function memslotAddressSpaces(state: MachineState): number | 'unknown' {
  // Other architectures do not define KVM_MAX_NR_ADDRESS_SPACES and get include/linux/kvm_host.h's default of 1.
  if (state.host.arch !== 'x86_64') return 1;
  const smm = state.host.features?.kvm_smm;
  if (smm === true) return KVM_ADDRESS_SPACES;
  if (smm === false) return 1;
  return 'unknown';
}

/** The limits kvm_set_memory_region() checks, which differ between kernels and architectures. */
export interface MemslotPolicy extends PolicyInfo {
  /** Flags check_memory_region_flags() accepts on every kernel that has it; KVM_MEM_READONLY is the kvm-readonly area's. */
  validFlags: number;
  userMemSlots: number;
  /** The most a kernel has (x86 with SMM); the host decides the actual number (memslotAddressSpaces). */
  addressSpaces: number;
  taskSizeMax: bigint;
}

export const memslotLinux: MemslotPolicy = {
  ...policyName('kvm-memslot', 'linux'),
  isDefault: true,
  summary: 'Upstream kvm_set_memory_region(): alignment, slot range, create/delete/move/flags-only, EEXIST on overlap',
  sources: [
    { kind: 'doc', ref: 'Documentation/virt/kvm/api.rst 4.35 KVM_SET_USER_MEMORY_REGION' },
    { kind: 'source', ref: 'virt/kvm/kvm_main.c kvm_set_memory_region(), check_memory_region_flags()' },
  ],
  validFlags: KVM_MEM_LOG_DIRTY_PAGES,
  userMemSlots: KVM_USER_MEM_SLOTS,
  addressSpaces: KVM_ADDRESS_SPACES,
  taskSizeMax: TASK_SIZE_MAX,
  capability(cap, state) {
    if (cap === 'KVM_CAP_NR_MEMSLOTS') return KVM_USER_MEM_SLOTS;
    if (cap === 'KVM_CAP_MULTI_ADDRESS_SPACE') {
      // The case exists only `#if KVM_MAX_NR_ADDRESS_SPACES > 1` (virt/kvm/kvm_main.c), and x86
      // defines KVM_MAX_NR_ADDRESS_SPACES 2 only under CONFIG_KVM_SMM
      // (arch/x86/include/asm/kvm_host.h); without it the cap falls through to the arch switch
      // and reads 0. Seen on the shared 6.18 host: KVM_CAP_X86_SMM = 0 and
      // KVM_CAP_MULTI_ADDRESS_SPACE = 0 (test/fixtures/traces/qemu-pc-64m.strace.gz:292,339).
      // A trace does not say how its kernel was configured, so only a host fact decides.
      const smm = state.host.features?.kvm_smm;
      if (smm === true) return KVM_ADDRESS_SPACES;
      if (smm === false) return 0;
      return undefined;
    }
    return state.host.arch === 'x86_64' ? x86Capability(cap) : undefined;
  },
  vmCreate(type, state) {
    // x86 kvm_arch_init_vm() takes the types in kvm_caps.supported_vm_types; only
    // KVM_X86_DEFAULT_VM (0) is there on every host, the rest depend on SEV/TDX hardware.
    if (state.host.arch === 'x86_64' && type === 0) return { accept: true };
    return undefined;
  },
};

export const memslotPolicies: readonly MemslotPolicy[] = [memslotLinux];
