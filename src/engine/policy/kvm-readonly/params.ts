/** How a kernel treats guest memory the host or the VMM made read-only (seed 004_2ea3dcaaa5e2dea3.txt). */
export interface ReadonlyParams {
  /** KVM_MEM_READONLY exists: writes to a slot carrying it exit to userspace as MMIO. */
  readonlyFlag: boolean;
  /**
   * hva_to_pfn() may fault a swapped-out page in asynchronously on a mapping without VM_WRITE.
   * Before the readonly-memslot series it allowed async faults only `if (async && (vma->vm_flags & VM_WRITE))`.
   */
  asyncFaultWithoutVmWrite: boolean;
}
