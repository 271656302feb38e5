import { linux412 } from './linux-4-12.js';
import { linux59 } from './linux-5-9.js';
import type { MipsVmTypePolicy } from './policy.js';

export type { MipsVmTypePolicy };
export const mipsPolicies: readonly MipsVmTypePolicy[] = [linux412, linux59];
