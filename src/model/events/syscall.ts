import { z } from 'zod';
import { address, int } from './fields.js';

// Host syscalls the core reducers read, with the argument names strace prints (man 2 NAME).

const range = { addr: address, length: address };

export const SYSCALL_EVENTS = {
  'syscall:mmap': {
    addr: address.nullable().default(null),
    length: int.positive({ error: 'expected a positive length' }),
    prot: z.string({ error: 'expected PROT_* names joined by |' }),
    flags: z.string({ error: 'expected MAP_* names joined by |' }),
    fd: int.default(-1),
    fdPath: z.string().optional(),
    offset: address.default(0),
  },
  'syscall:munmap': range,
  'syscall:mprotect': { ...range, prot: z.string() },
  'syscall:madvise': { ...range, advice: z.string() },
  'syscall:open': { path: z.string(), flags: z.string().optional() },
  'syscall:openat': { path: z.string(), dirfd: z.union([int, z.string()]).optional(), flags: z.string().optional() },
  'syscall:close': { fd: int, fdPath: z.string().optional() },
  'syscall:execve': { path: z.string({ error: 'expected the executable path' }), argv: z.array(z.string()).optional() },
  'syscall:fork': {},
  'syscall:vfork': {},
  /** A child process (the child's pid is the result); CLONE_VM in flags makes a thread instead. */
  'syscall:clone': { flags: z.string().optional() },
  /** A write to /proc/sys (`sysctl -w name=value`). */
  'syscall:sysctl_write': {
    name: z.string().regex(/^[\w.]+$/, { error: 'expected a dotted sysctl name such as vm.allocate_pgste' }),
    value: z.union([z.string(), z.number()]).transform(String),
  },
};
