import { PolicyError } from '../errors.js';
import { findPolicy } from '../engine/policy/registry.js';
import { releaseChoices, SYSTEM_NAMES, type Release } from '../engine/policy/release/resolve.js';

// What a run's policies are when a user names releases as well as policies: each area a release
// decides takes that release's variant, --policy picks the others by name, and a --policy that names
// another variant of an area the release decides is refused (hvreplay cannot run both).

export interface PolicyChoice {
  /** --policy values: built-in ids or policy files. */
  policy?: readonly string[];
  release?: Release;
}

function describe(release: Release): string {
  return Object.entries(release)
    .filter(([, v]) => v !== undefined)
    .map(([s, v]) => `${SYSTEM_NAMES[s as keyof Release]} ${v}`)
    .join(' and ');
}

/** The policy ids to resolve: the release's choices where it decides an area, then --policy for the rest. */
export function choosePolicyIds(choice: PolicyChoice, base = process.cwd()): string[] {
  const named = choice.policy ?? [];
  const release = choice.release ?? {};
  if (Object.values(release).every((v) => v === undefined)) return [...named];
  const decided = releaseChoices(release).filter((c) => c.decidedBy !== undefined);
  for (const id of named) {
    const policy = findPolicy(id, [], base);
    const chosen = decided.find((c) => c.area === policy.area);
    if (chosen && chosen.policy !== policy)
      throw new PolicyError(
        `--policy ${id} conflicts with ${describe(release)}, which runs ${chosen.policy.id} for ${policy.area} (${chosen.note}); drop one of them`,
      );
  }
  return [...decided.map((c) => c.policy.id), ...named.filter((id) => !decided.some((c) => c.policy.id === id))];
}
