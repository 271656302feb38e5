import type { RunstatePolicy } from './policy.js';
import { reduceRunstate } from './rules.js';
import { policyName } from '../types.js';

export const vaAtRegister: RunstatePolicy = {
  ...policyName('xen-runstate', 'va-at-register'),
  isDefault: false,
  summary:
    '2020 Arm patch (v3, never merged): translate once at the hypercall (64-bit aligned, mapped, may span 2 pages), keep writing those pages',
  sources: [
    {
      kind: 'seed',
      ref: '002_93d8918ed274a0fd.txt',
      note: '[PATCH v3] xen/arm: Convert runstate address during hypcall (Bertrand Marquis, 2020)',
    },
  ],
  translateAt: 'register',
  physArea: false,
  reduce: (state, ctx) => reduceRunstate(vaAtRegister, state, ctx),
};
