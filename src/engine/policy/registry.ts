import { memslotPolicies, type MemslotPolicy } from './kvm-memslot.js';
import { readonlyPolicies, type ReadonlyPolicy } from './kvm-readonly/index.js';
import { mipsPolicies, type MipsVmTypePolicy } from './mips-vmtype/index.js';
import { pgstePolicies, type PgstePolicy } from './s390-pgste/index.js';
import { runstatePolicies, type RunstatePolicy } from './xen-runstate/index.js';
import { PolicyError } from '../../errors.js';
import type { PolicyInfo } from './types.js';

// Every area and its variants. A run takes one variant per area: the ones named with --policy, and
// the default of every other area.

/** Area id -> the policy type its reducers consult. New areas extend this map. */
export interface PolicyAreas {
  'kvm-memslot': MemslotPolicy;
  'kvm-readonly': ReadonlyPolicy;
  'mips-vmtype': MipsVmTypePolicy;
  's390-pgste': PgstePolicy;
  'xen-runstate': RunstatePolicy;
}

export type AreaId = keyof PolicyAreas;
export type Policies = { readonly [A in AreaId]: PolicyAreas[A] };

const AREAS: { readonly [A in AreaId]: readonly PolicyAreas[A][] } = {
  'kvm-memslot': memslotPolicies,
  'kvm-readonly': readonlyPolicies,
  'mips-vmtype': mipsPolicies,
  's390-pgste': pgstePolicies,
  'xen-runstate': runstatePolicies,
};

export function allPolicies(): PolicyInfo[] {
  return (Object.keys(AREAS) as AreaId[]).flatMap((area) => AREAS[area] as readonly PolicyInfo[]);
}

export function defaultPolicies(): Policies {
  return resolvePolicies([]);
}

/** Resolve `--policy area/variant` choices; unknown ids and two variants of one area are errors. */
export function resolvePolicies(ids: readonly string[]): Policies {
  const chosen = new Map<string, PolicyInfo>();
  for (const id of ids) {
    const policy = allPolicies().find((p) => p.id === id);
    if (!policy)
      throw new PolicyError(
        `unknown policy '${id}'; known: ${allPolicies()
          .map((p) => p.id)
          .join(', ')}`,
      );
    const earlier = chosen.get(policy.area);
    if (earlier && earlier.id !== id)
      throw new PolicyError(`policies '${earlier.id}' and '${id}' are both for area '${policy.area}'; choose one`);
    chosen.set(policy.area, policy);
  }
  const result: Record<string, PolicyInfo> = {};
  for (const area of Object.keys(AREAS) as AreaId[]) {
    const variants = AREAS[area] as readonly PolicyInfo[];
    const pick = chosen.get(area) ?? variants.find((p) => p.isDefault);
    if (!pick) throw new PolicyError(`area '${area}' has no default policy`);
    result[area] = pick;
  }
  return result as unknown as Policies;
}

/** A stable key for a policy set, for snapshot tables and reports: the ids sorted by area. */
export function policyKey(policies: Policies): string {
  return (Object.keys(policies) as AreaId[])
    .sort()
    .map((area) => policies[area].id)
    .join(',');
}
