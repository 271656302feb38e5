import type { MachineState } from '../../../model/state.js';
import type { HostLimits } from './checks.js';
import type { MemslotParams } from './params.js';

// The host facts the memslot checks read (events.ts MEMSLOT_HOST_FACTS), turned into limits. Where a
// scenario does not state a fact, the limit is a range, and only calls outside it are predicted.

const PAGE = 4096n;
/** TASK_SIZE_MAX = (1 << __VIRTUAL_MASK_SHIFT) - PAGE_SIZE, the shift 47, or 56 with 5-level paging (arch/x86/include/asm/page_64_types.h). */
const TASK_SIZE_MAX_4LEVEL = (1n << 47n) - PAGE;
const TASK_SIZE_MAX_5LEVEL = (1n << 56n) - PAGE;
/** `(long)(addr + size) >= 0` (6.4-6.11 valid_user_address()): the end below 2^63. */
const SIGN_BIT_END = (1n << 63n) - 1n;

/**
 * x86 memslot address spaces: KVM_ADDRESS_SPACE_NUM 2 (4.2-6.1), or KVM_MAX_NR_ADDRESS_SPACES 2 only
 * under CONFIG_KVM_SMM (6.3.8 and later; arch/x86/include/asm/kvm_host.h). Other architectures have 1.
 */
export function addressSpaces(state: MachineState, params: MemslotParams): number | 'unknown' {
  if (state.host.arch !== 'x86_64') return 1;
  const smm = state.host.features?.kvm_smm;
  switch (params.addressSpaces) {
    case 1:
    case 2:
      return params.addressSpaces;
    case 'kvm_smm':
      return smm === undefined ? 'unknown' : smm ? 2 : 1;
    case 'kvm_smm-or-2':
      return smm === true ? 2 : 'unknown';
  }
}

export function hostLimits(state: MachineState, params: MemslotParams): HostLimits {
  const la57 = state.host.features?.la57;
  const taskSizeMax =
    la57 === undefined
      ? { between: [TASK_SIZE_MAX_4LEVEL, TASK_SIZE_MAX_5LEVEL] as [bigint, bigint] }
      : { max: la57 ? TASK_SIZE_MAX_5LEVEL : TASK_SIZE_MAX_4LEVEL };
  return {
    addressSpaces: addressSpaces(state, params),
    userEnd: params.accessOk === 'sign-bit' ? { max: SIGN_BIT_END } : taskSizeMax,
    x86: state.host.arch === 'x86_64',
  };
}

/** Every x86-64 CPU reports MAXPHYADDR 36 or more; shadow paging allows 52 bits (kvm_mmu_max_gfn()). */
const MIN_PHYS_BITS = 36n;
const MAX_PHYS_BITS = 52n;

/**
 * kvm_mmu_max_gfn() (6.18.2 arch/x86/kvm/mmu.h): `max_gpa_bits = likely(tdp_enabled) ? kvm_host.maxphyaddr :
 * 52; return (1ULL << (max_gpa_bits - PAGE_SHIFT)) - 1;` as bounds: exact when the host facts say.
 */
export function maxGfn(state: MachineState): { low: bigint; high: bigint } {
  const { tdp, maxphyaddr } = state.host.features ?? {};
  const gfns = (bits: bigint) => (1n << (bits - 12n)) - 1n;
  if (tdp === false) return { low: gfns(MAX_PHYS_BITS), high: gfns(MAX_PHYS_BITS) };
  if (tdp === true && maxphyaddr !== undefined) return { low: gfns(BigInt(maxphyaddr)), high: gfns(BigInt(maxphyaddr)) };
  const known = maxphyaddr === undefined ? MIN_PHYS_BITS : BigInt(maxphyaddr);
  return { low: gfns(known < MAX_PHYS_BITS ? known : MAX_PHYS_BITS), high: gfns(MAX_PHYS_BITS) };
}
