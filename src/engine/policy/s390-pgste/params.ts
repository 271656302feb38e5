/** Which mm gets 4K page tables with PGSTEs, which s390 KVM needs (seeds 000_7ae9c4eaf28dcd3d.txt, 001_280a8ef89a6d9850.txt). */
export interface PgsteParams {
  /** execve of an ELF with a PT_S390_PGSTE program header gives the new mm PGSTEs (23fefe119ceb). */
  elfMarker: boolean;
  /**
   * A new mm inherits alloc_pgste from the caller's mm. 4.12+ init_new_context()
   * (arch/s390/include/asm/mmu_context.h, with 23fefe119ceb): `alloc_pgste = page_table_allocate_pgste ||
   * test_thread_flag(TIF_PGSTE) || (current->mm && current->mm->context.alloc_pgste)`. In the 4.x
   * sources before it the line is only `alloc_pgste = page_table_allocate_pgste`: no inheritance.
   */
  inheritsFromCurrentMm: boolean;
  /** KVM_CREATE_VM type KVM_VM_S390_LATE_MMAP (2) works without PGSTEs (the RFC in seed 001, never merged). */
  lateMmap: boolean;
}
