import type { EventOf } from '../../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { withVcpu } from '../../update.js';
import type { ReadonlyParams } from './params.js';

// A write to a KVM_MEM_READONLY slot is emulated so it can exit as MMIO; an instruction the emulator
// cannot decode ends in handle_emulation_failure() (arch/x86/kvm/x86.c), whose rule changed twice:
//   3.7-3.17 (3.9.6, 3.17.0):  `if (!is_guest_mode(vcpu)) { exit KVM_EXIT_INTERNAL_ERROR } kvm_queue_exception(vcpu, UD_VECTOR);`
//   3.18-5.13 (3.18.63..5.12.9): `if (!is_guest_mode(vcpu) && get_cpl(vcpu) == 0)` exit; #UD queued either way
//   5.14+ (19238e75bd8e):       `if (kvm->arch.exit_on_emulation_error ...) { exit; return 0; }` before the #UD
// At CPL 3 a guest program gets #UD and KVM_RUN goes on; at CPL 0 the VMM sees the exit, and the #UD
// is delivered at the next KVM_RUN unless the VMM changes the vCPU's state.

/** KVM_INTERNAL_ERROR_EMULATION (include/uapi/linux/kvm.h). */
const KVM_INTERNAL_ERROR_EMULATION = 1;

export function emulationFailure(
  params: ReadonlyParams,
  state: MachineState,
  vm: Vm,
  vcpu: Vcpu,
  event: EventOf<'fault:guest_access'>,
  ctx: ReduceContext,
): MachineState {
  const { cpl, nested } = event.args;
  const exit: Partial<Vcpu> = { pendingExit: 'KVM_EXIT_INTERNAL_ERROR', pendingExitDetail: { suberror: KVM_INTERNAL_ERROR_EMULATION } };
  if (params.emulationFailure === 'cpl0-or-cap' && vm.exitOnEmulationError) {
    ctx.effects.push({
      kind: 'log',
      message: 'emulation failure with KVM_CAP_EXIT_ON_EMULATION_FAILURE enabled: exit to userspace, no #UD',
    });
    return withVcpu(state, vm.id, { ...vcpu, ...exit });
  }
  let exits: boolean;
  let why: string;
  if (params.emulationFailure === 'any-cpl') {
    exits = !nested;
    why = nested ? 'in guest mode (L2)' : 'outside guest mode (any CPL before 3.18)';
  } else {
    if (cpl === undefined && !nested) {
      ctx.effects.push({
        kind: 'unmodelled',
        reason: 'an emulation failure exits to userspace only at CPL 0 (3.18+): the event needs cpl',
      });
      return state;
    }
    exits = !nested && cpl === 0;
    why = nested ? 'in guest mode (L2)' : `at CPL ${cpl}`;
  }
  ctx.effects.push({
    kind: 'exception',
    vm: vm.id,
    vcpu: vcpu.id,
    vector: 'UD',
    reason: `the emulator cannot handle the instruction, ${why}`,
  });
  const queued: Vcpu = { ...vcpu, queuedException: 'UD' };
  return withVcpu(state, vm.id, exits ? { ...queued, ...exit } : queued);
}
