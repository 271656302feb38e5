import { hex, toBig } from '../../../model/address.js';
import type { MachineState, Process, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { guestMemoryAt } from '../../kvm/guest-memory.js';
import { processOf, vcpuOf } from '../../lookup.js';
import type { VmCreateDecision } from '../types.js';
import { withProcess, withVcpu } from '../../update.js';
import type { PgstePolicy } from './policy.js';

// What the three s390-pgste policies share. Events: `syscall: sysctl_write` {name, value},
// `syscall: execve` {path, pgsteMarker}, `syscall: fork|vfork|clone` (child pid as result.ret),
// and on a LATE_MMAP VM `fault: guest_access` {gpa, len, write}.

/** include/uapi/linux/kvm.h: KVM_VM_S390_UCONTROL; the RFC's KVM_VM_S390_LATE_MMAP (seed 001). */
export const KVM_VM_S390_UCONTROL = 1;
export const KVM_VM_S390_LATE_MMAP = 2;
export const ALLOCATE_PGSTE = 'vm.allocate_pgste';

function sysctlOn(state: MachineState): boolean {
  return state.host.sysctls[ALLOCATE_PGSTE]?.trim() === '1';
}

export function reducePgste(policy: PgstePolicy, state: MachineState, ctx: ReduceContext): MachineState | undefined {
  const { event } = ctx;
  if (event.kind === 'syscall') {
    if (event.name === 'sysctl_write') return sysctlWrite(state, ctx);
    if (event.name === 'execve') return execve(policy, state, ctx);
    if (event.name === 'fork' || event.name === 'vfork' || event.name === 'clone') return forkVforkClone(policy, state, ctx);
    return undefined;
  }
  if (event.kind === 'fault' && event.name === 'guest_access' && state.host.arch === 's390x') return lateMmapAccess(policy, state, ctx);
  return undefined;
}

/** Any sysctl is kept; vm.allocate_pgste is the one s390 reads (arch/s390/mm/pgalloc.c page_table_allocate_pgste). */
function sysctlWrite(state: MachineState, ctx: ReduceContext): MachineState {
  const name = String(ctx.event.args.name);
  const value = String(ctx.event.args.value);
  if (ctx.event.result?.errno) return state;
  ctx.effects.push({ kind: 'result', ret: 0 });
  return { ...state, host: { ...state.host, sysctls: { ...state.host.sysctls, [name]: value } } };
}

/**
 * Whether a new mm made by `caller` gets 4K page tables with PGSTEs: init_new_context() sets
 * mm->context.alloc_pgste (see PgstePolicy.inheritsFromCurrentMm for the two versions of that line).
 * It runs in the caller's context for both fork (dup_mm) and execve (mm_alloc in bprm_mm_init, while
 * current->mm is still the old mm), so "current->mm" is the caller's mm in both cases.
 */
function newMmHasPgste(policy: PgstePolicy, state: MachineState, caller: Process): boolean {
  return sysctlOn(state) || (policy.inheritsFromCurrentMm && caller.pgste);
}

/**
 * A new mm, so new page tables. Under 23fefe119ceb an ELF with a PT_S390_PGSTE header makes
 * arch_elf_pt_proc() set TIF_PGSTE and restart the execve once, when the sysctl, TIF_PGSTE and the
 * current mm's alloc_pgste are all off (arch/s390/include/asm/elf.h); the restarted execve's new mm
 * then has PGSTEs. A PGSTE process that execs an unmarked binary keeps PGSTEs on 4.12+ (the old mm
 * is current->mm when the new one is made); before 4.12 only the sysctl counts.
 * (TIF_PGSTE also stays set on the thread: no clear_thread_flag(TIF_PGSTE) was found in the stored
 * sources; the mm inheritance above already gives the same answer for every later execve and fork.)
 */
function execve(policy: PgstePolicy, state: MachineState, ctx: ReduceContext): MachineState {
  const { event } = ctx;
  if (event.result?.errno) return state;
  const process = processOf(state, event);
  const path = String(event.args.path ?? '');
  const marker = event.args.pgsteMarker === true;
  const inherited = newMmHasPgste(policy, state, process);
  const byMarker = policy.elfMarker && marker && !inherited;
  const pgste = inherited || byMarker;
  ctx.effects.push({ kind: 'result', ret: 0 });
  if (byMarker)
    ctx.effects.push({ kind: 'log', message: `execve(${path}): PT_S390_PGSTE program header; restarted once so the new mm has PGSTEs` });
  else if (pgste && !sysctlOn(state))
    ctx.effects.push({
      kind: 'log',
      message: `execve(${path}): the new mm inherits alloc_pgste from the old one (init_new_context: current->mm->context.alloc_pgste)`,
    });
  const { exited: _gone, ...rest } = process;
  const next: Process = { ...rest, pgste, vmas: [], exe: { path, pgsteMarker: marker }, ...(event.comm ? { comm: event.comm } : {}) };
  return withProcess(state, next);
}

/**
 * fork(), vfork() and clone() without CLONE_VM make a child with a copy of the parent's mm (dup_mm ->
 * mm_init -> init_new_context() in the parent's context, then dup_mmap() copies the page tables into
 * tables allocated for the new mm). The child's PGSTE bit is newMmHasPgste(): inherited on 4.12+, only
 * the sysctl at fork time before. A clone that shares the mm (CLONE_VM) makes a thread, not a process.
 */
function forkVforkClone(policy: PgstePolicy, state: MachineState, ctx: ReduceContext): MachineState | undefined {
  const { event } = ctx;
  const child = Number(event.result?.ret);
  if (!Number.isInteger(child) || child <= 0) return undefined;
  if (event.name === 'clone' && String(event.args.flags ?? '').includes('CLONE_VM')) return undefined;
  const parent = processOf(state, event);
  return withProcess(state, {
    pid: child,
    ...(parent.comm ? { comm: parent.comm } : {}),
    pgste: newMmHasPgste(policy, state, parent),
    vmas: parent.vmas,
    fds: parent.fds,
  });
}

/** kvm_arch_init_vm() in arch/s390/kvm/kvm-s390.c, then s390_enable_sie() (arch/s390/mm/gmap.c). */
export function s390VmCreate(policy: PgstePolicy, type: number, state: MachineState, process: Process): VmCreateDecision | undefined {
  if (state.host.arch !== 's390x') return undefined;
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
  if (process.pgste) return { accept: true };
  return {
    errno: 'EINVAL',
    why: 's390_enable_sie(): this mm has 2K page tables without PGSTEs (set vm.allocate_pgste=1 before the process started, or mark the ELF)',
  };
}

/**
 * RFC (seed 001): "If user space fails to obey these rules, KVM will report -EFAULT whenever an
 * address in that incompatible range is accessed": memory mapped before KVM_CREATE_VM has no PGSTEs.
 */
function lateMmapAccess(policy: PgstePolicy, state: MachineState, ctx: ReduceContext): MachineState | undefined {
  if (!policy.lateMmap) return undefined;
  const ref = vcpuOf(state, ctx.event);
  const gpa = toBig(ctx.event.args.gpa);
  if (!ref || gpa === undefined || !(ref.vm.type & KVM_VM_S390_LATE_MMAP)) return undefined;
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

/** KVM_CAP_S390_LATE_MMAP (200 in the RFC): 1 where the RFC is applied; other kernels do not know the number. */
export function s390Capability(policy: PgstePolicy, cap: string, state: MachineState): number | undefined {
  if (cap !== 'KVM_CAP_S390_LATE_MMAP' || state.host.arch !== 's390x') return undefined;
  return policy.lateMmap ? 1 : 0;
}
