import { toBig } from '../../../model/address.js';
import { kernelDevices, SPEAKER_PORT } from './devices.js';
import type { Registration, VmIoBus } from './state.js';

// kvm_io_bus_write()/kvm_io_bus_read() (virt/kvm/kvm_main.c, 6.18.2 lines 5784-5940): an access reaches
// a device only if it lies wholly inside the device's range (kvm_io_bus_cmp(): for a range of length 0
// only the exact address); among the devices it lies in, taken in the bus's sorted order, the first
// that accepts it wins; a device may decline (an ioeventfd whose datamatch differs, a coalesced zone
// whose ring is full), and then the next is asked. No taker: KVM hands the access to userspace.

export interface BusAccess {
  bus: 'pio' | 'mmio';
  addr: number;
  len: number;
  write: boolean;
  /** The value written, where the trace shows it. */
  data?: number | string;
}

export type BusOutcome =
  /** A device in the kernel took it. */
  | { taken: string }
  /** Nobody did: KVM_EXIT_IO or KVM_EXIT_MMIO. */
  | { userspace: true }
  /** It hangs on something the trace does not show; `key` is where the kernel's answer is remembered. */
  | { unknown: string; key: string }
  /** The trace shows something the model cannot explain; it predicts nothing for the rest of the run. */
  | { unexplained: string };

/** KVM_COALESCED_MMIO_MAX = (PAGE_SIZE - sizeof(struct kvm_coalesced_mmio_ring)) / sizeof(struct kvm_coalesced_mmio) = (4096 - 8) / 24. */
export const COALESCED_RING_ENTRIES = 170;

function contains(addr: number, len: number, start: number, size: number): boolean {
  return size === 0 ? addr === start : addr >= start && addr + len <= start + size;
}

/** ioeventfd_in_range() (virt/kvm/eventfd.c line 758): exact address; any size for length 0; else same size, and the datamatch if there is one. */
function ioeventfdAccepts(r: Registration, a: BusAccess): boolean | 'unknown' {
  if (a.addr !== Number(r.addr)) return false;
  if (r.len === 0) return true;
  if (a.len !== r.len) return false;
  if (r.datamatch === undefined) return true;
  const value = toBig(a.data);
  return value === undefined ? 'unknown' : value === BigInt(r.datamatch);
}

/**
 * coalesced_mmio_write() (virt/kvm/coalesced_mmio.c lines 44-77): inside the zone, and room in the ring
 * ("Leave one entry free"). Userspace empties the ring without a syscall, so the ring can only be known
 * not to be full while fewer writes than it holds have gone in.
 */
function coalescedAccepts(bus: VmIoBus): boolean | 'unknown' {
  return bus.ringWrites < COALESCED_RING_ENTRIES - 1 ? true : 'unknown';
}

export function busOutcome(bus: VmIoBus, a: BusAccess): BusOutcome {
  for (const device of kernelDevices(bus)) {
    if (device.bus !== a.bus || !contains(a.addr, a.len, device.addr, device.len)) continue;
    if (!device.answers || device.answers(a.addr)) return { taken: device.name };
  }
  const key = `${a.bus}:0x${a.addr.toString(16)}:${a.len}`;
  // The speaker's presence hangs on KVM_CREATE_PIT2's flags, which strace does not print.
  if (a.bus === 'pio' && a.addr === SPEAKER_PORT && bus.pit?.speaker === 'unknown')
    return { unknown: 'KVM_CREATE_PIT2 traced without its flags: the PC speaker (KVM_PIT_SPEAKER_DUMMY) may be there', key };
  // ioeventfds and coalesced zones have no read handler: a read goes on to userspace.
  if (!a.write) return { userspace: true };
  for (const r of bus.devices) {
    if (r.bus !== a.bus || !contains(a.addr, a.len, Number(r.addr), r.len)) continue;
    const accepts = r.kind === 'ioeventfd' ? ioeventfdAccepts(r, a) : coalescedAccepts(bus);
    if (accepts === true) return { taken: r.kind === 'ioeventfd' ? `ioeventfd ${r.addr}` : `coalesced zone ${r.addr}` };
    if (accepts === 'unknown')
      return r.kind === 'ioeventfd'
        ? { unknown: `ioeventfd ${r.addr} with datamatch, and the trace shows no value written`, key }
        : { unknown: 'the coalesced MMIO ring may be full (userspace empties it unseen)', key };
  }
  if (bus.hidden > 0)
    return { unknown: `${bus.hidden} ioeventfd or coalesced registration(s) whose arguments the trace does not show`, key };
  return { userspace: true };
}

/** kvm_io_bus_register_dev() keeps the bus sorted by kvm_io_bus_cmp() and puts a new device after those equal to it. */
export function insertSorted(devices: readonly Registration[], r: Registration): Registration[] {
  const start = Number(r.addr);
  const end = start + r.len;
  const index = devices.findIndex(
    (d) => Number(d.addr) > start || (Number(d.addr) === start && r.len !== 0 && Number(d.addr) + d.len > end),
  );
  return index < 0 ? [...devices, r] : [...devices.slice(0, index), r, ...devices.slice(index)];
}
