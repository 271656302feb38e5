import type { Area, Policy, ReleaseSystem } from '../define.js';
import { AREAS } from '../registry.js';
import { areaSystem, rangesOf } from './ranges.js';
import { formatRange, inRange, parseVersion, versionKey } from './version.js';

// A release (Linux 4.19.200, Xen 4.17) as one policy per area: the variant whose release ranges hold
// it. An area the release does not decide (a Xen behaviour under --kernel alone), or whose sources
// were not read for that release (an explained gap), takes its default, and the choice says so.

export type Release = { [S in ReleaseSystem]?: string };

export const SYSTEM_NAMES: Record<ReleaseSystem, string> = { linux: 'Linux', xen: 'Xen' };

export interface AreaChoice {
  area: string;
  policy: Policy;
  /** The system whose release chose this variant; absent when the area took its default. */
  decidedBy?: ReleaseSystem;
  /** Why this variant: the range that holds the release, or why the default stands. */
  note: string;
}

function defaultOf(area: Area): Policy {
  return area.policies.find((p) => p.isDefault)!;
}

function choose(area: Area, release: Release): AreaChoice {
  const id = area.spec.area;
  const system = areaSystem(area.spec);
  const fallback = (why: string): AreaChoice => ({ area: id, policy: defaultOf(area), note: `${why}: its default` });
  if (!system) return fallback('no variant names the releases it models');
  const version = release[system];
  const name = SYSTEM_NAMES[system];
  if (version === undefined)
    return fallback(`a ${name} behaviour, and no ${name} release was given (--${system === 'linux' ? 'kernel' : 'xen'})`);
  const key = versionKey(version);
  for (const policy of area.policies) {
    const range = rangesOf(policy.releases, system).find((r) => inRange(key, r));
    if (range) return { area: id, policy, decidedBy: system, note: `${name} ${version} is in ${formatRange(range)}` };
  }
  const gap = area.spec.releaseGaps?.find((g) => g.system === system && inRange(key, g));
  if (gap) return fallback(`${name} ${version} is not modelled (${formatRange(gap)}: ${gap.why})`);
  return fallback(`no variant models ${name} ${version}`);
}

/** One choice per built-in area, in registry order. */
export function releaseChoices(release: Release, areas: readonly Area[] = AREAS): AreaChoice[] {
  // Refuse a malformed release even where no area would read it.
  for (const [system, version] of Object.entries(release))
    if (version !== undefined) parseVersion(version, `${SYSTEM_NAMES[system as ReleaseSystem]} release`);
  return areas.map((area) => choose(area, release));
}
