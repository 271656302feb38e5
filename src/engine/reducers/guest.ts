import type { EventOf } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import { vcpuOf } from '../lookup.js';
import { withVcpu } from '../update.js';

// What the guest itself does, as scenarios script it. The mode switch is shared by every area; page
// tables and other guest structures belong to the policy areas that read them.

export function guestMode(state: MachineState, event: EventOf<'guest:guest_mode'>): MachineState {
  const ref = vcpuOf(state, event);
  return ref ? withVcpu(state, ref.vm.id, { ...ref.vcpu, guestMode: event.args.mode }) : state;
}
