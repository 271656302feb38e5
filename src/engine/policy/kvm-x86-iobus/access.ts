import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { memslotAt } from '../../kvm/guest-memory.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { withVcpu, withVm } from '../../update.js';
import { LEARNED_APIC_BASE, lapicOutcome } from './apic.js';
import { busOutcome, COALESCED_RING_ENTRIES, type BusAccess, type BusOutcome } from './bus.js';
import { completes, learn } from './learned.js';
import { busOf } from './mode.js';
import type { VcpuIo, VmIoBus } from './state.js';

// ftrace's kvm_pio and kvm_mmio, read the way arch/x86/kvm/x86.c emits them (Linux 6.18.2):
// - an OUT is traced before KVM tries the bus (emulator_pio_out(), line 8476), taken or not;
// - an IN is traced when its data exists: at once if a kernel device answered (emulator_pio_in(),
//   line 8438), else by complete_emulator_pio_in() (line 8448) first thing in the next KVM_RUN, with
//   the value userspace supplied, even one with immediate_exit (the completion runs before that check);
// - an MMIO write is traced before the attempt (write_mmio(), line 8137); an MMIO read handled in the
//   kernel as `read` (vcpu_mmio_read(), line 7792), one handed to userspace as `unsatisfied-read`
//   (read_exit_mmio(), line 8144) and as `read` with userspace's value when the next KVM_RUN completes it.
// So a KVM_RUN ends at the first access nobody in the kernel takes, and an access traced after another
// in the same run shows that the earlier one was taken.

export interface TracedAccess extends BusAccess {
  /** `unsatisfied-read` is the MMIO read KVM hands to userspace. */
  unsatisfied: boolean;
  /** kvm_pio's count (string I/O); 1 for MMIO. */
  count: number;
}

export function pioAccess(event: EventOf<'fault:kvm_pio'>): TracedAccess {
  const { dir, port, size, count, val } = event.args;
  return {
    bus: 'pio',
    addr: port,
    len: size,
    write: dir === 'write',
    unsatisfied: false,
    count,
    ...(val !== undefined ? { data: val } : {}),
  };
}

