import { KVM_MEM_GUEST_MEMFD, KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY, PAGE_SIZE } from '../../../model/kvm-abi.js';
import type { MemslotParams } from './params.js';

// The argument checks of KVM_SET_USER_MEMORY_REGION(2), in the kernel's order, because the order
// decides which check a call that breaks two rules hits (6.18.2 virt/kvm/kvm_main.c):
//   kvm_vm_ioctl() (6.8+): the v1 ioctl refuses flags beyond LOG_DIRTY_PAGES|READONLY (line 5198);
//   kvm_vm_ioctl_set_memory_region(): the slot id, `(u16)mem->slot >= KVM_USER_MEM_SLOTS` (2150);
//   kvm_set_memory_region(): check_memory_region_flags() (2014); memory_size, guest_phys_addr and
//   userspace_addr alignment and access_ok() (2019-2031); the guest_memfd offset (2033); the address
//   space (2037); the GPA wrap (2039); KVM_MEM_MAX_NR_PAGES (2049).
// Older kernels have the same order with fewer checks (3.6: the slot, then no flags check at all).

/** include/linux/kvm_host.h: `#define KVM_MEM_MAX_NR_PAGES ((1UL << 31) - 1)` (already in 3.6, line 198). */
export const KVM_MEM_MAX_NR_PAGES = (1n << 31n) - 1n;
const PAGE_SHIFT = 12n;
const U64 = 1n << 64n;
/** KVM_SET_USER_MEMORY_REGION_V1_FLAGS (6.18 kvm_main.c line 1592). */
const V1_FLAGS = KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY;

export interface MemoryRegionRequest {
  /** Which ioctl: the v1 struct, or KVM_SET_USER_MEMORY_REGION2's. */
  ioctl?: 'v1' | 'v2';
  slot: number;
  flags: number;
  guestPhysAddr: bigint;
  memorySize: bigint;
  userspaceAddr: bigint;
  /** KVM_SET_USER_MEMORY_REGION2 only. */
  guestMemfd?: number;
  guestMemfdOffset?: bigint;
}

/** What the host is, for the checks that depend on it. 'unknown' where the scenario does not say. */
export interface HostLimits {
  /** Memslot address spaces (x86: 2 with SMM). */
  addressSpaces: number | 'unknown';
  /** The highest end of a user range access_ok() accepts (end = addr + size). */
  userEnd: { max: bigint } | { between: [bigint, bigint] };
  /** Only x86 slot limits are modelled; elsewhere slot ids from 16 on are not predicted. */
  x86: boolean;
}

export type CheckFailure = { errno: 'EINVAL'; why: string } | { unmodelled: string };

const einval = (why: string): CheckFailure => ({ errno: 'EINVAL', why });
const aligned = (value: bigint) => value % PAGE_SIZE === 0n;

function slotIdCheck(req: MemoryRegionRequest, params: MemslotParams, host: HostLimits): CheckFailure | undefined {
  const id = params.slotCheck === 'u32' ? req.slot : req.slot & 0xffff;
  if (!host.x86) return id >= 16 ? { unmodelled: `slot ${req.slot}: slot limits are modelled for x86 only` } : undefined;
  if (id >= params.userMemSlots)
    return einval(
      `slot ${req.slot}${params.slotCheck === 'u16' ? ` (id ${id})` : ''} is not below KVM_USER_MEM_SLOTS (${params.userMemSlots})`,
    );
  return undefined;
}

function flagsCheck(req: MemoryRegionRequest, params: MemslotParams, validFlags: number): CheckFailure | undefined {
  if (!params.flagsCheck) return undefined;
  let valid = validFlags;
  if (req.flags & KVM_MEM_GUEST_MEMFD) {
    // "Dirty logging private memory is not currently supported"; "GUEST_MEMFD is incompatible with read-only memslots".
    valid &= ~(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY);
  }
  if ((req.flags & ~valid) >>> 0) return einval(`flags 0x${req.flags.toString(16)} has bits check_memory_region_flags() does not accept`);
  return undefined;
}

