import { z } from 'zod';
import { address, int, registerArgSchema } from '../arg-schemas.js';

// Events of the xen-runstate area (src/engine/policy/xen-runstate/rules.ts).

const area = z.strictObject({ vcpu: int.nonnegative().optional(), addr: address });
registerArgSchema('hypercall', 'VCPUOP_register_runstate_memory_area', area);
registerArgSchema('hypercall', 'VCPUOP_register_runstate_phys_area', area);
registerArgSchema(
  'hypercall',
  'vm_assist',
  z.strictObject({ cmd: z.enum(['enable', 'disable']).default('enable'), type: int.nonnegative() }),
);
/** The guest maps va to gpa (null: unmaps it); user: the mapping is in the user-mode page tables too (not so for the kernel under KPTI). */
registerArgSchema('guest', 'page_table_update', z.strictObject({ va: address, gpa: address.nullable(), user: z.boolean().default(false) }));
registerArgSchema(
  'context_switch',
  'vcpu_deschedule',
  z.strictObject({ state: z.enum(['runnable', 'blocked', 'offline']).default('runnable') }),
);
registerArgSchema('context_switch', 'vcpu_schedule', z.strictObject({}));
