import { z } from 'zod';
import { address, int } from './fields.js';

// Host syscalls the core reducers read, with the argument names strace prints (man 2 NAME).

const range = { addr: address, length: address };
const fd = { fd: int, fdPath: z.string().optional() };

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
  'syscall:open': { path: z.string(), flags: z.string().optional(), mode: int.optional() },
  /** dirfd is AT_FDCWD or an fd, with what strace -y says it is. */
  'syscall:openat': {
    path: z.string(),
    dirfd: z.union([int, z.literal('AT_FDCWD')]).optional(),
    dirfdPath: z.string().optional(),
    flags: z.string().optional(),
    mode: int.optional(),
  },
  'syscall:close': fd,
  'syscall:dup': fd,
  /** newfdPath: what newfd was before the call, as strace -y says (dup2 closes it). */
  'syscall:dup2': { ...fd, newfd: int, newfdPath: z.string().optional() },
  'syscall:dup3': { ...fd, newfd: int, newfdPath: z.string().optional(), flags: z.string() },
  'syscall:fcntl': { ...fd, cmd: z.string(), arg: z.union([int, z.string()]).optional() },
  'syscall:eventfd': { initval: int },
  'syscall:eventfd2': { initval: int, flags: z.string() },
  /** argv as a list, or as strace printed it when it abbreviated the list; the environment by address and count. */
  'syscall:execve': {
    path: z.string({ error: 'expected the executable path' }),
    argv: z.union([z.array(z.string()), z.string()]).optional(),
    envp: z.string().optional(),
    envc: int.optional(),
  },
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
