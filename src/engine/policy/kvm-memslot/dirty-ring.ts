import type { EventOf } from '../../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { eventPid } from '../../lookup.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { withVcpu, withVm } from '../../update.js';
import type { EventReducer } from '../define.js';
import { reservedEntries } from './dirty-caps.js';
import type { MemslotParams } from './params.js';

// The dirty ring (virt/kvm/dirty_ring.c, 6.18.2): each vCPU pushes the gfns it dirties; when the
// entries not yet reset reach the soft limit (size - reserved), kvm_dirty_ring_check_request() makes
// KVM_RUN exit with KVM_EXIT_DIRTY_RING_FULL (line 254); KVM_RESET_DIRTY_RINGS resets what userspace
// harvested and returns how many entries (kvm_vm_ioctl_reset_dirty_pages(): `return cleared;`).

/** kvm_dirty_ring_push: the vCPU's ring after the push; the exit it makes inevitable where the ring size is known. */
export function ringPush(state: MachineState, event: EventOf<'fault:kvm_dirty_ring_push'>, ctx: ReduceContext): MachineState {
  const { state: found, ref } = vcpuForTraceEvent(state, event);
  const before = ref.vcpu.dirtyRing ?? { dirty: 0, reset: 0 };
  const ring = { dirty: event.args.dirty ?? before.dirty + 1, reset: event.args.reset ?? before.reset };
  const vm: Vm = ref.vm.dirtyRing ? ref.vm : { ...ref.vm, dirtyRing: {} };
  let vcpu: Vcpu = { ...ref.vcpu, dirtyRing: ring };
  const bytes = vm.dirtyRing?.bytes;
  if (bytes !== undefined && !vcpu.pendingExit) {
    const entries = bytes / 16;
    const used = ring.dirty - ring.reset;
    const [fewest, most] = reservedEntries(found);
    // The soft limit is entries - reserved: certainly reached at entries - fewest, perhaps from entries - most.
    if (used >= entries - fewest) {
      ctx.effects.push({
        kind: 'log',
        message: `ring ${ref.vcpu.id}: ${used} of ${entries} entries used, at the soft limit: KVM_RUN exits with KVM_EXIT_DIRTY_RING_FULL`,
      });
      vcpu = { ...vcpu, pendingExit: 'KVM_EXIT_DIRTY_RING_FULL' };
    } else if (used >= entries - most) {
      ctx.effects.push({
        kind: 'unmodelled',
        reason: `ring ${ref.vcpu.id}: ${used} of ${entries} entries; whether that is the soft limit depends on Intel PML (host fact pml)`,
      });
    }
  }
  return withVcpu(withVm(found, vm), vm.id, vcpu);
}

/** The VM whose ring a kvm_dirty_ring_reset names: it fires in the thread that called KVM_RESET_DIRTY_RINGS, not in a vCPU's. */
function ringVm(state: MachineState, event: EventOf<'fault:kvm_dirty_ring_reset'>): Vm | undefined {
  return state.vms.filter((v) => v.pid === eventPid(event) && v.dirtyRing).at(-1) ?? state.vms.filter((v) => v.dirtyRing).at(-1);
}

/** kvm_dirty_ring_reset: how far this vCPU's reset index moved counts toward the return value of the KVM_RESET_DIRTY_RINGS in progress. */
export function ringReset(state: MachineState, event: EventOf<'fault:kvm_dirty_ring_reset'>): MachineState {
  const vm = ringVm(state, event);
  // ring->index is the vCPU's index in creation order (kvm->vcpu_array), as vm.vcpus keeps them.
  const vcpu = vm?.vcpus[event.args.ring];
  if (!vm || !vcpu) return state;
  const moved = vcpu.dirtyRing ? event.args.reset - vcpu.dirtyRing.reset : undefined;
  const total = vm.ringEntriesReset === undefined ? 0 : vm.ringEntriesReset;
  const next: Vm = { ...vm, ringEntriesReset: moved === undefined || total === 'unknown' ? 'unknown' : total + moved };
  return withVcpu(withVm(state, next), vm.id, { ...vcpu, dirtyRing: { dirty: event.args.dirty, reset: event.args.reset } });
}

export function resetDirtyRings(params: MemslotParams): EventReducer<'ioctl:KVM_RESET_DIRTY_RINGS'> {
  return onFd<'ioctl:KVM_RESET_DIRTY_RINGS'>(['vm'], (state, _event, ctx, on) => {
    const vm = on.vm!;
    if (params.dirtyLog === 'bitmap') {
      ctx.effects.push({ kind: 'result', errno: 'ENOTTY' });
      return state;
    }
    const { ringEntriesReset: counted, ...rest } = vm;
    if (params.dirtyLog === 'unknown') ctx.effects.push({ kind: 'unmodelled', reason: 'the dirty ring came in this era (5.11)' });
    else if (!vm.dirtyRing)
      ctx.effects.push({
        kind: 'unmodelled',
        reason: 'whether the dirty ring is on is not known (strace prints KVM_ENABLE_CAP as an address)',
      });
    else if (counted === undefined || counted === 'unknown')
      ctx.effects.push({
        kind: 'unmodelled',
        reason: 'how many entries userspace harvested shows only in the kvm_dirty_ring_reset events (ftrace)',
      });
    else ctx.effects.push({ kind: 'result', ret: counted });
    return withVm(state, rest);
  });
}
