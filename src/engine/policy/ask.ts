import type { MachineState, Process, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import type { AreaId, Policies } from './registry.js';
import type { PolicyInfo, VmCreateDecision } from './types.js';

// The first active policy (in area order) that answers a hook decides it.

/** Per policy set, its policies in area order: asked on every event, so sorted once. */
const ordered = new WeakMap<Policies, readonly PolicyInfo[]>();

function active(policies: Policies): readonly PolicyInfo[] {
  let list = ordered.get(policies);
  if (!list) {
    list = (Object.keys(policies) as AreaId[]).sort().map((area) => policies[area] as PolicyInfo);
    ordered.set(policies, list);
  }
  return list;
}

export function askCapability(policies: Policies, cap: string, state: MachineState, vm: Vm | undefined): number | undefined {
  for (const policy of active(policies)) {
    const answer = policy.capability?.(cap, state, vm);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

export function askVmCreate(policies: Policies, type: number, state: MachineState, process: Process): VmCreateDecision | undefined {
  for (const policy of active(policies)) {
    const decision = policy.vmCreate?.(type, state, process);
    if (decision) return decision;
  }
  return undefined;
}

export function askReduce(state: MachineState, ctx: ReduceContext): MachineState | undefined {
  for (const policy of active(ctx.policies)) {
    const next = policy.reduce?.(state, ctx);
    if (next) return next;
  }
  return undefined;
}

/** The memslot flags KVM_SET_USER_MEMORY_REGION accepts: the base set plus what each area adds, or every bit when one area's kernel did not check. */
export function askMemslotFlags(policies: Policies, base: number): number {
  let valid = base;
  for (const policy of active(policies)) {
    const answer = policy.memslotFlags?.();
    if (answer === 'unchecked') return 0xffffffff;
    if (answer !== undefined) valid |= answer;
  }
  return valid;
}
