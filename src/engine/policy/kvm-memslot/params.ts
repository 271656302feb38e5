/**
 * What kvm_set_memory_region() (virt/kvm/kvm_main.c) and x86's kvm_arch_prepare_memory_region() check,
 * era by era. The limits are x86's; other architectures' slot limits are not modelled.
 */
export interface MemslotParams {
  /** Flags check_memory_region_flags() accepts on every kernel that has it; KVM_MEM_READONLY is the kvm-readonly area's. */
  validFlags: number;
  /** check_memory_region_flags() exists (3.7+); 3.6 stores whatever flags it is given. */
  flagsCheck: boolean;
  /** KVM_USER_MEM_SLOTS on x86: 32 (<= 3.8), 125 (3.9), 509 (3.19), 32764 (5.12+); KVM_CAP_NR_MEMSLOTS answers it. */
  userMemSlots: number;
  /**
   * kvm_vm_ioctl_set_memory_region()'s first check: `mem->slot >= N` on the whole u32 ('u32', <= 4.1),
   * or `(u16)mem->slot >= N` once the upper 16 bits name an address space ('u16', 4.2+).
   */
  slotCheck: 'u32' | 'u16';
  /**
   * x86 memslot address spaces: 1 (<= 4.1); 2 (4.2-6.1, KVM_ADDRESS_SPACE_NUM); 'kvm_smm' when the
   * CONFIG_KVM_SMM host fact decides (2 with it, 1 without); 'kvm_smm-or-2' for 5.12-6.3, an era in
   * which that option appeared (6.1.192 has none, 6.3.8 has it), so only "with SMM" is certain.
   */
  addressSpaces: 1 | 2 | 'kvm_smm' | 'kvm_smm-or-2';
  /**
   * What an existing slot may change. '3.6' (3.6-3.8): flags freely, a new userspace_addr is ignored,
   * deleting an empty slot returns 0, a delete whose gpa lies inside another slot is EEXIST. '3.9'
   * (3.9+): another userspace_addr, size or KVM_MEM_READONLY is EINVAL, deleting an empty slot is EINVAL.
   */
  modify: '3.6' | '3.9';
  /**
   * access_ok() on x86-64 for [userspace_addr, + memory_size): 'task-size' (<= 6.3): the end within
   * TASK_SIZE_MAX; 'sign-bit' (6.4-6.11.0): `(long)(addr + size) >= 0`; 'user-ptr-max' (6.11.11, 6.12+):
   * the end within USER_PTR_MAX = TASK_SIZE_MAX. TASK_SIZE_MAX is 2^47 - 4096, or 2^56 - 4096 with
   * 5-level paging (host fact la57).
   */
  accessOk: 'task-size' | 'sign-bit' | 'user-ptr-max';
  /** x86 kvm_arch_prepare_memory_region(): a created or moved slot whose last gfn is beyond kvm_mmu_max_gfn() is EINVAL; 'unknown' in the era it appeared. */
  maxGfnCheck: boolean | 'unknown';
  /** KVM_SET_USER_MEMORY_REGION2 and KVM_CAP_USER_MEMORY2 (6.8+). */
  region2: boolean;
  /**
   * Where region2 exists, the flags the old KVM_SET_USER_MEMORY_REGION still takes
   * (KVM_SET_USER_MEMORY_REGION_V1_FLAGS: LOG_DIRTY_PAGES | READONLY when absent); a patch that
   * adds a flag to both ioctls widens it.
   */
  v1Flags?: number;
  /** KVM_MEM_GUEST_MEMFD is a valid flag: never, for VMs with private memory only (6.8-6.17), or for every VM (6.18, x86-64). */
  guestMemfd: false | 'private-vms' | 'all-vms';
  /**
   * Dirty logging beyond KVM_GET_DIRTY_LOG: 'bitmap' where only that exists (3.x); 'ring' with
   * KVM_CLEAR_DIRTY_LOG, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 and the dirty ring (5.12.9 has all three);
   * 'unknown' for 4.2-5.11, the era in which they came (5.0 to 5.11 by their commits; not read there).
   */
  dirtyLog: 'bitmap' | 'unknown' | 'ring';
  /** KVM_CAP_DIRTY_LOG_RING_ACQ_REL (x86 selects HAVE_KVM_DIRTY_RING_ACQ_REL in 6.1.192; the cap is unknown to 5.12.9). */
  ringAcqRel: boolean | 'unknown';
}
