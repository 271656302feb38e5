import { z } from 'zod';
import type { EventShape } from '../../../model/events/index.js';

// What s390-pgste adds to the machine state and the host facts it reads.

declare module '../../../model/state.js' {
  interface Process {
    /** s390: the mm was created with 4K page tables carrying PGSTEs (absent: not decided on this architecture). */
    pgste?: boolean;
  }
  interface HostFacts {
    /** Executables whose ELF carries a PT_S390_PGSTE (0x70000000) program header (linked with `-z request-pgste`). */
    pgste_binaries?: string[];
  }
}

/** The host facts this area reads. An ELF's program headers are a fact about the file, which no strace line shows. */
export const PGSTE_HOST_FACTS = {
  pgste_binaries: z.array(z.string(), { error: 'expected a list of executable paths' }).optional(),
} satisfies EventShape;
