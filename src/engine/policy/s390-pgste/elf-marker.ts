import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const elfMarker: VariantSpec<PgsteParams> = {
  variant: 'elf-marker',
  summary:
    "4.12-6.14: as sysctl-only, plus an ELF with a PT_S390_PGSTE (0x70000000) header gets PGSTEs by a restarted execve; a new mm (fork or execve) inherits PGSTEs from the caller's mm",
  sources: [
    { kind: 'commit', ref: '23fefe119ceb', note: 's390/kvm: avoid global config of vm.alloc_pgste=1' },
    { kind: 'seed', ref: '000_7ae9c4eaf28dcd3d.txt', note: 'the restarted-execve idea and the PT_S390_PGSTE segment' },
    { kind: 'source', ref: 'arch/s390/include/asm/elf.h PT_S390_PGSTE, arch_elf_pt_proc()' },
    {
      kind: 'source',
      ref: 'arch/s390/include/asm/mmu_context.h init_new_context() (4.12+)',
      note: 'alloc_pgste = sysctl || TIF_PGSTE || current->mm->context.alloc_pgste',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 8',
      note: 'read in 6.1, 6.4.6, 6.6.87, 6.11.11, 6.12.19, 6.13.7 and 6.14.0; gone by 6.17.0',
    },
  ],
  releases: { linux: { from: '4.12', to: '6.14' } },
  params: { enableSie: 'refuse', sysctl: true, elfMarker: true, inheritsFromCurrentMm: true, lateMmap: false },
};
