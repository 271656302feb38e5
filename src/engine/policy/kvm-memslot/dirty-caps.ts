import type { MachineState, Vm } from '../../../model/state.js';
import type { CapabilityAnswer, EnableCapAnswer, EnableCapDecision, EnableCapRequest } from '../define.js';
import type { MemslotParams } from './params.js';

// The dirty-logging capabilities on x86: KVM_CHECK_EXTENSION answers and KVM_ENABLE_CAP rules
// (6.18.2 virt/kvm/kvm_main.c kvm_vm_ioctl_check_extension_generic() line 4864,
// kvm_vm_ioctl_enable_cap_generic() and kvm_vm_ioctl_enable_dirty_log_ring(); api.rst 7.18, 7.36).

/** KVM_DIRTY_RING_MAX_ENTRIES (65536) * sizeof(struct kvm_dirty_gfn) (16): seen as 1048576 in migrate-dirty-ring.strace.gz. */
const RING_MAX_BYTES = 65536 * 16;
/** KVM_DIRTY_LOG_MANUAL_CAPS on x86: KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET (arch/x86/include/asm/kvm_host.h). */
const MANUAL_CAPS = 3n;
const PROTECT_ENABLE = 1n;
/** KVM_DIRTY_RING_RSVD_ENTRIES (64), plus PML_LOG_NR_ENTRIES (512) when Intel PML is on (kvm_cpu_dirty_log_size()). */
const RSVD_ENTRIES = 64;
const PML_ENTRIES = 512;
const PAGE = 4096;

const x86 = (state: MachineState) => state.host.arch === 'x86_64';

function answers(params: MemslotParams): Readonly<Record<string, CapabilityAnswer>> {
  const ring = params.dirtyLog === 'ring';
  const known = params.dirtyLog !== 'unknown';
  return {
    KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: (state) => (!x86(state) || !known ? undefined : ring ? Number(MANUAL_CAPS) : 0),
    // `#ifdef CONFIG_HAVE_KVM_DIRTY_RING_TSO` (5.12.9: `#if KVM_DIRTY_LOG_PAGE_OFFSET > 0`; x86 defines it 64).
    KVM_CAP_DIRTY_LOG_RING: (state) => (!x86(state) || !known ? undefined : ring ? RING_MAX_BYTES : 0),
    KVM_CAP_DIRTY_LOG_RING_ACQ_REL: (state) =>
      !x86(state) || !known || params.ringAcqRel === 'unknown' ? undefined : ring && params.ringAcqRel ? RING_MAX_BYTES : 0,
    // CONFIG_NEED_KVM_DIRTY_RING_WITH_BITMAP is arm64's: on x86 the cap falls to the arch switch, which says 0.
    KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP: (state) => (x86(state) ? 0 : undefined),
  };
}

/** The most entries a ring keeps free of the soft limit: 64, and 512 more under Intel PML; both where the host fact is missing. */
export function reservedEntries(state: MachineState): [number, number] {
  const pml = state.host.features?.pml;
  return pml === undefined
    ? [RSVD_ENTRIES, RSVD_ENTRIES + PML_ENTRIES]
    : pml
      ? [RSVD_ENTRIES + PML_ENTRIES, RSVD_ENTRIES + PML_ENTRIES]
      : [RSVD_ENTRIES, RSVD_ENTRIES];
}

/** kvm_vm_ioctl_enable_dirty_log_ring(kvm, cap->args[0]) (a u32 size), after `if (!kvm_vm_ioctl_check_extension_generic(kvm, cap->cap)) return -EINVAL;`. */
function enableRing(request: EnableCapRequest, state: MachineState, vm: Vm): EnableCapDecision | undefined {
  const size = Number((request.args[0] ?? 0n) & 0xffffffffn);
  if (!size || size & (size - 1)) return { errno: 'EINVAL', why: `ring size ${size} is not a power of 2` };
  const [fewest, most] = reservedEntries(state);
  if (size < PAGE || size < fewest * 16) return { errno: 'EINVAL', why: `ring size ${size} is below a page or the reserved entries` };
  if (size < most * 16) return undefined; // below the reserved entries only under PML (host fact pml)
  if (size > RING_MAX_BYTES) return { errno: 'E2BIG', why: `ring size ${size} is beyond KVM_DIRTY_RING_MAX_ENTRIES` };
  if (vm.dirtyRing) return { errno: 'EINVAL', why: 'the dirty ring was enabled already ("We only allow it to set once")' };
  if (vm.vcpus.length) return { errno: 'EINVAL', why: 'the VM has vCPUs ("We don\'t allow to change this value after vcpu created")' };
  return { accept: true, vm: { dirtyRing: { bytes: size } } };
}

function enableManualProtect(request: EnableCapRequest): EnableCapDecision {
  const options = request.args[0] ?? 0n;
  const allowed = options & PROTECT_ENABLE ? MANUAL_CAPS : PROTECT_ENABLE;
  if (request.flags || options & ~allowed)
    return { errno: 'EINVAL', why: `flags ${request.flags} or options 0x${options.toString(16)} beyond 0x${allowed.toString(16)}` };
  return { accept: true, vm: { manualDirtyLogProtect: Number(options) } };
}

function enables(params: MemslotParams): Readonly<Record<string, EnableCapAnswer>> {
  // Before 5.0 (the bitmap eras) x86's kvm_vm_ioctl_enable_cap() knows none of them: -EINVAL.
  const unknownCap: EnableCapDecision = {
    errno: 'EINVAL',
    why: 'this kernel does not know the capability (kvm_vm_ioctl_enable_cap default)',
  };
  const era =
    (rule: EnableCapAnswer): EnableCapAnswer =>
    (request, state, vm) =>
      !x86(state) || params.dirtyLog === 'unknown' ? undefined : params.dirtyLog === 'bitmap' ? unknownCap : rule(request, state, vm);
  return {
    KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: era((request) => enableManualProtect(request)),
    KVM_CAP_DIRTY_LOG_RING: era(enableRing),
    KVM_CAP_DIRTY_LOG_RING_ACQ_REL: era((request, state, vm) =>
      params.ringAcqRel === 'unknown' ? undefined : params.ringAcqRel ? enableRing(request, state, vm) : unknownCap,
    ),
    // `if (!IS_ENABLED(CONFIG_NEED_KVM_DIRTY_RING_WITH_BITMAP) || !kvm->dirty_ring_size || cap->flags) return -EINVAL;` (x86: never).
    KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP: (_request, state) =>
      x86(state) ? { errno: 'EINVAL', why: 'x86 has no dirty ring with bitmap' } : undefined,
  };
}

export function dirtyLogHooks(params: MemslotParams) {
  return { capabilities: answers(params), enableCap: enables(params) };
}
