import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const realloc: VariantSpec<PgsteParams> = {
  variant: 'realloc',
  summary: '3.13-3.19: no sysctl; KVM_CREATE_VM reallocates the page tables in place with PGSTEs, for any process; new mms start without',
  sources: [
    {
      kind: 'source',
      ref: 'arch/s390/mm/pgtable.c s390_enable_sie() (3.13.11, 3.14.1, 3.16.0, 3.17.0, 3.19.8 imports)',
      note: '`if (!page_table_realloc(&tlb, mm, 0, TASK_SIZE)) mm->context.has_pgste = 1; ... return mm->context.has_pgste ? 0 : -ENOMEM;`',
    },
    {
      kind: 'source',
      ref: 'arch/s390/include/asm/mmu_context.h init_new_context() (3.14.1, 3.19.8)',
      note: '`mm->context.has_pgste = 0;`',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 8',
      note: 'the commit that replaced dup_mm (3.12 or 3.13) was not identified; 3.12 is an explained gap',
    },
  ],
  releases: { linux: { from: '3.13', to: '3.19' } },
  params: { enableSie: 'realloc', sysctl: false, elfMarker: false, inheritsFromCurrentMm: false, lateMmap: false },
};
