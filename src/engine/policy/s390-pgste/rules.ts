import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Process, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { guestMemoryAt } from '../../kvm/guest-memory.js';
import { vcpuOf } from '../../lookup.js';
import type { NewMmCause, NewMmDecision, VmCreateDecision } from '../define.js';
import { withVcpu } from '../../update.js';
import type { PgsteParams } from './params.js';

// What the three s390-pgste policies share: the newMm hook (execve, fork, clone are the core's), the
// KVM_CREATE_VM decision, and on a LATE_MMAP VM `fault: guest_access` {gpa, len, write}.

/** include/uapi/linux/kvm.h: KVM_VM_S390_UCONTROL; the RFC's KVM_VM_S390_LATE_MMAP (seed 001). */
export const KVM_VM_S390_UCONTROL = 1;
export const KVM_VM_S390_LATE_MMAP = 2;
export const ALLOCATE_PGSTE = 'vm.allocate_pgste';

function sysctlOn(state: MachineState): boolean {
  return state.host.sysctls[ALLOCATE_PGSTE]?.trim() === '1';
}

/**
 * Whether a new mm made by `caller` gets 4K page tables with PGSTEs: init_new_context() sets
 * mm->context.alloc_pgste (see PgsteParams.inheritsFromCurrentMm for the two versions of that line).
 * It runs in the caller's context for both fork (dup_mm) and execve (mm_alloc in bprm_mm_init, while
 * current->mm is still the old mm), so "current->mm" is the caller's mm in both cases.
 */
function newMmHasPgste(params: PgsteParams, state: MachineState, caller: Process): boolean {
  return sysctlOn(state) || (params.inheritsFromCurrentMm && caller.pgste === true);
}

/**
 * A new mm, so new page tables. Under 23fefe119ceb an ELF with a PT_S390_PGSTE header makes
 * arch_elf_pt_proc() set TIF_PGSTE and restart the execve once, when the sysctl, TIF_PGSTE and the
 * current mm's alloc_pgste are all off (arch/s390/include/asm/elf.h); the restarted execve's new mm
 * then has PGSTEs. A PGSTE process that execs an unmarked binary keeps PGSTEs on 4.12+ (the old mm
 * is current->mm when the new one is made); before 4.12 only the sysctl counts. fork(), vfork() and
 * clone() without CLONE_VM copy the parent's mm through dup_mm -> mm_init -> init_new_context() in
 * the parent's context. Whether an ELF has the header is a host fact (`pgste_binaries`): no strace
 * line shows a binary's program headers.
 * (TIF_PGSTE also stays set on the thread: no clear_thread_flag(TIF_PGSTE) was found in the stored
 * sources; the mm inheritance above already gives the same answer for every later execve and fork.)
 */
export function pgsteNewMm(params: PgsteParams, caller: Process, state: MachineState, how: NewMmCause): NewMmDecision {
  const inherited = newMmHasPgste(params, state, caller);
  if (how.cause === 'fork') return { fields: { pgste: inherited } };
  const marker = state.host.features?.pgste_binaries?.includes(how.path) === true;
  const byMarker = params.elfMarker && marker && !inherited;
  const pgste = inherited || byMarker;
  const log = byMarker
    ? `execve(${how.path}): PT_S390_PGSTE program header; restarted once so the new mm has PGSTEs`
    : pgste && !sysctlOn(state)
      ? `execve(${how.path}): the new mm inherits alloc_pgste from the old one (init_new_context: current->mm->context.alloc_pgste)`
      : undefined;
  return { fields: { pgste }, ...(log ? { log } : {}) };
}

/** kvm_arch_init_vm() in arch/s390/kvm/kvm-s390.c, then s390_enable_sie() (arch/s390/mm/gmap.c). */
export function s390VmCreate(policy: PgsteParams, type: number, process: Process): VmCreateDecision | undefined {
  if (type === KVM_VM_S390_UCONTROL) return undefined; // needs CONFIG_KVM_S390_UCONTROL and CAP_SYS_ADMIN: not modelled
  if (type & KVM_VM_S390_LATE_MMAP) {
    if (policy.lateMmap)
      return { accept: true, why: 'KVM_VM_S390_LATE_MMAP: s390_enable_sie(mixed_pgtables); memory mapped from now on gets PGSTEs' };
    return {
      errno: 'EINVAL',
      why: `type ${type} is not a machine type this kernel knows (kvm_arch_init_vm: "else if (type) goto out_err")`,
    };
  }
  if (type !== 0) return { errno: 'EINVAL', why: `unknown machine type ${type}` };
  if (process.pgste === true) return { accept: true };
  return {
    errno: 'EINVAL',
    why: 's390_enable_sie(): this mm has 2K page tables without PGSTEs (set vm.allocate_pgste=1 before the process started, or mark the ELF)',
  };
}

/**
 * RFC (seed 001): "If user space fails to obey these rules, KVM will report -EFAULT whenever an
 * address in that incompatible range is accessed": memory mapped before KVM_CREATE_VM has no PGSTEs.
 */
export function lateMmapAccess(state: MachineState, event: EventOf<'fault:guest_access'>, ctx: ReduceContext): MachineState {
  const ref = vcpuOf(state, event);
  const gpa = toBig(event.args.gpa);
  if (!ref || gpa === undefined || !(ref.vm.type & KVM_VM_S390_LATE_MMAP)) return state;
  const hit = guestMemoryAt(state, ref.vm, gpa);
  if (!hit?.vma || hit.process?.pgste || !mappedBefore(hit.vma.mappedAt, ref.vm)) return state;
  ctx.effects.push({
    kind: 'log',
    message: `gpa ${hex(gpa)} is backed by ${hit.vma.start}, mapped at @${hit.vma.mappedAt} before the LATE_MMAP VM existed: no PGSTEs, -EFAULT`,
  });
  return withVcpu(state, ref.vm.id, { ...ref.vcpu, pendingErrno: 'EFAULT' });
}

function mappedBefore(mappedAt: number, vm: Vm): boolean {
  return vm.createdAt !== undefined && mappedAt < vm.createdAt;
}
