import { defineArea } from '../define.js';
import { MIPS_EVENTS, MIPS_HOST_FACTS } from './events.js';
import { linux412 } from './linux-4-12.js';
import { linux513 } from './linux-5-13.js';
import { linux586 } from './linux-5-8-6.js';
import { linux59Backport } from './linux-5-9-backport.js';
import { linux59 } from './linux-5-9.js';
import type { MipsParams } from './params.js';
import { loadKernel, mipsCapability, mipsVmCreate } from './rules.js';

// mips-vmtype: T&E or VZ (seed 003).

export type { MipsParams };

export const mipsVmtypeArea = defineArea<MipsParams>({
  area: 'mips-vmtype',
  summary: 'what a KVM_CREATE_VM type number makes on MIPS: a trap-and-emulate VM or a VZ one',
  arches: ['mips64'],
  events: MIPS_EVENTS,
  hostFacts: MIPS_HOST_FACTS,
  behaviour: (params) => ({
    reducers: { 'guest:load_kernel': loadKernel },
    hooks: {
      vmCreate: (type, state) => mipsVmCreate(params, type, state),
      capabilities: {
        KVM_CAP_MIPS_VZ: (state) => mipsCapability(params, 'KVM_CAP_MIPS_VZ', state),
        KVM_CAP_MIPS_TE: (state) => mipsCapability(params, 'KVM_CAP_MIPS_TE', state),
      },
    },
  }),
  variants: [linux412, linux586, linux59Backport, linux59, linux513],
  releaseGaps: [
    {
      system: 'linux',
      to: '4.11',
      why: 'MIPS KVM before 4.12 had trap-and-emulate only and no KVM_VM_MIPS_* types (VZ came with 4.12); that era was not read',
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'mips-vmtype': MipsParams;
  }
}
