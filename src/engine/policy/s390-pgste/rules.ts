import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Process, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { guestMemoryAt } from '../../kvm/guest-memory.js';
import { vcpuOf } from '../../lookup.js';
import type { NewMmCause, NewMmDecision } from '../define.js';
import { withVcpu } from '../../update.js';
import type { PgsteParams } from './params.js';

// What the s390-pgste policies share: the newMm hook (execve, fork, clone are the core's), and on a
// LATE_MMAP VM `fault: guest_access` {gpa, len, write}. KVM_CREATE_VM's decision is enable-sie.ts.

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
  return (params.sysctl && sysctlOn(state)) || (params.inheritsFromCurrentMm && caller.pgste === true);
}

/**
 * A new mm, so new page tables. Under 23fefe119ceb an ELF with a PT_S390_PGSTE header makes
 * arch_elf_pt_proc() set TIF_PGSTE and restart the execve once, when the sysctl, TIF_PGSTE and the
 * current mm's alloc_pgste are all off (arch/s390/include/asm/elf.h); the restarted execve's new mm
 * then has PGSTEs. A PGSTE process that execs an unmarked binary keeps PGSTEs on 4.12+ (the old mm
 * is current->mm when the new one is made); 4.1-4.11 count only the sysctl, and kernels without it
 * (<= 3.19, 6.17+) make every new mm without PGSTEs unless it inherits them (3.11). fork(), vfork() and
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
    : pgste && !(params.sysctl && sysctlOn(state))
      ? `execve(${how.path}): the new mm inherits alloc_pgste from the old one (init_new_context: current->mm->context.alloc_pgste)`
      : undefined;
  return { fields: { pgste }, ...(log ? { log } : {}) };
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
