import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal states serialise to equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(stableStringify).join(',') + ']';
  const entries = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => JSON.stringify(k) + ':' + stableStringify((value as Record<string, unknown>)[k]));
  return '{' + entries.join(',') + '}';
}

export function stateHash(state: unknown): string {
  return createHash('sha256').update(stableStringify(state)).digest('hex');
}
