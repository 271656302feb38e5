import { z } from 'zod';
import { registerArgSchema } from '../arg-schemas.js';

// Events of the s390-pgste area (src/engine/policy/s390-pgste/rules.ts).

/** execve of `path`; pgsteMarker: the ELF has a PT_S390_PGSTE (0x70000000) program header. */
registerArgSchema(
  'syscall',
  'execve',
  z.strictObject({
    path: z.string({ error: 'expected the executable path' }),
    argv: z.array(z.string()).optional(),
    pgsteMarker: z.boolean().default(false),
  }),
);

/** A write to /proc/sys (`sysctl -w name=value`). */
registerArgSchema(
  'syscall',
  'sysctl_write',
  z.strictObject({
    name: z.string().regex(/^[\w.]+$/, { error: 'expected a dotted sysctl name such as vm.allocate_pgste' }),
    value: z.union([z.string(), z.number()]).transform(String),
  }),
);
