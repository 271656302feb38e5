import { PolicyError } from '../../errors.js';
import type { Area, Policy } from './define.js';
import { kvmMemslotArea } from './kvm-memslot/index.js';
import { kvmReadonlyArea } from './kvm-readonly/index.js';
import { mipsVmtypeArea } from './mips-vmtype/index.js';
import { policyLabel, PolicySet } from './policy-set.js';
import { s390PgsteArea } from './s390-pgste/index.js';
import { xenRunstateArea } from './xen-runstate/index.js';

// Every built-in area, one line each. A run takes one policy per area: the ones named with --policy
// (built in, or loaded from a user's file), and the default of every other area.

export const AREAS: readonly Area[] = [
  kvmMemslotArea as Area,
  kvmReadonlyArea as Area,
  mipsVmtypeArea as Area,
  s390PgsteArea as Area,
  xenRunstateArea as Area,
];

export function allPolicies(): Policy[] {
  return AREAS.flatMap((area) => area.policies);
}

/** The policies `--policy` can name: the built-in ones, and those loaded from users' files. */
export type PolicyCatalog = readonly Policy[];

/** Resolve `--policy` choices; unknown ids and two variants of one area are errors. */
export function resolvePolicies(ids: readonly string[], loaded: PolicyCatalog = []): PolicySet {
  const chosen = new Map<string, Policy>();
  for (const id of ids) {
    const policy =
      loaded.find((p) => p.id === id || ('file' in p.origin && p.origin.file === id)) ?? allPolicies().find((p) => p.id === id);
    if (!policy)
      throw new PolicyError(
        `unknown policy '${id}'; known: ${allPolicies()
          .map((p) => p.id)
          .join(', ')}, or a file (./my-policy.js)`,
      );
    const earlier = chosen.get(policy.area);
    if (earlier && earlier !== policy)
      throw new PolicyError(`policies '${earlier.id}' and '${policy.id}' are both for area '${policy.area}'; choose one`);
    chosen.set(policy.area, policy);
  }
  const set: Policy[] = [];
  for (const area of AREAS) set.push(chosen.get(area.spec.area) ?? area.policies.find((p) => p.isDefault)!);
  // Areas that only a user's file defines take part only when named.
  for (const policy of chosen.values()) if (!AREAS.some((a) => a.spec.area === policy.area)) set.push(policy);
  return cached(set);
}

const sets = new Map<string, PolicySet>();

/** One PolicySet per choice of policies, so its routing is built once however often it is asked for. */
function cached(policies: Policy[]): PolicySet {
  const key = policies.map(policyLabel).sort().join(',');
  const known = sets.get(key);
  if (known && policies.every((p) => known.policies.includes(p))) return known;
  const set = new PolicySet(policies);
  sets.set(key, set);
  return set;
}

export function defaultPolicies(): PolicySet {
  return resolvePolicies([]);
}
