import type { ArgValue } from './event.js';

// Addresses travel as numbers when they fit in 2^53 and as "0x..." strings when they do not, so
// arithmetic on them goes through bigint and state keeps them as canonical hex strings.

export function toBig(value: ArgValue | undefined): bigint | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value)) return BigInt(value);
  if (value === null) return 0n;
  return undefined;
}

export function hex(value: bigint | number): string {
  return '0x' + value.toString(16);
}
