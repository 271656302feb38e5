import { hex } from '../../../model/address.js';
import { KVM_MEM_GUEST_MEMFD, KVM_MEM_READONLY } from '../../../model/kvm-abi.js';
import type { Memslot } from '../../../model/state.js';
import { checkArguments, type HostLimits, type MemoryRegionRequest } from './checks.js';
import type { MemslotParams } from './params.js';

// kvm_set_memory_region() after its argument checks (checks.ts): what the call does to the slot it
// names, with the rules of the era (MemslotParams.modify), then the overlap check.

export type { HostLimits, MemoryRegionRequest };
export { KVM_MEM_MAX_NR_PAGES } from './checks.js';

export type MemslotChange = 'create' | 'delete' | 'move' | 'flags_only';

export type MemslotOutcome =
  | { errno: 'EINVAL' | 'EEXIST'; why: string }
  | { unchanged: true; why?: string }
  | { unmodelled: string }
  | { change: MemslotChange; slot: Memslot; old?: Memslot };

const fail = (errno: 'EINVAL' | 'EEXIST', why: string): MemslotOutcome => ({ errno, why });

function overlapping(memslots: readonly Memslot[], req: MemoryRegionRequest, start: bigint, end: bigint): Memslot | undefined {
  const asId = req.slot >>> 16;
  return memslots.find(
    (m) =>
      m.slot !== req.slot &&
      m.slot >>> 16 === asId &&
      start < BigInt(m.guestPhysAddr) + BigInt(m.memorySize) &&
      BigInt(m.guestPhysAddr) < end,
  );
}

/** 3.6-3.8 (__kvm_set_memory_region(), 3.6 lines 743-779; 3.7.2, 3.8.0): no KVM_MR_* classes yet. */
function modify36(memslots: readonly Memslot[], req: MemoryRegionRequest, old: Memslot | undefined): MemslotOutcome {
  const start = req.guestPhysAddr;
  // The overlap loop runs for every call, a delete too: `base_gfn + npages <= s->base_gfn || base_gfn >=
  // s->base_gfn + s->npages` with npages 0 is false exactly when the gpa lies strictly inside another slot.
  if (req.memorySize === 0n) {
    const inside = memslots.find(
      (m) => m.slot !== req.slot && BigInt(m.guestPhysAddr) < start && start < BigInt(m.guestPhysAddr) + BigInt(m.memorySize),
    );
    if (inside)
      return fail('EEXIST', `guest_phys_addr ${hex(start)} lies inside slot ${inside.slot} (3.6 checks overlaps for deletes too)`);
    if (!old) return { unchanged: true, why: `deleting slot ${req.slot}, which is empty: nothing to do, 0` };
    return { change: 'delete', slot: old, old };
  }
  if (old && BigInt(old.memorySize) !== req.memorySize) return fail('EINVAL', `slot ${req.slot} exists with another memory_size`);
  const clash = overlapping(memslots, req, start, start + req.memorySize);
  if (clash) return fail('EEXIST', `GPA range overlaps slot ${clash.slot}`);
  // `new.userspace_addr = mem->userspace_addr` only when a slot is created (3.6 lines 769-771).
  const uaddr = old ? old.userspaceAddr : hex(req.userspaceAddr);
  const slot: Memslot = {
    slot: req.slot,
    flags: req.flags,
    guestPhysAddr: hex(start),
    memorySize: Number(req.memorySize),
    userspaceAddr: uaddr,
  };
  if (!old) return { change: 'create', slot };
  const ignored =
    BigInt(old.userspaceAddr) !== req.userspaceAddr ? `; the new userspace_addr is ignored, the slot keeps ${old.userspaceAddr}` : '';
  if (BigInt(old.guestPhysAddr) !== start) return { change: 'move', slot, old };
  if (old.flags !== req.flags) return { change: 'flags_only', slot, old };
  return { unchanged: true, ...(ignored ? { why: `slot ${req.slot} is unchanged${ignored}` } : {}) };
}

/** 3.9+ (3.9.6 lines 801-821; 6.18.2 lines 2057-2101). */
function modify39(memslots: readonly Memslot[], req: MemoryRegionRequest, old: Memslot | undefined): MemslotOutcome {
  if (req.memorySize === 0n) {
    if (!old) return fail('EINVAL', `deleting slot ${req.slot}, which is empty`);
    return { change: 'delete', slot: old, old };
  }
  const slot: Memslot = {
    slot: req.slot,
    flags: req.flags,
    guestPhysAddr: hex(req.guestPhysAddr),
    memorySize: Number(req.memorySize),
    userspaceAddr: hex(req.userspaceAddr),
  };
  let change: MemslotChange = 'create';
  if (old) {
    // "Private memslots are immutable, they can only be deleted" (6.8+; only reachable through REGION2).
    if (req.flags & KVM_MEM_GUEST_MEMFD) return fail('EINVAL', `slot ${req.slot} has KVM_MEM_GUEST_MEMFD: such a slot can only be deleted`);
    if (BigInt(old.userspaceAddr) !== req.userspaceAddr) return fail('EINVAL', `slot ${req.slot} exists with another userspace_addr`);
    if (BigInt(old.memorySize) !== req.memorySize) return fail('EINVAL', `slot ${req.slot} exists with another memory_size`);
    // 75d61fbcf563 "Disallow changing read-only attribute later": absent in 3.8.0, present in 3.9.6.
    if ((old.flags ^ req.flags) & KVM_MEM_READONLY) return fail('EINVAL', `KVM_MEM_READONLY cannot be toggled on slot ${req.slot}`);
    if (BigInt(old.guestPhysAddr) !== req.guestPhysAddr) change = 'move';
    else if (old.flags !== req.flags) change = 'flags_only';
    else return { unchanged: true };
  }
  if (change === 'create' || change === 'move') {
    const clash = overlapping(memslots, req, req.guestPhysAddr, req.guestPhysAddr + req.memorySize);
    if (clash) return fail('EEXIST', `GPA range overlaps slot ${clash.slot}`);
  }
  return old ? { change, slot, old } : { change, slot };
}

/**
 * The argument checks, then the change. `validFlags`: what check_memory_region_flags() accepts under the
 * active policies (PolicySet.memslotFlags), KVM_MEM_GUEST_MEMFD included where this VM may have it.
 */
export function setUserMemoryRegion(
  memslots: readonly Memslot[],
  req: MemoryRegionRequest,
  params: MemslotParams,
  validFlags: number,
  host: HostLimits,
): MemslotOutcome {
  const failed = checkArguments(req, params, validFlags, host);
  if (failed) return 'errno' in failed ? fail(failed.errno, failed.why) : failed;
  const old = memslots.find((m) => m.slot === req.slot);
  return params.modify === '3.6' ? modify36(memslots, req, old) : modify39(memslots, req, old);
}

/** The memslots after a change. */
export function applyChange(memslots: readonly Memslot[], outcome: { change: MemslotChange; slot: Memslot }): Memslot[] {
  const others = memslots.filter((m) => m.slot !== outcome.slot.slot);
  const next = outcome.change === 'delete' ? others : [...others, outcome.slot];
  return next.sort((a, b) => a.slot - b.slot);
}