export function mmioAccess(event: EventOf<'fault:kvm_mmio'>): TracedAccess | undefined {
  const gpa = toBig(event.args.gpa);
  if (gpa === undefined || gpa > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const { type, len, val } = event.args;
  const data = type === 'write' && val !== undefined ? { data: val } : {};
  return { bus: 'mmio', addr: Number(gpa), len, write: type === 'write', unsatisfied: type === 'unsatisfied-read', count: 1, ...data };
}

/** Where the access goes: the LAPIC or a device, userspace, or not known (and then what the kernel did before at that place). */
function decide(state: MachineState, ctx: ReduceContext, vm: Vm, vcpu: Vcpu, bus: VmIoBus, a: TracedAccess): BusOutcome {
  if (a.unsatisfied) return { userspace: true };
  if (a.bus === 'mmio') {
    const apic = lapicOutcome(bus, vcpu, a.addr, a.len);
    if (apic) return apic;
    const slot = memslotAt(vm, BigInt(a.addr));
    // A guest access inside a slot is memory, unless the slot's kind hands writes to userspace (KVM_MEM_READONLY).
    if (slot && (!a.write || ctx.policies.memslotWrite(slot, state.host.arch) !== 'mmio'))
      return { unexplained: `kvm_mmio inside memslot ${slot.slot}, which no active policy makes MMIO` };
  }
  return busOutcome(bus, a);
}

/** kvm_run.io {direction, size, port, count} or kvm_run.mmio {phys_addr, len, is_write} (include/uapi/linux/kvm.h), with the data traced. */
function exitDetail(a: TracedAccess): Record<string, number | string> {
  const detail: Record<string, number | string> =
    a.bus === 'pio'
      ? { direction: a.write ? 'out' : 'in', port: a.addr, size: a.len, count: a.count }
      : { gpa: hex(a.addr), len: a.len, is_write: a.write ? 1 : 0 };
  if (a.data !== undefined) detail.data = a.data;
  return detail;
}

/** One traced access on the vCPU the event's thread runs. */
export function onAccess(
  state: MachineState,
  event: EventOf<'fault:kvm_pio' | 'fault:kvm_mmio'>,
  ctx: ReduceContext,
  a: TracedAccess,
): MachineState {
  const found = vcpuForTraceEvent(state, event);
  const vm = found.ref.vm;
  const next = found.state;
  let vcpu = found.ref.vcpu;
  let bus = busOf(vm);
  let io: VcpuIo = vcpu.io ?? { accesses: 0 };

  // The first access of a run may complete the exit the last run ended with.
  if (io.accesses === 0 && io.after) {
    const done = completes(io.after, bus, a);
    bus = done.bus;
    io = { ...io, after: undefined };
    if (done.completion) {
      const { lastExitDetail } = vcpu;
      const seen = { port: a.addr, size: a.len, count: a.count, ...(a.data !== undefined ? { data: a.data } : {}) };
      vcpu = { ...vcpu, ...(a.bus === 'pio' ? { lastExitDetail: { ...lastExitDetail, ...seen } } : {}) };
      return save(next, vm, bus, vcpu, { ...io, accesses: 1 });
    }
  }
  // An access after a write only a hidden registration (or an unseen LAPIC) could have taken: it was taken.
  if (io.undecided) {
    bus = learn(bus, io.undecided, 'kernel');
    io = { ...io, undecided: undefined, ...(io.undecided.key.startsWith('lapic:') ? { apicBase: LEARNED_APIC_BASE } : {}) };
  }
  // An exit predicted at an earlier access of this run did not come: the guest went on (conform counts it).
  if (vcpu.pendingExit) {
    const { pendingExit: _p, pendingExitDetail: _d, ...rest } = vcpu;
    vcpu = rest;
    if (io.exitBasis) bus = learn(bus, { key: io.exitBasis }, 'kernel');
    io = { ...io, exitBasis: undefined };
    ctx.effects.push({ kind: 'log', message: 'the guest went on after an access predicted to exit: something in the kernel took it' });
  }

  const outcome = decide(next, ctx, vm, vcpu, bus, a);
  io = { ...io, accesses: io.accesses + 1 };
  if ('unexplained' in outcome) {
    ctx.effects.push({ kind: 'unmodelled', reason: outcome.unexplained });
    return save(next, vm, bus, vcpu, { ...io, unexplained: true });
  }
  if ('taken' in outcome) {
    if (outcome.taken.startsWith('coalesced')) bus = { ...bus, ringWrites: bus.ringWrites + 1 };
    return save(next, vm, bus, vcpu, io);
  }
  if ('unknown' in outcome) {
    const seen = outcome.key.startsWith('lapic:') ? undefined : bus.learned[outcome.key];
    // Writes a hidden registration took may have gone into the coalesced ring, which can fill unseen.
    const usable = seen === 'userspace' || (seen === 'kernel' && bus.ringWrites < COALESCED_RING_ENTRIES - 1);
    if (!usable) {
      if (a.write)
        return save(next, vm, bus, vcpu, {
          ...io,
          undecided: { bus: a.bus, addr: a.addr, len: a.len, key: outcome.key, detail: exitDetail(a) },
        });
      // A read traced before any exit was answered in the kernel: so the device is there.
      if (!a.unsatisfied) {
        bus = learn(bus, { key: outcome.key }, 'kernel');
        if (outcome.key.startsWith('lapic:')) io = { ...io, apicBase: LEARNED_APIC_BASE };
        if (outcome.key === 'pio:0x61:1' && bus.pit) bus = { ...bus, pit: { speaker: true } };
      }
      ctx.effects.push({ kind: 'unmodelled', reason: outcome.unknown });
      return save(next, vm, bus, vcpu, io);
    }
    if (seen === 'kernel') {
      bus = { ...bus, ringWrites: bus.ringWrites + 1 };
      return save(next, vm, bus, vcpu, io);
    }
  } else if (!a.write && !a.unsatisfied) {
    // A read nobody in the kernel answers is traced only by its completion, first in the next run.
    ctx.effects.push({
      kind: 'unmodelled',
      reason: `a ${a.bus} read at 0x${a.addr.toString(16)} traced mid-run, which no known device answers`,
    });
    return save(next, vm, bus, vcpu, { ...io, unexplained: true });
  }
  const basis = 'unknown' in outcome ? { exitBasis: outcome.key } : {};
  vcpu = { ...vcpu, pendingExit: a.bus === 'pio' ? 'KVM_EXIT_IO' : 'KVM_EXIT_MMIO', pendingExitDetail: exitDetail(a) };
  return save(next, vm, bus, vcpu, { ...io, ...basis });
}

function save(state: MachineState, vm: Vm, bus: VmIoBus, vcpu: Vcpu, io: VcpuIo): MachineState {
  const withBus = bus === vm.iobus ? state : withVm(state, { ...state.vms[vm.id]!, iobus: bus });
  return withVcpu(withBus, vm.id, { ...vcpu, io });
}
