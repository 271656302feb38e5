import { toBig } from '../../model/address.js';
import { capName } from '../../model/kvm-abi.js';
import { withVm } from '../update.js';
import { onFd } from './ioctl-target.js';

// KVM_ENABLE_CAP on a VM fd (kvm_vm_ioctl_enable_cap_generic(), then the architecture's
// kvm_vm_ioctl_enable_cap()): every capability's rules belong to the area that owns it (the enableCap
// hook); the core only passes the request on and applies what was decided.

export const enableCap = onFd<'ioctl:KVM_ENABLE_CAP'>(['vm'], (state, event, ctx, on) => {
  const vm = on.vm!;
  if (event.args.cap === undefined) {
    ctx.effects.push({
      kind: 'unmodelled',
      reason: 'KVM_ENABLE_CAP without the capability (strace prints struct kvm_enable_cap as an address)',
    });
    // Without a prediction the observation decides: the areas whose state an unseen capability may have changed read this count.
    return event.result?.ret === 0 ? withVm(state, { ...vm, unseenEnableCaps: (vm.unseenEnableCaps ?? 0) + 1 }) : state;
  }
  const cap = capName(event.args.cap);
  const request = { flags: event.args.flags ?? 0, args: (event.args.args ?? []).map((a) => toBig(a)!) };
  const decision = ctx.policies.enableCap(cap, request, state, vm)?.decision;
  if (!decision) {
    ctx.effects.push({ kind: 'unmodelled', reason: `no active policy decides KVM_ENABLE_CAP(${cap})` });
    return state;
  }
  if ('errno' in decision) {
    ctx.effects.push({ kind: 'result', errno: decision.errno });
    ctx.effects.push({ kind: 'log', message: `KVM_ENABLE_CAP(${cap}): ${decision.why}` });
    return state;
  }
  ctx.effects.push({ kind: 'result', ret: 0 });
  if (decision.why) ctx.effects.push({ kind: 'log', message: `KVM_ENABLE_CAP(${cap}): ${decision.why}` });
  return decision.vm ? withVm(state, { ...vm, ...decision.vm }) : state;
});
