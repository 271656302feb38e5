import type { EventOf } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import { vcpuOf } from '../lookup.js';
import type { ReduceContext } from '../context.js';
import { withVcpu } from '../update.js';

// What the guest itself does, as scenarios script it. The mode switch is shared by every area; page
// tables and other guest structures belong to the policy areas that read them.

/** The vCPU's mode changes; an area that claims the guestMode hook (xen-runstate) then acts on the switch. */
export function guestMode(state: MachineState, event: EventOf<'guest:guest_mode'>, ctx: ReduceContext): MachineState {
  const ref = vcpuOf(state, event);
  if (!ref) return state;
  const vcpu = { ...ref.vcpu, guestMode: event.args.mode };
  const next = withVcpu(state, ref.vm.id, vcpu);
  return ctx.policies.guestMode(next, { vm: next.vms[ref.vm.id]!, vcpu }, ctx);
}
