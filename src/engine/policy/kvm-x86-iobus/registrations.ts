import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Process } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { insertSorted } from './bus.js';
import { busOf, withBus } from './mode.js';
import type { Registration, VmIoBus } from './state.js';

// KVM_IOEVENTFD (kvm_ioeventfd(), virt/kvm/eventfd.c, Linux 6.18.2 lines 924-1040) and
// KVM_(UN)REGISTER_COALESCED_MMIO (virt/kvm/coalesced_mmio.c lines 122-196). A call whose struct the
// trace does not show changes the buses in a way the model cannot see: what it registered becomes a
// hidden registration, what it may have removed too, and what the kernel showed about the old hidden
// ones is forgotten (learned.ts).

const FLAG_DATAMATCH = 1;
const FLAG_PIO = 2;
const FLAG_DEASSIGN = 4;
/** KVM_IOEVENTFD_VALID_FLAG_MASK: (1 << kvm_ioeventfd_flag_nr_max) - 1, the four flags above and VIRTIO_CCW_NOTIFY. */
const VALID_FLAGS = 0xf;

type Outcome = { errno: string; why: string } | { ret: 0; bus: VmIoBus } | { unmodelled: string };

/** What a call with unseen arguments may have done: added a registration, removed some of `kind`, or either (KVM_IOEVENTFD's flags are unseen too). */
type UnseenChange = { kind: Registration['kind']; adds: boolean; removes: boolean };

/** Unseen arguments: a registration may have come; the shown ones that may have gone are hidden from now on. */
function hide(bus: VmIoBus, change: UnseenChange): VmIoBus {
  const maybeGone = change.removes ? bus.devices.filter((d) => d.kind === change.kind) : [];
  const devices = change.removes ? bus.devices.filter((d) => d.kind !== change.kind) : bus.devices;
  return { ...bus, devices, hidden: bus.hidden + maybeGone.length + (change.adds ? 1 : 0), learned: {} };
}

/** eventfd_ctx_fdget(args->fd): -EBADF for a closed fd, -EINVAL for a file that is no eventfd; unpredicted where the fd table does not say. */
function eventfdProblem(process: Process, fd: number | undefined): Outcome | undefined {
  const target = fd === undefined ? undefined : process.fds[fd];
  if (!target) return { unmodelled: `fd ${fd} is not known to be an eventfd` };
  return target.type === 'file' && target.path === 'anon_inode:[eventfd]'
    ? undefined
    : { errno: 'EINVAL', why: `fd ${fd} is not an eventfd` };
}

function ioeventfd(bus: VmIoBus, process: Process, args: EventOf<'ioctl:KVM_IOEVENTFD'>['args']): Outcome {
  const { addr, len, flags, datamatch, eventfd } = args;
  const start = toBig(addr);
  if (start === undefined || len === undefined || flags === undefined) return { unmodelled: 'struct kvm_ioeventfd not shown' };
  const which: Registration['bus'] = flags & FLAG_PIO ? 'pio' : 'mmio';
  const match = flags & FLAG_DATAMATCH ? hex(toBig(datamatch) ?? 0n) : undefined;
  if (flags & FLAG_DEASSIGN) {
    // kvm_deassign_ioeventfd_idx(): same bus, eventfd, address, length, wildcard-ness and datamatch, or -ENOENT.
    const bad = eventfdProblem(process, eventfd);
    if (bad) return bad;
    const i = bus.devices.findIndex(
      (d) =>
        d.kind === 'ioeventfd' &&
        d.bus === which &&
        d.eventfd === eventfd &&
        d.addr === hex(start) &&
        d.len === len &&
        d.datamatch === match,
    );
    if (i >= 0) return { ret: 0, bus: { ...bus, devices: bus.devices.filter((_, j) => j !== i) } };
    return bus.hidden > 0
      ? { unmodelled: 'it may match a registration the trace did not show' }
      : { errno: 'ENOENT', why: 'no such ioeventfd' };
  }
  // kvm_assign_ioeventfd(), in its order.
  if (![0, 1, 2, 4, 8].includes(len)) return { errno: 'EINVAL', why: `len ${len} is not 0, 1, 2, 4 or 8` };
  if (start + BigInt(len) >= 1n << 64n) return { errno: 'EINVAL', why: 'addr + len wraps' };
  if (flags & ~VALID_FLAGS) return { errno: 'EINVAL', why: `flags 0x${flags.toString(16)} has unknown bits` };
  if (len === 0 && flags & FLAG_DATAMATCH) return { errno: 'EINVAL', why: 'a length-0 ioeventfd cannot have DATAMATCH' };
  const bad = eventfdProblem(process, eventfd);
  if (bad) return bad;
  // ioeventfd_check_collision() (line 835): same bus and address, and a length 0 on either side, or equal lengths and either wildcard or equal datamatch.
  const clash = bus.devices.find(
    (d) =>
      d.kind === 'ioeventfd' &&
      d.bus === which &&
      d.addr === hex(start) &&
      (d.len === 0 || len === 0 || (d.len === len && (d.datamatch === undefined || match === undefined || d.datamatch === match))),
  );
  if (clash) return { errno: 'EEXIST', why: `an ioeventfd at ${clash.addr} already matches` };
  if (bus.hidden > 0) return { unmodelled: 'it may collide with a registration the trace did not show (EEXIST)' };
  const r: Registration = {
    kind: 'ioeventfd',
    bus: which,
    addr: hex(start),
    len,
    ...(match ? { datamatch: match } : {}),
    ...(eventfd !== undefined ? { eventfd } : {}),
  };
  return { ret: 0, bus: { ...bus, devices: insertSorted(bus.devices, r) } };
}

