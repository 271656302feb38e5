import { defineArea } from '../define.js';
import { RUNSTATE_EVENTS, RUNSTATE_HOST_FACTS } from './events.js';
import { pageTableUpdate } from './guest-tables.js';
import type { RunstateParams } from './params.js';
import { physArea } from './phys-area.js';
import { registerPhysical, registerVirtual } from './register.js';
import { contextSwitch, retryOnKernelEntry } from './update.js';
import { vaAtRegister } from './va-at-register.js';
import { vaAtSwitch, vaAtSwitch30, vaAtSwitch44, vaAtSwitch48 } from './va-at-switch.js';
import { vmAssist } from './vm-assist.js';

// xen-runstate: the runstate area under KPTI (seed 002). Xen runs on x86 and Arm; on x86 the guest
// type (host fact xen_guest: pv64, pv32, hvm) decides how Xen reaches the area.

export type { RunstateParams };

export const xenRunstateArea = defineArea<RunstateParams>({
  area: 'xen-runstate',
  summary: "where Xen copies a vCPU's run state in guest memory, and whether the copy survives KPTI",
  arches: ['x86_64', 'aarch64'],
  events: RUNSTATE_EVENTS,
  hostFacts: RUNSTATE_HOST_FACTS,
  behaviour: (params) => ({
    reducers: {
      'hypercall:vm_assist': (state, event, ctx) => vmAssist(params, state, event, ctx),
      'hypercall:VCPUOP_register_runstate_memory_area': (state, event, ctx) => registerVirtual(params, state, event, ctx),
      'hypercall:VCPUOP_register_runstate_phys_area': (state, event, ctx) => registerPhysical(params, state, event, ctx),
      'guest:page_table_update': pageTableUpdate,
      'context_switch:vcpu_deschedule': (state, event, ctx) => contextSwitch(params, state, event, ctx),
      'context_switch:vcpu_schedule': (state, event, ctx) => contextSwitch(params, state, event, ctx),
    },
    hooks: { guestMode: (state, ref, ctx) => retryOnKernelEntry(params, state, ref, ctx) },
  }),
  variants: [vaAtSwitch30, vaAtSwitch44, vaAtSwitch48, vaAtSwitch, physArea, vaAtRegister],
  releaseGaps: [{ system: 'xen', to: '3.0.1', why: 'no VCPUOP_register_runstate_memory_area before Xen 3.0.2 (705ea2b54c)' }],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'xen-runstate': RunstateParams;
  }
}