function accessOk(req: MemoryRegionRequest, host: HostLimits): CheckFailure | undefined {
  const end = req.userspaceAddr + req.memorySize;
  if (end >= U64) return einval('userspace_addr + memory_size wraps (access_ok())');
  if ('max' in host.userEnd)
    return end > host.userEnd.max ? einval(`userspace range ends at 0x${end.toString(16)}, beyond access_ok()'s limit`) : undefined;
  const [low, high] = host.userEnd.between;
  if (end > high) return einval(`userspace range ends at 0x${end.toString(16)}, beyond access_ok()'s limit`);
  if (end > low)
    return { unmodelled: `userspace range ends at 0x${end.toString(16)}: access_ok() depends on 5-level paging (host fact la57)` };
  return undefined;
}

function addressSpaceCheck(req: MemoryRegionRequest, params: MemslotParams, host: HostLimits): CheckFailure | undefined {
  if (params.slotCheck === 'u32') return undefined; // the whole u32 was checked first: no address-space bits
  const asId = req.slot >>> 16;
  if (asId === 0) return undefined;
  if (host.addressSpaces === 'unknown')
    return {
      unmodelled: `slot ${req.slot} is in address space ${asId}; how many this host has depends on CONFIG_KVM_SMM (host fact kvm_smm)`,
    };
  if (asId >= host.addressSpaces) return einval(`slot ${req.slot} is in address space ${asId}, and this host has ${host.addressSpaces}`);
  return undefined;
}

/** The first argument check the call fails, or undefined when it passes them all. */
export function checkArguments(
  req: MemoryRegionRequest,
  params: MemslotParams,
  validFlags: number,
  host: HostLimits,
): CheckFailure | undefined {
  if (params.region2 && req.ioctl !== 'v2' && req.flags & ~(params.v1Flags ?? V1_FLAGS))
    return einval(`flags 0x${req.flags.toString(16)} are not KVM_SET_USER_MEMORY_REGION flags (use KVM_SET_USER_MEMORY_REGION2)`);
  const steps: (() => CheckFailure | undefined)[] = [
    () => slotIdCheck(req, params, host),
    () => flagsCheck(req, params, validFlags),
    () => (aligned(req.memorySize) ? undefined : einval('memory_size is not page aligned')),
    () => (aligned(req.guestPhysAddr) ? undefined : einval('guest_phys_addr is not page aligned')),
    () => (aligned(req.userspaceAddr) ? undefined : einval('userspace_addr is not page aligned')),
    () => accessOk(req, host),
    () => guestMemfdOffsetCheck(req),
    () => addressSpaceCheck(req, params, host),
    () => (req.guestPhysAddr + req.memorySize >= U64 ? einval('guest_phys_addr + memory_size wraps') : undefined),
    () =>
      req.memorySize >> PAGE_SHIFT > KVM_MEM_MAX_NR_PAGES
        ? einval('memory_size is more than KVM_MEM_MAX_NR_PAGES (2^31 - 1) pages')
        : undefined,
  ];
  for (const step of steps) {
    const failed = step();
    if (failed) return failed;
  }
  return undefined;
}

/** `mem->flags & KVM_MEM_GUEST_MEMFD && (guest_memfd_offset & (PAGE_SIZE - 1) || offset + memory_size < offset)` (6.8+). */
function guestMemfdOffsetCheck(req: MemoryRegionRequest): CheckFailure | undefined {
  if (!(req.flags & KVM_MEM_GUEST_MEMFD)) return undefined;
  const offset = req.guestMemfdOffset ?? 0n;
  if (!aligned(offset)) return einval('guest_memfd_offset is not page aligned');
  if (offset + req.memorySize >= U64) return einval('guest_memfd_offset + memory_size wraps');
  return undefined;
}
