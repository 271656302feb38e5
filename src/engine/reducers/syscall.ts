import { toBig, hex } from '../../model/address.js';
import type { EventKey, EventOf } from '../../model/event.js';
import type { MachineState, Process } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import type { EventReducer } from '../policy/define.js';
import { mapRange, pageUp, protectRange, unmapRange } from '../host/vmas.js';
import { newFd, processOf, resolveFd } from '../lookup.js';
import { withProcess } from '../update.js';

// Host syscalls that shape a VMM's address space and fd table. Where the kernel's answer depends on
// what the trace cannot show (where mmap places a mapping, mappings made by exec before the trace
// began), the reducer follows the observed result and predicts nothing.

/** A syscall handler edits the calling process, or leaves the state as it is (undefined). */
function onProcess<K extends EventKey>(
  edit: (process: Process, event: EventOf<K>, ctx: ReduceContext) => Process | undefined,
): EventReducer<K> {
  return (state, event, ctx) => {
    const next = edit(processOf(state, event), event, ctx);
    return next ? withProcess(state, next) : state;
  };
}

const failed = (event: { result?: { errno?: string } }): boolean => event.result?.errno !== undefined;

export const mmap = onProcess<'syscall:mmap'>((process, event, ctx) => {
  const { args, result } = event;
  const length = toBig(args.length);
  const flags = args.flags;
  // MAP_FIXED places the mapping at addr or fails; otherwise addr is a hint and the result decides.
  const start = flags.includes('MAP_FIXED') ? toBig(args.addr) : toBig(result?.ret ?? (args.addr === null ? undefined : args.addr));
  if (failed(event) || length === undefined || start === undefined || start === 0n) {
    if (!failed(event)) ctx.effects.push({ kind: 'unmodelled', reason: 'mmap without an address to place it' });
    return undefined;
  }
  if (flags.includes('MAP_FIXED')) ctx.effects.push({ kind: 'result', ret: Number(start) });
  const vma = {
    start: hex(start),
    end: hex(start + pageUp(length)),
    prot: args.prot,
    flags,
    ...(args.fdPath !== undefined ? { file: args.fdPath } : {}),
    mappedAt: event.seq,
  };
  return { ...process, vmas: mapRange(process.vmas, vma) };
});

export const munmap = onProcess<'syscall:munmap'>((process, event, ctx) => {
  const start = toBig(event.args.addr);
  const length = toBig(event.args.length);
  if (start === undefined || length === undefined) return undefined;
  // mm/mmap.c do_vmi_munmap(): an unaligned start or a zero length is -EINVAL; unmapping a range
  // with nothing mapped in it is still 0.
  if (start % 4096n !== 0n || length === 0n) {
    ctx.effects.push({ kind: 'result', errno: 'EINVAL' });
    return undefined;
  }
  ctx.effects.push({ kind: 'result', ret: 0 });
  return { ...process, vmas: unmapRange(process.vmas, start, start + pageUp(length)) };
});

export const mprotect = onProcess<'syscall:mprotect'>((process, event) => {
  const start = toBig(event.args.addr);
  const length = toBig(event.args.length);
  if (failed(event) || start === undefined || length === undefined) return undefined;
  return { ...process, vmas: protectRange(process.vmas, start, start + pageUp(length), event.args.prot) };
});

export const openFile = onProcess<'syscall:open' | 'syscall:openat'>((process, event) => {
  if (failed(event)) return undefined;
  const path = event.args.path;
  const fd = newFd(process, event.result?.ret);
  return { ...process, fds: { ...process.fds, [fd]: path === '/dev/kvm' ? { type: 'kvm' } : { type: 'file', path } } };
});

export const close = onProcess<'syscall:close'>((process, event) => {
  const fd = event.args.fd;
  if (failed(event) || !process.fds[fd]) return undefined;
  const { [fd]: _closed, ...fds } = process.fds;
  return { ...process, fds };
});

/**
 * dup/dup2/dup3 and fcntl(F_DUPFD): the new fd (the observed return) refers to what the old one did;
 * dup2/dup3 onto an open fd close it first (dup(2)). An old fd the trace never saw opened is known
 * by its -y decoration.
 */
function duplicated(
  state: MachineState,
  process: Process,
  event: EventOf<'syscall:dup' | 'syscall:dup2' | 'syscall:dup3' | 'syscall:fcntl'>,
): Process | undefined {
  const to = event.result?.ret;
  if (failed(event) || typeof to !== 'number' || to < 0) return undefined;
  const from = resolveFd(state, process, event.args.fd, event.args.fdPath);
  const { [to]: _replaced, ...fds } = process.fds;
  return { ...process, fds: from ? { ...fds, [to]: from } : fds };
}

export const dup: EventReducer<'syscall:dup' | 'syscall:dup2' | 'syscall:dup3'> = (state, event) => {
  const next = duplicated(state, processOf(state, event), event);
  return next ? withProcess(state, next) : state;
};

/** F_DUPFD and F_DUPFD_CLOEXEC copy the fd to the lowest free one >= arg (fcntl(2)); the other commands change no fd. */
export const fcntl: EventReducer<'syscall:fcntl'> = (state, event) => {
  const next = /^F_DUPFD/.test(event.args.cmd) ? duplicated(state, processOf(state, event), event) : undefined;
  return next ? withProcess(state, next) : state;
};

/** eventfd/eventfd2: a new fd (the observed return) on an eventfd, `anon_inode:[eventfd]` as strace -y names it. */
export const eventFd = onProcess<'syscall:eventfd' | 'syscall:eventfd2'>((process, event) => {
  const to = event.result?.ret;
  if (failed(event) || typeof to !== 'number' || to < 0) return undefined;
  return { ...process, fds: { ...process.fds, [to]: { type: 'file', path: event.result?.fdPath ?? 'anon_inode:[eventfd]' } } };
});
