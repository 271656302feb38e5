import type { HostLimits, MemoryRegionRequest } from '../../../../src/engine/policy/kvm-memslot/rules.js';
import type { Memslot } from '../../../../src/model/state.js';

// The slots and requests the memslot rule tables start from.

export const RAM: Memslot = { slot: 0, flags: 0, guestPhysAddr: '0x0', memorySize: 0x10000, userspaceAddr: '0x7f0000000000' };
export const ROM: Memslot = { slot: 1, flags: 2, guestPhysAddr: '0xfffc0000', memorySize: 0x40000, userspaceAddr: '0x7f0000100000' };

/** A 4 KiB slot 2 at 1 MiB, changed where the row says. */
export const req = (r: Partial<MemoryRegionRequest>): MemoryRegionRequest => ({
  slot: 2,
  flags: 0,
  guestPhysAddr: 0x100000n,
  memorySize: 0x1000n,
  userspaceAddr: 0x7f0000200000n,
  ...r,
});

/** An x86 host with 4-level paging (TASK_SIZE_MAX 2^47 - 4096) and the given address spaces. */
export const host = (addressSpaces: number | 'unknown' = 2, userEnd: HostLimits['userEnd'] = { max: (1n << 47n) - 4096n }): HostLimits => ({
  addressSpaces,
  userEnd,
  x86: true,
});
