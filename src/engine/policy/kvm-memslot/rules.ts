import { hex } from '../../../model/address.js';
import { KVM_MEM_GUEST_MEMFD, KVM_MEM_READONLY, PAGE_SIZE } from '../../../model/kvm-abi.js';

/** include/linux/kvm_host.h: `#define KVM_MEM_MAX_NR_PAGES ((1UL << 31) - 1)` ("some of the bitops functions do not support too long bitmaps"). */
export const KVM_MEM_MAX_NR_PAGES = (1n << 31n) - 1n;
const PAGE_SHIFT = 12n;
import type { Memslot } from '../../../model/state.js';
import type { MemslotParams } from './params.js';

// kvm_set_memory_region() in virt/kvm/kvm_main.c, check by check and in the same order, because the
// order decides which errno a call that breaks two rules gets.

export interface MemoryRegionRequest {
  slot: number;
  flags: number;
  guestPhysAddr: bigint;
  memorySize: bigint;
  userspaceAddr: bigint;
}

export type MemslotChange = 'create' | 'delete' | 'move' | 'flags_only';

export type MemslotOutcome =
  | { errno: 'EINVAL' | 'EEXIST'; why: string }
  | { unchanged: true }
  | { unmodelled: string }
  | { change: MemslotChange; memslots: Memslot[] };

const fail = (errno: 'EINVAL' | 'EEXIST', why: string): MemslotOutcome => ({ errno, why });

function pageAligned(value: bigint): boolean {
  return value % PAGE_SIZE === 0n;
}

/**
 * `validFlags`: what check_memory_region_flags() accepts under the active policies (PolicySet.memslotFlags).
 * `addressSpaces`: how many memslot address spaces the host kernel has (set-region.ts memslotAddressSpaces),
 * or 'unknown' when the scenario does not say; then a slot in address space 1 or above is not predicted.
 */
export function setUserMemoryRegion(
  memslots: readonly Memslot[],
  req: MemoryRegionRequest,
  policy: MemslotParams,
  validFlags = policy.validFlags,
  addressSpaces: number | 'unknown' = policy.addressSpaces,
): MemslotOutcome {
  if ((req.flags & ~validFlags) >>> 0)
    return fail('EINVAL', `flags 0x${req.flags.toString(16)} has bits check_memory_region_flags() does not accept`);
  const asId = req.slot >>> 16;
  const id = req.slot & 0xffff;
  if (!pageAligned(req.memorySize)) return fail('EINVAL', 'memory_size is not page aligned');
  if (!pageAligned(req.guestPhysAddr)) return fail('EINVAL', 'guest_phys_addr is not page aligned');
  if (!pageAligned(req.userspaceAddr)) return fail('EINVAL', 'userspace_addr is not page aligned');
  if (req.userspaceAddr + req.memorySize > policy.taskSizeMax) return fail('EINVAL', 'userspace range fails access_ok()');
  if (id >= policy.userMemSlots) return fail('EINVAL', `slot ${req.slot} is out of range`);
  if (addressSpaces === 'unknown') {
    if (asId >= 1)
      return {
        unmodelled: `slot ${req.slot} is in address space ${asId}; how many the host has depends on CONFIG_KVM_SMM (host fact kvm_smm not given)`,
      };
  } else if (asId >= addressSpaces) {
    return fail('EINVAL', `slot ${req.slot} is in address space ${asId}, and this host has ${addressSpaces}`);
  }
  if (req.guestPhysAddr + req.memorySize >= 1n << 64n) return fail('EINVAL', 'guest_phys_addr + memory_size wraps');
  if (req.memorySize >> PAGE_SHIFT > KVM_MEM_MAX_NR_PAGES)
    return fail('EINVAL', `memory_size is more than KVM_MEM_MAX_NR_PAGES (2^31 - 1) pages`);

  const index = memslots.findIndex((m) => m.slot === req.slot);
  const old = memslots[index];
  if (req.memorySize === 0n) {
    if (!old) return fail('EINVAL', `deleting slot ${req.slot}, which is empty`);
    return { change: 'delete', memslots: memslots.filter((_, i) => i !== index) };
  }

  const next: Memslot = {
    slot: req.slot,
    flags: req.flags,
    guestPhysAddr: hex(req.guestPhysAddr),
    memorySize: Number(req.memorySize),
    userspaceAddr: hex(req.userspaceAddr),
  };
  let change: MemslotChange;
  if (!old) {
    change = 'create';
  } else {
    // "Private memslots are immutable, they can only be deleted": `if (mem->flags & KVM_MEM_GUEST_MEMFD)
    // return -EINVAL;` first in the modify branch (virt/kvm/kvm_main.c, since guest_memfd in 6.8). Only
    // reachable where check_memory_region_flags() lets the bit through (KVM_SET_USER_MEMORY_REGION2).
    if (req.flags & KVM_MEM_GUEST_MEMFD) return fail('EINVAL', `slot ${req.slot} has KVM_MEM_GUEST_MEMFD: such a slot can only be deleted`);
    if (BigInt(old.userspaceAddr) !== req.userspaceAddr) return fail('EINVAL', `slot ${req.slot} exists with another userspace_addr`);
    if (BigInt(old.memorySize) !== req.memorySize) return fail('EINVAL', `slot ${req.slot} exists with another memory_size`);
    // 75d61fbcf563 "KVM: set_memory_region: Disallow changing read-only attribute later" (committed to
    // the kvm tree early 2013; its child feb3eb704a86 is dated 2013-02-04, so it is not in 3.8, which
    // was at rc6 then; the release tag it first appears in was not checked). A kernel without the flag cannot toggle it.
    if ((old.flags ^ req.flags) & KVM_MEM_READONLY & validFlags)
      return fail('EINVAL', `KVM_MEM_READONLY cannot be toggled on slot ${req.slot}`);
    if (BigInt(old.guestPhysAddr) !== req.guestPhysAddr) change = 'move';
    else if (old.flags !== req.flags) change = 'flags_only';
    else return { unchanged: true };
  }

  if (change === 'create' || change === 'move') {
    const start = req.guestPhysAddr;
    const end = start + req.memorySize;
    const clash = memslots.find(
      (m) =>
        m.slot !== req.slot &&
        m.slot >>> 16 === asId &&
        start < BigInt(m.guestPhysAddr) + BigInt(m.memorySize) &&
        BigInt(m.guestPhysAddr) < end,
    );
    if (clash) return fail('EEXIST', `GPA range overlaps slot ${clash.slot}`);
  }

  const updated = index < 0 ? [...memslots, next] : memslots.map((m, i) => (i === index ? next : m));
  updated.sort((a, b) => a.slot - b.slot);
  return { change, memslots: updated };
}
