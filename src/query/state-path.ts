// Dotted state paths with indices, as users type them: `vms[0].vcpus[0].lastExit`, `host.cpus.1`.

import { PathError } from '../errors.js';

export function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const gap = path.slice(consumed, m.index).replace(/\./g, '');
    if (gap !== '') throw new PathError(`bad state path '${path}' near '${gap}'`);
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    consumed = re.lastIndex;
  }
  if (parts.length === 0 || path.slice(consumed).replace(/\./g, '') !== '') throw new PathError(`bad state path '${path}'`);
  return parts;
}

/**
 * The value at a path, or undefined when there is none. Only the state's own data properties are
 * paths: `constructor`, `__proto__` or `toString` reach into JavaScript's objects, not into the state.
 */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of parsePath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    const own = Object.getOwnPropertyDescriptor(current, part);
    if (!own || !('value' in own)) return undefined;
    current = own.value;
  }
  return current;
}

/** Equality for expectations: deep, key order ignored, and null matches a missing value. */
export function sameValue(expected: unknown, actual: unknown): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected !== 'object' || typeof actual !== 'object' || actual === null) return expected === actual;
  if (Array.isArray(expected) !== Array.isArray(actual)) return false;
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(e), ...Object.keys(a).filter((k) => a[k] !== undefined)]);
  for (const key of keys) if (!sameValue(e[key] ?? null, a[key])) return false;
  return true;
}

/** An effect matches when every field the expectation names has the expected value. */
export function matchesPartially(expected: Record<string, unknown>, actual: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([key, value]) => sameValue(value, actual[key]));
}
