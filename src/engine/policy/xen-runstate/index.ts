import { physArea } from './phys-area.js';
import type { RunstatePolicy } from './policy.js';
import { vaAtRegister } from './va-at-register.js';
import { vaAtSwitch } from './va-at-switch.js';

export type { RunstatePolicy };
export const runstatePolicies: readonly RunstatePolicy[] = [vaAtSwitch, vaAtRegister, physArea];
