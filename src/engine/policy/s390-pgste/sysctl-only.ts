import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const sysctlOnly: VariantSpec<PgsteParams> = {
  variant: 'sysctl-only',
  summary:
    'Before 4.12: only vm.allocate_pgste=1 when an mm is made (execve, fork) gives it PGSTEs, nothing is inherited; KVM_CREATE_VM without them is EINVAL',
  sources: [
    { kind: 'seed', ref: '000_7ae9c4eaf28dcd3d.txt', note: 'why a global sysctl was needed' },
    {
      kind: 'source',
      ref: 'arch/s390/mm/gmap.c s390_enable_sie() (4.6-4.11; moved there from pgtable.c by 1e133ab296f3): -EINVAL when !mm_alloc_pgste(mm)',
    },
    {
      kind: 'source',
      ref: 'arch/s390/include/asm/mmu_context.h init_new_context() (4.x before 4.12)',
      note: 'alloc_pgste = page_table_allocate_pgste; nothing from current->mm',
    },
  ],
  params: { elfMarker: false, inheritsFromCurrentMm: false, lateMmap: false },
};
