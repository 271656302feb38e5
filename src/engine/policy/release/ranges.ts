import type { AreaSpec, ReleaseGap, ReleaseRange, Releases, ReleaseSystem } from '../define.js';
import { compareKeys, formatRange, lowerKey, rangesOverlap, upperKey, type VersionKey } from './version.js';

// The releases each variant of an area models, and the checks that hold an area to "one variant per
// release": no two ranges overlap, and every release from the first to today is a variant's or an
// explained gap's.

export function rangesOf(releases: Releases | undefined, system: ReleaseSystem): readonly ReleaseRange[] {
  const ranges = releases?.[system];
  if (ranges === undefined) return [];
  return 'length' in ranges ? ranges : [ranges as ReleaseRange];
}

/** The system whose releases decide an area: the one its variants name; undefined when none names one. */
export function areaSystem(spec: Pick<AreaSpec<unknown>, 'area' | 'variants'>): ReleaseSystem | undefined {
  const systems = new Set(spec.variants.flatMap((v) => Object.keys(v.releases ?? {}) as ReleaseSystem[]));
  if (systems.size > 1) throw new Error(`area '${spec.area}' has variants for ${[...systems].join(' and ')}; an area follows one system`);
  return [...systems][0];
}

/** The last minor of each major before the major changes (Linux 3.19 -> 4.0, 4.20 -> 5.0; Xen 3.4 -> 4.0). */
const LAST_MINOR: Record<ReleaseSystem, Readonly<Record<number, number>>> = {
  linux: { 2: 6, 3: 19, 4: 20, 5: 19, 6: 19 },
  xen: { 3: 4 },
};

/** The first release after a range's end: 4.14.198 -> 4.14.199, 4.19 -> 4.20, 3.19 -> 4.0. */
function successor(system: ReleaseSystem, end: VersionKey): VersionKey {
  const open = end.indexOf(Infinity);
  const last = open === -1 ? end.length - 1 : open - 1;
  const next = end.map((part, i) => (i < last ? part : i === last ? part + 1 : 0));
  if (last === 1 && end[1] === LAST_MINOR[system][end[0]!]) return [end[0]! + 1, 0, 0, 0];
  return next;
}

interface Span extends ReleaseRange {
  owner: string;
}

function spans(spec: Pick<AreaSpec<unknown>, 'variants' | 'releaseGaps'>, system: ReleaseSystem): Span[] {
  const variants = spec.variants.flatMap((v) => rangesOf(v.releases, system).map((r) => ({ ...r, owner: v.variant })));
  const gaps = (spec.releaseGaps ?? []).filter((g: ReleaseGap) => g.system === system).map((g) => ({ ...g, owner: 'a gap' }));
  return [...variants, ...gaps].sort((a, b) => compareKeys(lowerKey(a), lowerKey(b)));
}

/** What keeps an area's ranges from giving each release exactly one variant; empty when they do. */
export function releaseProblems(spec: Pick<AreaSpec<unknown>, 'area' | 'variants' | 'releaseGaps'>): string[] {
  const system = areaSystem(spec);
  if (!system) return [`area '${spec.area}': no variant names the releases it models`];
  const list = spans(spec, system);
  const problems: string[] = [];
  const name = (s: Span) => `${s.owner} (${formatRange(s)})`;
  list.forEach((a, i) => {
    for (const b of list.slice(i + 1)) if (rangesOverlap(a, b)) problems.push(`${spec.area}: ${name(a)} and ${name(b)} overlap`);
  });
  if (list[0]?.from !== undefined) problems.push(`${spec.area}: nothing covers the releases before ${list[0]!.from}`);
  if (list.at(-1)?.to !== undefined) problems.push(`${spec.area}: nothing covers the releases after ${list.at(-1)!.to}`);
  for (let i = 1; i < list.length; i++) {
    const [prev, next] = [list[i - 1]!, list[i]!];
    if (prev.to === undefined || rangesOverlap(prev, next)) continue;
    if (compareKeys(successor(system, upperKey(prev)), lowerKey(next)) !== 0)
      problems.push(`${spec.area}: no variant or explained gap between ${name(prev)} and ${name(next)}`);
  }
  return problems;
}

/** `Linux 4.12-4.14.198, 4.15-4.19.146`; `never released` for a patch no release has. */
export function formatReleases(releases: Releases | undefined): string {
  const parts = (Object.keys(releases ?? {}) as ReleaseSystem[]).map(
    (system) => `${system === 'linux' ? 'Linux' : 'Xen'} ${rangesOf(releases, system).map(formatRange).join(', ')}`,
  );
  return parts.length ? parts.join('; ') : 'never released';
}
