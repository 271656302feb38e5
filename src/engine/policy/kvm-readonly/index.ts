import { memslotFlag } from './memslot-flag.js';
import type { ReadonlyPolicy } from './policy.js';
import { protRead } from './prot-read.js';

export type { ReadonlyPolicy };
export const readonlyPolicies: readonly ReadonlyPolicy[] = [protRead, memslotFlag];
