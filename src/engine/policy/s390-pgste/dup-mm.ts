import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const dupMm: VariantSpec<PgsteParams> = {
  variant: 'dup-mm',
  summary:
    '3.6-3.11: no sysctl; KVM_CREATE_VM replaces the mm by a dup_mm() copy with PGSTEs, and is EINVAL for a multi-threaded process; the new mm passes PGSTEs on',
  sources: [
    {
      kind: 'source',
      ref: 'arch/s390/mm/pgtable.c s390_enable_sie() (3.6.5, 3.9.6, 3.11.0 imports)',
      note: '`atomic_read(&tsk->mm->mm_users) > 1 || !hlist_empty(&tsk->mm->ioctx_list) || tsk->mm != tsk->active_mm` -> -EINVAL; `tsk->mm->context.alloc_pgste = 1; mm = dup_mm(tsk);`; -ENOMEM if the copy fails. AIO contexts, other mm users and the boot-time HOME_SPACE_MODE check are not modelled',
    },
    {
      kind: 'source',
      ref: 'arch/s390/include/asm/mmu_context.h init_new_context() (3.11.0)',
      note: '`if (current->mm && current->mm->context.alloc_pgste) { has_pgste = 1; alloc_pgste = 1; }`: a converted mm passes PGSTEs to forks and execs',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 8',
      note: 'first release of the era not verified: releases before 3.6 were not read',
    },
  ],
  releases: { linux: { from: '3.6', to: '3.11' } },
  params: { enableSie: 'dup-mm', sysctl: false, elfMarker: false, inheritsFromCurrentMm: true, lateMmap: false },
};
