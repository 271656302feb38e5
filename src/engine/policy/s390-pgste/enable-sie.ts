import type { Process } from '../../../model/state.js';
import type { VmCreateDecision } from '../define.js';
import type { PgsteParams } from './params.js';
import { KVM_VM_S390_LATE_MMAP, KVM_VM_S390_UCONTROL } from './rules.js';

// KVM_CREATE_VM on s390: kvm_arch_init_vm() (arch/s390/kvm/kvm-s390.c) checks the type, then calls
// s390_enable_sie() (`rc = s390_enable_sie(); if (rc) goto out_err;`, 3.6 line 204), which makes sure
// the caller's mm has page tables with PGSTEs. How it does that is what the eras differ in
// (PgsteParams.enableSie).

const converted = (why: string): VmCreateDecision => ({ accept: true, why, process: { pgste: true } });

function enableSie(params: PgsteParams, process: Process): VmCreateDecision {
  // Every era starts with `if (mm_has_pgste(mm)) return 0;`.
  if (process.pgste === true) return { accept: true };
  switch (params.enableSie) {
    case 'dup-mm':
      // 3.6-3.11 s390_enable_sie(): `if (!tsk->mm || atomic_read(&tsk->mm->mm_users) > 1 || ...
      // !hlist_empty(&tsk->mm->ioctx_list) || tsk->mm != tsk->active_mm) return -EINVAL;`, then dup_mm()
      // with alloc_pgste set replaces the mm. AIO contexts and other mm users are not in the vocabulary.
      if (process.threads?.length)
        return {
          errno: 'EINVAL',
          why: `s390_enable_sie(): the mm has ${process.threads.length + 1} users (threads ${process.threads.join(', ')}), so it cannot be replaced by a copy with PGSTEs`,
        };
      return converted('s390_enable_sie(): the mm is replaced by a dup_mm() copy whose page tables have PGSTEs');
    case 'realloc':
      // 3.13-3.19: `if (!page_table_realloc(&tlb, mm, 0, TASK_SIZE)) mm->context.has_pgste = 1; ... return
      // mm->context.has_pgste ? 0 : -ENOMEM;`: only an allocation failure, which no trace predicts, refuses.
      return converted('s390_enable_sie(): page_table_realloc() gives the page tables PGSTEs in place');
    case 'flag':
      // 6.17/6.18 arch/s390/mm/gmap.c: `mm->context.has_pgste = 1; thp_split_mm(mm); return 0;`.
      return converted('s390_enable_sie(): sets has_pgste; every page table is a full 4K page, so nothing needs reallocating');
    case 'none':
      return { accept: true, why: 'no s390_enable_sie() since the 7.0 gmap rewrite: the mm needs no PGSTEs' };
    case 'refuse':
      return {
        errno: 'EINVAL',
        why: 's390_enable_sie(): this mm has 2K page tables without PGSTEs (set vm.allocate_pgste=1 before the process started, or mark the ELF)',
      };
  }
}

/** kvm_arch_init_vm() then s390_enable_sie(). */
export function s390VmCreate(params: PgsteParams, type: number, process: Process): VmCreateDecision | undefined {
  if (type === KVM_VM_S390_UCONTROL) return undefined; // needs CONFIG_KVM_S390_UCONTROL and CAP_SYS_ADMIN: not modelled
  if (type & KVM_VM_S390_LATE_MMAP) {
    if (params.lateMmap)
      return { accept: true, why: 'KVM_VM_S390_LATE_MMAP: s390_enable_sie(mixed_pgtables); memory mapped from now on gets PGSTEs' };
    return {
      errno: 'EINVAL',
      why: `type ${type} is not a machine type this kernel knows (kvm_arch_init_vm: "else if (type) goto out_err")`,
    };
  }
  if (type !== 0) return { errno: 'EINVAL', why: `unknown machine type ${type}` };
  return enableSie(params, process);
}
