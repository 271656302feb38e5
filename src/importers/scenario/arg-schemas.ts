import { z } from 'zod';
import { MEMSLOT_FLAG_NAMES } from '../../model/kvm-abi.js';

// The args a scenario must give for the events the reducers read, in the same canonical form the
// strace and ftrace importers produce. Events not listed here take any args.

export const int = z.number({ error: 'expected an integer' }).int({ error: 'expected an integer' });

/** An address: an integer (YAML reads 0x1000 as one) or a "0x..." string for values above 2^53. */
export const address = z.union([int.nonnegative({ error: 'expected a non-negative address' }), z.string().regex(/^0x[0-9a-fA-F]+$/)], {
  error: 'expected an address (an integer or a "0x..." string)',
});

/** Memslot flags as a number or as strace prints them: KVM_MEM_LOG_DIRTY_PAGES|KVM_MEM_READONLY. */
export const memslotFlags = z
  .union([int, z.string()], { error: 'expected flags (an integer or KVM_MEM_* names joined by |)' })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    let flags = 0;
    for (const name of value.split('|').map((s) => s.trim())) {
      if (name === '0') continue;
      const bit = MEMSLOT_FLAG_NAMES[name];
      if (bit === undefined) {
        ctx.addIssue({ code: 'custom', message: `unknown memslot flag '${name}'; known: ${Object.keys(MEMSLOT_FLAG_NAMES).join(', ')}` });
        return z.NEVER;
      }
      flags |= bit;
    }
    return flags;
  });

const fd = { fd: int.nonnegative({ error: 'expected a file descriptor' }), fdPath: z.string().optional() };

export const ARG_SCHEMAS: Record<string, z.ZodType> = {
  'ioctl:KVM_CREATE_VM': z.object({ ...fd, type: int.default(0) }),
  'ioctl:KVM_CREATE_VCPU': z.object({ ...fd, id: int.nonnegative() }),
  'ioctl:KVM_CHECK_EXTENSION': z.object({
    ...fd,
    cap: z.union([z.string().regex(/^KVM_CAP_\w+$/), int], { error: 'expected a KVM_CAP_* name or number' }),
  }),
  'ioctl:KVM_SET_USER_MEMORY_REGION': z.object({
    ...fd,
    slot: int.nonnegative(),
    flags: memslotFlags.default(0),
    guest_phys_addr: address,
    memory_size: address,
    userspace_addr: address,
  }),
  'ioctl:KVM_RUN': z.object(fd),
  'syscall:mmap': z.object({
    addr: address.nullable().default(null),
    length: int.positive({ error: 'expected a positive length' }),
    prot: z.string({ error: 'expected PROT_* names joined by |' }),
    flags: z.string({ error: 'expected MAP_* names joined by |' }),
    fd: int.default(-1),
    offset: int.default(0),
  }),
  'syscall:munmap': z.object({ addr: address, length: int }),
  'syscall:mprotect': z.object({ addr: address, length: int, prot: z.string() }),
  'syscall:openat': z.object({ path: z.string() }),
  'syscall:open': z.object({ path: z.string() }),
  'syscall:close': z.object({ fd: int }),
  'guest:guest_mode': z.object({ mode: z.enum(['user', 'kernel'], { error: "expected 'user' or 'kernel'" }) }),
};

/** Policy areas add the args of their own events here. */
export function registerArgSchema(kind: string, name: string, schema: z.ZodType): void {
  ARG_SCHEMAS[`${kind}:${name}`] = schema;
}
