import { z } from 'zod';
import { address, int } from './fields.js';

// Events about the host and the guest that no single tool prints as such: strace's process ends and
// signals, and what scenarios script (a guest memory access, the host reclaiming pages, the guest
// switching between kernel and user mode).

export const HOST_EVENTS = {
  /** strace's `+++ exited with N +++` / `+++ killed by SIG +++`. */
  'generic:task_exit': { code: int.optional(), signal: z.string().optional() },
  /** strace's `--- SIGUSR1 {...} ---`. */
  'generic:signal': { signal: z.string(), info: z.string().optional() },
  /** The guest reads or writes guest physical memory during the KVM_RUN that follows (vm/vcpu on the event). */
  'fault:guest_access': {
    gpa: address,
    len: int.positive({ error: 'expected a positive access length' }).default(1),
    write: z.boolean({ error: 'expected write: true or false' }).default(false),
    data: z.union([int, z.string()]).optional(),
    /** false: the instruction is one KVM's emulator cannot decode. */
    emulatable: z.boolean().default(true),
    /** The guest's privilege level (CS.DPL) when it made the access: x86 KVM decides an emulation failure by it since 3.18. */
    cpl: int.min(0).max(3, { error: 'expected a CPL from 0 to 3' }).optional(),
    /** The access is a nested (L2) guest's: is_guest_mode(vcpu). */
    nested: z.boolean().optional(),
  },
  /** The host swapped out [addr, addr + length) of the event's process (kswapd, MADV_PAGEOUT). */
  'fault:host_reclaim': { addr: address, length: int.positive() },
  /** The guest switches between kernel and user mode (with KPTI, between page tables). */
  'guest:guest_mode': { mode: z.enum(['user', 'kernel'], { error: "expected 'user' or 'kernel'" }) },
};

/**
 * Host facts the core reads: KVM_CHECK_EXTENSION answers of the host's build, CPU and machine (never
 * the release's, which are the policies'), on /dev/kvm (`system`) and on a VM fd (`vm`), as a host
 * profile gives them (src/query/profile/).
 */
export const CORE_HOST_FACTS = {
  kvm_caps: z.strictObject({ system: z.record(z.string(), int).optional(), vm: z.record(z.string(), int).optional() }).optional(),
};
