import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import type { PredictedExit, RunReturn, RunReturnDecision } from '../define.js';
import { withVcpu, withVm } from '../../update.js';
import { lapicInKernel, picInKernel } from './devices.js';
import { learn, noCompletion } from './learned.js';
import { busOf } from './mode.js';
import type { AfterReturn, VcpuIo, VmIoBus } from './state.js';

// A KVM_RUN return as the I/O bus sees it (the core's runReturn hook, at ftrace's kvm_userspace_exit).
// An exit with a traced cause was predicted at that access (access.ts). An exit with none is the one
// KVM traces only afterwards: an IN userspace serves (complete_emulator_pio_in(), arch/x86/kvm/x86.c
// line 8448). Where the irqchip is not all in the kernel, two more exits leave no trace before them:
// HLT without an in-kernel LAPIC (__kvm_emulate_halt(), lines 11670-11686), and the interrupt window
// userspace asked for in kvm_run.request_interrupt_window while the PIC is not in the kernel
// (dm_request_for_irq_injection(), lines 10491-10495; vcpu_run(), lines 11647-11652). No trace shows
// that request, so there the prediction is one of several.

/** Exits that no kvm_pio or kvm_mmio announces, besides an IN served by userspace. */
function untracedOthers(bus: VmIoBus): string[] {
  const others: string[] = [];
  if (lapicInKernel(bus) !== true) others.push('KVM_EXIT_HLT');
  if (!picInKernel(bus)) others.push('KVM_EXIT_IRQ_WINDOW_OPEN');
  return others;
}

function untracedExit(bus: VmIoBus): { exit: PredictedExit; after: AfterReturn } {
  const others = untracedOthers(bus);
  const exit: PredictedExit = { reason: 'KVM_EXIT_IO', detail: { direction: 'in' }, ...(others.length ? { alternatives: others } : {}) };
  return { exit, after: { kind: 'pio-in' } };
}

/** What an exit prediction rests on beyond the rules and the decoded trace (conform counts them by it). */
const LEARNED = 'what the kernel did at the same place before, under registrations strace did not decode';
const UNDECODED = 'a write only a registration strace did not decode could have taken';

interface Closed {
  exit?: PredictedExit;
  after?: AfterReturn;
  bus: VmIoBus;
}

/** What the run that just returned says, given what it traced; `after` is what the next run is to complete or tell. */
function close(vcpu: Vcpu, io: VcpuIo, bus: VmIoBus, returned: RunReturn): Closed {
  // Nothing predicted for a run the model could not follow.
  if (io.unexplained) return { bus };
  // No exit: a write that only a hidden registration could have taken was taken.
  if (returned === 'errno') return { bus: io.undecided ? learn(bus, io.undecided, 'kernel') : bus };
  if (vcpu.pendingExit) {
    const detail = vcpu.pendingExitDetail;
    const read = vcpu.pendingExit === 'KVM_EXIT_MMIO' && detail?.is_write === 0 && typeof detail.gpa === 'string';
    const after: AfterReturn | undefined = read ? { kind: 'mmio-read', gpa: String(detail.gpa) } : undefined;
    // Where the prediction rests on what the kernel did at that place before, it says so (conform counts it apart).
    const basis = io.exitBasis ? LEARNED : undefined;
    const exit = basis ? { reason: vcpu.pendingExit, ...(detail ? { detail } : {}), basis } : undefined;
    return { bus, ...(exit ? { exit } : {}), ...(after ? { after } : {}) };
  }
  if (io.undecided) {
    // The write went to userspace, or it was taken and an exit with no trace followed: which, the next run shows.
    const others = untracedOthers(bus);
    const exit: PredictedExit =
      io.undecided.bus === 'pio'
        ? { reason: 'KVM_EXIT_IO', ...(others.length ? { alternatives: others } : {}) }
        : { reason: 'KVM_EXIT_MMIO', detail: io.undecided.detail, alternatives: ['KVM_EXIT_IO', ...others] };
    return {
      bus,
      exit: { ...exit, basis: UNDECODED },
      after: { kind: 'undecided', write: io.undecided },
    };
  }
  return { bus, ...untracedExit(bus) };
}

export function runReturn(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, returned: RunReturn): RunReturnDecision {
  const { vm, vcpu } = ref;
  const io = vcpu.io ?? { accesses: 0 };
  // A run with no access at all completed nothing the last return left.
  const bus = io.accesses === 0 ? noCompletion(io.after, busOf(vm)) : busOf(vm);
  const { exit, after, bus: next } = close(vcpu, io, bus, returned);
  const withBus = next === vm.iobus ? state : withVm(state, { ...vm, iobus: next });
  const kept: VcpuIo = { accesses: 0, ...(io.apicBase !== undefined ? { apicBase: io.apicBase } : {}), ...(after ? { after } : {}) };
  return { state: withVcpu(withBus, vm.id, { ...vcpu, io: kept }), ...(exit ? { exit } : {}) };
}
