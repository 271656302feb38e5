import { z } from 'zod';
import { address, registerArgSchema } from '../arg-schemas.js';

// Events of the mips-vmtype area (src/engine/policy/mips-vmtype/rules.ts).

/** The VMM loads a guest kernel linked at link_address (vm on the event, else the process's last VM). */
registerArgSchema('guest', 'load_kernel', z.strictObject({ link_address: address, path: z.string().optional() }));
