import { defineArea } from '../define.js';
import { RUNSTATE_EVENTS } from './events.js';
import type { RunstateParams } from './params.js';
import { physArea } from './phys-area.js';
import { contextSwitch, pageTableUpdate, registerPhysical, registerVirtual, vmAssist } from './rules.js';
import { vaAtRegister } from './va-at-register.js';
import { vaAtSwitch } from './va-at-switch.js';

// xen-runstate: the runstate area under KPTI (seed 002). Xen runs on x86 and Arm.

export type { RunstateParams };

export const xenRunstateArea = defineArea<RunstateParams>({
  area: 'xen-runstate',
  summary: "where Xen copies a vCPU's run state in guest memory, and whether the copy survives KPTI",
  arches: ['x86_64', 'aarch64'],
  events: RUNSTATE_EVENTS,
  behaviour: (params) => ({
    reducers: {
      'hypercall:vm_assist': vmAssist,
      'hypercall:VCPUOP_register_runstate_memory_area': (state, event, ctx) => registerVirtual(params, state, event, ctx),
      'hypercall:VCPUOP_register_runstate_phys_area': (state, event, ctx) => registerPhysical(params, state, event, ctx),
      'guest:page_table_update': pageTableUpdate,
      'context_switch:vcpu_deschedule': (state, event, ctx) => contextSwitch(params, state, event, ctx),
      'context_switch:vcpu_schedule': (state, event, ctx) => contextSwitch(params, state, event, ctx),
    },
  }),
  variants: [vaAtSwitch, vaAtRegister, physArea],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'xen-runstate': RunstateParams;
  }
}
