/** Which mm gets 4K page tables with PGSTEs, which s390 KVM needs (seeds 000_7ae9c4eaf28dcd3d.txt, 001_280a8ef89a6d9850.txt). */
export interface PgsteParams {
  /**
   * What s390_enable_sie() (arch/s390/mm/pgtable.c, later gmap.c), called by KVM_CREATE_VM, does with an
   * mm that has no PGSTEs: 'dup-mm' (<= 3.11) replaces it with a copy made with alloc_pgste set, and
   * refuses a multi-threaded process; 'realloc' (3.13-3.19) reallocates its page tables in place;
   * 'refuse' (4.1-6.14) returns -EINVAL ("Fail if the page tables are 2K"); 'flag' (6.17+) sets
   * has_pgste; 'none' (7.0+) no longer exists: the gmap rewrite keeps no PGSTEs in the host page tables.
   * Only under 'refuse' must the mm have had PGSTEs from its creation.
   */
  enableSie: 'dup-mm' | 'realloc' | 'refuse' | 'flag' | 'none';
  /** The vm.allocate_pgste sysctl exists and gives a new mm PGSTEs (4.1 to 6.14). */
  sysctl: boolean;
  /** execve of an ELF with a PT_S390_PGSTE program header gives the new mm PGSTEs (23fefe119ceb). */
  elfMarker: boolean;
  /**
   * A new mm inherits PGSTEs from the caller's mm: init_new_context() (arch/s390/include/asm/mmu_context.h)
   * reads `current->mm->context.alloc_pgste` in 3.11 (the dup_mm era: a converted mm passes PGSTEs on)
   * and from 4.12 (23fefe119ceb: `... || (current->mm && current->mm->context.alloc_pgste)`); 3.14-3.19
   * set `has_pgste = 0`, 4.1-4.11 only `alloc_pgste = page_table_allocate_pgste`, 6.17 `has_pgste = 0`.
   */
  inheritsFromCurrentMm: boolean;
  /** KVM_CREATE_VM type KVM_VM_S390_LATE_MMAP (2) works without PGSTEs (the RFC in seed 001, never merged). */
  lateMmap: boolean;
}
