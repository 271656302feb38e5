import { PolicyError } from '../../../errors.js';
import type { ReleaseRange } from '../define.js';

// Release numbers as kernels and hypervisors print them: Linux 3.6, 4.19.200, 2.6.32.27; Xen 4.17,
// 4.18.2. A bound compares as a point on one line: `from: '4.19'` is 4.19.0, `to: '4.19'` is the
// last 4.19.y there will ever be, so a range [4.12, 4.14.198] holds 4.13.5 and 4.14.0 but not 4.14.199.

const PARTS = 4;
const VERSION = /^\d+(?:\.\d+){1,3}$/;

export type VersionKey = readonly number[];

/** `X.Y`, `X.Y.Z` (a stable release) or `2.6.X.Y`; anything else (`5.9-rc6`, `6.1.0-18-amd64`) is refused. */
export function parseVersion(text: string, what = 'release'): number[] {
  if (!VERSION.test(text))
    throw new PolicyError(
      `${what} '${text}' is not a release number: give X.Y or X.Y.Z (6.12, 4.19.200), without -rc or a distribution suffix`,
    );
  return text.split('.').map(Number);
}

function padded(parts: readonly number[], fill: number): VersionKey {
  return [...parts, ...Array<number>(PARTS - parts.length).fill(fill)];
}

/** A release as a point: missing parts are 0 (4.19 is 4.19.0). */
export function versionKey(text: string): VersionKey {
  return padded(parseVersion(text), 0);
}

/** Where a range starts; no `from` is before every release. */
export function lowerKey(range: ReleaseRange): VersionKey {
  return range.from === undefined ? padded([], -Infinity) : versionKey(range.from);
}

/** Where a range ends: the parts it names, then every later stable release of that line. */
export function upperKey(range: ReleaseRange): VersionKey {
  return range.to === undefined ? padded([], Infinity) : padded(parseVersion(range.to, 'range end'), Infinity);
}

export function compareKeys(a: VersionKey, b: VersionKey): number {
  for (let i = 0; i < PARTS; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

export function inRange(version: VersionKey, range: ReleaseRange): boolean {
  return compareKeys(lowerKey(range), version) <= 0 && compareKeys(version, upperKey(range)) <= 0;
}

export function rangesOverlap(a: ReleaseRange, b: ReleaseRange): boolean {
  return compareKeys(lowerKey(a), upperKey(b)) <= 0 && compareKeys(lowerKey(b), upperKey(a)) <= 0;
}

/** `4.12-4.14.198`, `4.19.147-4.19.y`, `6.12 and later`, `up to 3.5`, or one release line `3.6`. */
export function formatRange(range: ReleaseRange): string {
  if (range.from !== undefined && range.from === range.to) return range.from;
  if (range.from === undefined) return range.to === undefined ? 'every release' : `up to ${range.to}`;
  if (range.to === undefined) return `${range.from} and later`;
  // The rest of one stable series: 4.19.147-4.19.y.
  return range.from.startsWith(`${range.to}.`) ? `${range.from}-${range.to}.y` : `${range.from}-${range.to}`;
}
