import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import type { PredictedExit, RunReturn, RunReturnDecision } from '../define.js';
import { withVcpu, withVm } from '../../update.js';
import { lapicInKernel, picInKernel } from './devices.js';
import { learn, noCompletion } from './learned.js';
import { busOf } from './mode.js';
import type { AfterReturn, VmIoBus } from './state.js';

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

export function runReturn(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, returned: RunReturn): RunReturnDecision {
  const { vm, vcpu } = ref;
  const io = vcpu.io ?? { accesses: 0 };
  let bus = busOf(vm);
  // A run with no access at all completed nothing the last return left.
  if (io.accesses === 0) bus = noCompletion(io.after, bus);
  let exit: PredictedExit | undefined;
  let after: AfterReturn | undefined;
  if (io.unexplained) {
    // Nothing predicted for a run the model could not follow.
  } else if (returned === 'errno') {
    // No exit: a write that only a hidden registration could have taken was taken.
    if (io.undecided) bus = learn(bus, io.undecided, 'kernel');
  } else if (vcpu.pendingExit) {
    const detail = vcpu.pendingExitDetail;
    if (vcpu.pendingExit === 'KVM_EXIT_MMIO' && detail?.is_write === 0 && typeof detail.gpa === 'string')
      after = { kind: 'mmio-read', gpa: detail.gpa };
    // Where the prediction rests on what the kernel did at that place before, it says so (conform counts it apart).
    if (io.exitBasis)
      exit = { reason: vcpu.pendingExit, ...(detail ? { detail } : {}), basis: `learned: ${io.exitBasis} went to userspace before` };
  } else if (io.undecided) {
    // The write went to userspace, or it was taken and an exit with no trace followed: which, the next run shows.
    const others = untracedOthers(bus);
    exit =
      io.undecided.bus === 'pio'
        ? { reason: 'KVM_EXIT_IO', ...(others.length ? { alternatives: others } : {}) }
        : { reason: 'KVM_EXIT_MMIO', detail: io.undecided.detail, alternatives: ['KVM_EXIT_IO', ...others] };
    exit = { ...exit, basis: 'a write only a registration strace did not decode could have taken' };
    after = { kind: 'undecided', write: io.undecided };
  } else {
    ({ exit, after } = untracedExit(bus));
  }
  const apicBase = io.apicBase !== undefined ? { apicBase: io.apicBase } : {};
  const next = bus === vm.iobus ? state : withVm(state, { ...vm, iobus: bus });
  const kept = { accesses: 0, ...apicBase, ...(after ? { after } : {}) };
  return { state: withVcpu(next, vm.id, { ...vcpu, io: kept }), ...(exit ? { exit } : {}) };
}
