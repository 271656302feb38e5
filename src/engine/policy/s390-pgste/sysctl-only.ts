import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const sysctlOnly: VariantSpec<PgsteParams> = {
  variant: 'sysctl-only',
  summary:
    '4.1-4.11: only vm.allocate_pgste=1 when an mm is made (execve, fork) gives it PGSTEs, nothing is inherited; KVM_CREATE_VM without them is EINVAL',
  sources: [
    { kind: 'seed', ref: '000_7ae9c4eaf28dcd3d.txt', note: 'why a global sysctl was needed' },
    {
      kind: 'source',
      ref: 'arch/s390/mm/gmap.c s390_enable_sie() (4.6-4.11; moved there from pgtable.c by 1e133ab296f3): -EINVAL when !mm_alloc_pgste(mm)',
      note: '4.2.8 arch/s390/mm/pgtable.c: `/* Fail if the page tables are 2K */ if (!mm_alloc_pgste(mm)) return -EINVAL;` (also read in 4.1.15, 4.3.0)',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 8',
      note: 'the sysctl arrived in 4.0 or 4.1 (3.19.8 reallocates, 4.1.15 refuses; 4.0 not read, its commit not verified): 4.0 is an explained gap',
    },
    {
      kind: 'source',
      ref: 'arch/s390/include/asm/mmu_context.h init_new_context() (4.x before 4.12)',
      note: 'alloc_pgste = page_table_allocate_pgste; nothing from current->mm',
    },
  ],
  releases: { linux: { from: '4.1', to: '4.11' } },
  params: { enableSie: 'refuse', sysctl: true, elfMarker: false, inheritsFromCurrentMm: false, lateMmap: false },
};
