import type { MachineState } from '../../../model/state.js';

// Xen's public interface for the runstate area (xen/include/public/vcpu.h, xen/include/public/xen.h),
// and what the guest is, which decides how Xen reaches the area.

export const VCPUOP_register_runstate_memory_area = 5;
export const VCPUOP_register_runstate_phys_area = 14;
export const VMASST_TYPE_runstate_update_flag = 5;
/** XEN_RUNSTATE_UPDATE is bit 63 of state_entry_time. */
export const XEN_RUNSTATE_UPDATE = 1n << 63n;
export const PAGE = 4096n;
/** The address that unregisters a physical area (`~gaddr` is 0 in map_guest_area()). */
export const NO_AREA = (1n << 64n) - 1n;

/** What a scenario says the guest is (host fact xen_guest); Arm guests are 'arm'. */
export type XenGuest = 'pv64' | 'pv32' | 'hvm' | 'arm';

export function guestType(state: MachineState): XenGuest | undefined {
  if (state.host.arch === 'aarch64') return 'arm';
  return state.host.features?.xen_guest;
}

/**
 * struct vcpu_runstate_info as the guest lays it out: 64-bit, `int state` padded so state_entry_time
 * is at 8, 48 bytes, aligned to 8; a guest with a 32-bit shared info (PV32) uses struct
 * compat_vcpu_runstate_info, whose uint64 fields are 4-aligned: state_entry_time at 4, 44 bytes, and
 * map_guest_area() checks `alignof(compat_ulong_t)` = 4 (xen/common/domain.c, 4.18).
 */
export function runstateLayout(guest: XenGuest | undefined): { size: bigint; entryTime: bigint; align: bigint } {
  return guest === 'pv32' ? { size: 44n, entryTime: 4n, align: 4n } : { size: 48n, entryTime: 8n, align: 8n };
}
