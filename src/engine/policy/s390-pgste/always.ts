import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const always: VariantSpec<PgsteParams> = {
  variant: 'always',
  summary:
    '6.17-6.18: no sysctl, no PT_S390_PGSTE; KVM_CREATE_VM sets has_pgste on any mm (every page table is a 4K page); the ELF marker restarts nothing',
  sources: [
    {
      kind: 'source',
      ref: 'arch/s390/mm/gmap.c s390_enable_sie() (6.17.0, 6.18.2 imports)',
      note: '`if (mm_has_pgste(mm)) return 0; mmap_write_lock(mm); mm->context.has_pgste = 1; thp_split_mm(mm); ... return 0;`',
    },
    {
      kind: 'source',
      ref: 'arch/s390/include/asm/elf.h, arch/s390/mm/pgalloc.c (diff of 6.14.0 and 6.17.0)',
      note: 'PT_S390_PGSTE, arch_elf_pt_proc() and the allocate_pgste sysctl table are gone; writing vm.allocate_pgste fails (the file does not exist), which the core does not predict',
    },
    {
      kind: 'commit',
      ref: 'daa8af80d283',
      note: 's390/mm: Allocate page table with PAGE_SIZE granularity (6.17-rc1; Fixes: d08d4e7cd6bf "s390/mm: use full 4KB page for 2KB PTE")',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 8',
      note: 'the removal is in 6.15, 6.16 or 6.17 (no 6.15/6.16 tree read): 6.15-6.16 is an explained gap; 6.19 likewise (6.18.2 read, then 7.0.0)',
    },
  ],
  releases: { linux: { from: '6.17', to: '6.18' } },
  params: { enableSie: 'flag', sysctl: false, elfMarker: false, inheritsFromCurrentMm: false, lateMmap: false },
};
