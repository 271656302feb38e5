import { z } from 'zod';
import { address, int, registerArgSchema } from '../arg-schemas.js';

// Events of the kvm-readonly area (src/engine/policy/kvm-readonly/rules.ts).

/** The guest reads or writes guest physical memory during the KVM_RUN that follows (vm/vcpu on the event). */
registerArgSchema(
  'fault',
  'guest_access',
  z.strictObject({
    gpa: address,
    len: int.positive({ error: 'expected a positive access length' }).default(1),
    write: z.boolean({ error: 'expected write: true or false' }).default(false),
    data: z.union([int, z.string()]).optional(),
    /** false: the instruction is one KVM's emulator cannot decode. */
    emulatable: z.boolean().default(true),
  }),
);

/** The host swapped out [addr, addr + length) of the event's process (kswapd, MADV_PAGEOUT). */
registerArgSchema('fault', 'host_reclaim', z.strictObject({ addr: address, length: int.positive() }));
