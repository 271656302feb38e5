import { isAbsolute, resolve } from 'node:path';
import { PolicyError } from '../../errors.js';
import type { Area, Policy } from './define.js';
import { kvmMemslotArea } from './kvm-memslot/index.js';
import { kvmReadonlyArea } from './kvm-readonly/index.js';
import { kvmX86CapsArea } from './kvm-x86-caps/index.js';
import { kvmX86IobusArea } from './kvm-x86-iobus/index.js';
import { kvmX86MsrExitArea } from './kvm-x86-msr-exit/index.js';
import { kvmX86SetupArea } from './kvm-x86-setup/index.js';
import { mipsVmtypeArea } from './mips-vmtype/index.js';
import { policyLabel, PolicySet } from './policy-set.js';
import { s390PgsteArea } from './s390-pgste/index.js';
import { xenRunstateArea } from './xen-runstate/index.js';

// Every built-in area, one line each. A run takes one policy per area: the ones named with --policy
// (built in, or loaded from a user's file), and the default of every other area.

export const AREAS: readonly Area[] = [
  kvmMemslotArea as Area,
  kvmReadonlyArea as Area,
  kvmX86CapsArea as Area,
  kvmX86IobusArea as Area,
  kvmX86MsrExitArea as Area,
  kvmX86SetupArea as Area,
  mipsVmtypeArea as Area,
  s390PgsteArea as Area,
  xenRunstateArea as Area,
];

export function allPolicies(): Policy[] {
  return AREAS.flatMap((area) => area.policies);
}

/** A --policy value that names a file (./my-patch.js) rather than AREA/VARIANT. */
export function isPolicyFile(ref: string): boolean {
  return /\.(m?js|cjs)$/.test(ref) || ref.startsWith('./') || ref.startsWith('../') || isAbsolute(ref);
}

/** Policies from users' files loaded in this process (src/query/policy-files.ts), by absolute path. */
const fromFiles = new Map<string, Policy>();

export function useFilePolicy(path: string, policy: Policy): void {
  fromFiles.set(resolve(path), policy);
}

/** One --policy value: a built-in id, the path (relative to `base`) of a loaded file, or the id of a policy made in code (`extra`). */
export function findPolicy(id: string, extra: readonly Policy[] = [], base = process.cwd()): Policy {
  if (isPolicyFile(id)) {
    const loaded = fromFiles.get(resolve(base, id));
    if (!loaded) throw new PolicyError(`policy file ${id} was not loaded (hvreplay loads --policy files before a command runs)`);
    return loaded;
  }
  const policy = extra.find((p) => p.id === id) ?? allPolicies().find((p) => p.id === id);
  if (policy) return policy;
  const known = allPolicies().map((p) => p.id);
  throw new PolicyError(`unknown policy '${id}'; known: ${known.join(', ')}, or a policy file (./my-policy.js)`);
}

/** Resolve `--policy` choices (see findPolicy) into one policy per area; two variants of one area are an error. */
export function resolvePolicies(ids: readonly string[], extra: readonly Policy[] = [], base = process.cwd()): PolicySet {
  const chosen = new Map<string, Policy>();
  for (const id of ids) {
    const policy = findPolicy(id, extra, base);
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