function coalesced(bus: VmIoBus, args: EventOf<'ioctl:KVM_REGISTER_COALESCED_MMIO'>['args'], register: boolean): Outcome {
  const start = toBig(args.addr);
  const { size, pio } = args;
  if (start === undefined || size === undefined || pio === undefined) return { unmodelled: 'struct kvm_coalesced_mmio_zone not shown' };
  if (pio !== 0 && pio !== 1) return { errno: 'EINVAL', why: `zone.pio is ${pio}, not 0 or 1` };
  const which: Registration['bus'] = pio ? 'pio' : 'mmio';
  if (register) {
    const r: Registration = { kind: 'coalesced', bus: which, addr: hex(start), len: size };
    return { ret: 0, bus: { ...bus, devices: insertSorted(bus.devices, r) } };
  }
  // Every zone of that kind that contains the range goes (coalesced_mmio_in_range()), and the call returns 0 either way.
  const inside = (d: Registration) => start >= BigInt(d.addr) && start + BigInt(size) <= BigInt(d.addr) + BigInt(d.len);
  return { ret: 0, bus: { ...bus, devices: bus.devices.filter((d) => d.kind !== 'coalesced' || d.bus !== which || !inside(d)) } };
}

function apply(
  state: MachineState,
  event: { result?: { ret?: number | string; errno?: string } },
  ctx: ReduceContext,
  vmId: number,
  outcome: Outcome,
  unseen: UnseenChange,
): MachineState {
  const vm = state.vms[vmId]!;
  if ('unmodelled' in outcome) {
    ctx.effects.push({ kind: 'unmodelled', reason: outcome.unmodelled });
    // Without a prediction the observation decides: an accepted call changed the buses unseen.
    return event.result?.ret === 0 ? withBus(state, vm, hide(busOf(vm), unseen)) : state;
  }
  if ('errno' in outcome) {
    ctx.effects.push({ kind: 'result', errno: outcome.errno });
    ctx.effects.push({ kind: 'log', message: outcome.why });
    return state;
  }
  ctx.effects.push({ kind: 'result', ret: 0 });
  return withBus(state, vm, outcome.bus);
}

export const ioeventfdIoctl = onFd<'ioctl:KVM_IOEVENTFD'>(['vm'], (state, event, ctx, on) =>
  apply(state, event, ctx, on.vm!.id, ioeventfd(busOf(on.vm!), on.process, event.args), { kind: 'ioeventfd', adds: true, removes: true }),
);

export const registerCoalesced = onFd<'ioctl:KVM_REGISTER_COALESCED_MMIO'>(['vm'], (state, event, ctx, on) =>
  apply(state, event, ctx, on.vm!.id, coalesced(busOf(on.vm!), event.args, true), { kind: 'coalesced', adds: true, removes: false }),
);

export const unregisterCoalesced = onFd<'ioctl:KVM_UNREGISTER_COALESCED_MMIO'>(['vm'], (state, event, ctx, on) =>
  apply(state, event, ctx, on.vm!.id, coalesced(busOf(on.vm!), event.args, false), { kind: 'coalesced', adds: false, removes: true }),
);
