/** The limits kvm_set_memory_region() checks, which differ between kernels and architectures. */
export interface MemslotParams {
  /** Flags check_memory_region_flags() accepts on every kernel that has it; KVM_MEM_READONLY is the kvm-readonly area's. */
  validFlags: number;
  userMemSlots: number;
  /** The most a kernel has (x86 with SMM); the host decides the actual number (memslotAddressSpaces). */
  addressSpaces: number;
  taskSizeMax: bigint;
}
