import type { Release } from '../engine/policy/release/resolve.js';
import { choosePolicyIds } from '../query/policy-choice.js';
import { CliError } from './exit-codes.js';
import type { PolicyArgs } from './options.js';

// --policy, --kernel and --xen as policy ids, for one run, or for the two sides of `diff TRACE`.

function one(values: string[] | undefined, option: string): string | undefined {
  if ((values?.length ?? 0) > 1) throw new CliError(`--${option} names one release here (only diff of one trace takes two, one per side)`);
  return values?.[0];
}

/** The ids of one run's policies: a release's variants for the areas it decides, --policy for the others. */
export function policyIds(args: PolicyArgs): string[] {
  return choosePolicyIds({ policy: args.policy ?? [], release: { linux: one(args.kernel, 'kernel'), xen: one(args.xen, 'xen') } });
}

export interface SideArgs extends PolicyArgs {
  a?: string[];
  b?: string[];
}

/** A release option as each side sees it: absent, the same on both sides, or one per side. */
function perSide(values: string[] | undefined, option: string): [string | undefined, string | undefined] {
  if (!values?.length) return [undefined, undefined];
  if (values.length > 2) throw new CliError(`--${option} takes at most two releases, one per side (got ${values.length})`);
  return [values[0], values[1] ?? values[0]];
}

/**
 * The two sides of a policy diff: `-a ... -b ...`, two --policy (one per side), or two --kernel and/or
 * two --xen (one release per side, every area at once). A single --kernel, --xen or --policy beside
 * the pair applies to both sides, as does every --policy beside two releases.
 */
export function policySides(args: SideArgs): [string[], string[]] {
  const [kernelA, kernelB] = perSide(args.kernel, 'kernel');
  const [xenA, xenB] = perSide(args.xen, 'xen');
  const releases: [Release, Release] = [
    { linux: kernelA, xen: xenA },
    { linux: kernelB, xen: xenB },
  ];
  const byRelease = (args.kernel?.length ?? 0) === 2 || (args.xen?.length ?? 0) === 2;
  if (args.a || args.b) {
    if (args.policy?.length) throw new CliError('give the sides either as two --policy or as -a ... -b ..., not both');
    if (byRelease) throw new CliError('give the sides either as -a ... -b ... or as two releases, not both');
    return [
      choosePolicyIds({ policy: args.a ?? [], release: releases[0] }),
      choosePolicyIds({ policy: args.b ?? [], release: releases[1] }),
    ];
  }
  if (byRelease)
    return [
      choosePolicyIds({ policy: args.policy ?? [], release: releases[0] }),
      choosePolicyIds({ policy: args.policy ?? [], release: releases[1] }),
    ];
  if (args.policy?.length !== 2)
    throw new CliError(
      `diff of one trace needs two sides: --policy A --policy B, --kernel A --kernel B, or -a ... -b ... (got ${args.policy?.length ?? 0} --policy); or name a second trace`,
    );
  return [
    choosePolicyIds({ policy: [args.policy[0]!], release: releases[0] }),
    choosePolicyIds({ policy: [args.policy[1]!], release: releases[1] }),
  ];
}
