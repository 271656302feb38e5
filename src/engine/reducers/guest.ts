import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { vcpuOf } from '../lookup.js';
import { askReduce } from '../policy/ask.js';
import { withVcpu } from '../update.js';

// What the guest itself does, as scenarios script it. The mode switch is shared by every area; page
// tables and other guest structures belong to the policy areas that read them.

export function reduceGuest(state: MachineState, ctx: ReduceContext): MachineState {
  const { event } = ctx;
  if (event.name === 'guest_mode') {
    const ref = vcpuOf(state, event);
    const mode = event.args.mode;
    if (ref && (mode === 'user' || mode === 'kernel')) {
      const next = withVcpu(state, ref.vm.id, { ...ref.vcpu, guestMode: mode });
      return askReduce(next, ctx) ?? next;
    }
  }
  return askReduce(state, ctx) ?? state;
}
