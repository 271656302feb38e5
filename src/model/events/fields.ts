import { z } from 'zod';
import { MEMSLOT_FLAG_NAMES } from '../kvm-abi.js';

// Building blocks of the event schemas, in the canonical form every importer produces: integers as
// numbers, addresses as numbers below 2^53 and "0x..." strings above, names as the kernel prints them.

export const int = z.number({ error: 'expected an integer' }).int({ error: 'expected an integer' });

/** An address or 64-bit value: an integer (YAML reads 0x1000 as one) or a "0x..." string for values above 2^53. */
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

/** What every ioctl and fd syscall carries: the fd, what strace -y says it is, and any argument text not decoded. */
export const fdArgs = {
  fd: int.nonnegative({ error: 'expected a file descriptor' }),
  fdPath: z.string().optional(),
  raw: z.string().optional(),
};
