/** How a kernel treats guest memory the host or the VMM made read-only (seed 004_2ea3dcaaa5e2dea3.txt). */
export interface ReadonlyParams {
  /** KVM_MEM_READONLY exists: writes to a slot carrying it exit to userspace as MMIO. */
  readonlyFlag: boolean;
  /**
   * hva_to_pfn() may fault a swapped-out page in asynchronously on a mapping without VM_WRITE.
   * Before the readonly-memslot series it allowed async faults only `if (async && (vma->vm_flags & VM_WRITE))`.
   */
  asyncFaultWithoutVmWrite: boolean;
  /**
   * handle_emulation_failure() (arch/x86/kvm/x86.c) for an instruction the emulator cannot handle: it
   * always queues #UD, and exits with KVM_EXIT_INTERNAL_ERROR outside guest mode at any CPL ('any-cpl',
   * 3.6-3.17), only at CPL 0 ('cpl0', 3.18-5.13), or also, without the #UD, whenever
   * KVM_CAP_EXIT_ON_EMULATION_FAILURE is enabled ('cpl0-or-cap', 5.14+, 19238e75bd8e).
   */
  emulationFailure: 'any-cpl' | 'cpl0' | 'cpl0-or-cap';
}
