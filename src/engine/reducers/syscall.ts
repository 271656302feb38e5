import { toBig, hex } from '../../model/address.js';
import type { MachineState, Process } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { mapRange, pageUp, protectRange, unmapRange } from '../host/vmas.js';
import { newFd, processOf, resolveFd } from '../lookup.js';
import { askReduce } from '../policy/ask.js';
import { withProcess } from '../update.js';

// Host syscalls that shape a VMM's address space and fd table. Where the kernel's answer depends on
// what the trace cannot show (where mmap places a mapping, mappings made by exec before the trace
// began), the reducer follows the observed result and predicts nothing.

export function reduceSyscall(state: MachineState, ctx: ReduceContext): MachineState {
  const process = processOf(state, ctx.event);
  const next = HANDLERS[ctx.event.name]?.(process, ctx, state);
  if (next) return withProcess(state, next);
  return askReduce(state, ctx) ?? state;
}

type SyscallHandler = (process: Process, ctx: ReduceContext, state: MachineState) => Process | undefined;

const failed = (ctx: ReduceContext): boolean => ctx.event.result?.errno !== undefined;

const HANDLERS: Record<string, SyscallHandler> = {
  mmap(process, ctx) {
    const { args, result } = ctx.event;
    const length = toBig(args.length);
    const flags = String(args.flags ?? '');
    // MAP_FIXED places the mapping at addr or fails; otherwise addr is a hint and the result decides.
    const start = flags.includes('MAP_FIXED') ? toBig(args.addr) : toBig(result?.ret ?? (args.addr === null ? undefined : args.addr));
    if (failed(ctx) || length === undefined || start === undefined || start === 0n) {
      if (!failed(ctx)) ctx.effects.push({ kind: 'unmodelled', reason: 'mmap without an address to place it' });
      return undefined;
    }
    if (flags.includes('MAP_FIXED')) ctx.effects.push({ kind: 'result', ret: Number(start) });
    const vma = {
      start: hex(start),
      end: hex(start + pageUp(length)),
      prot: String(args.prot ?? 'PROT_NONE'),
      flags,
      ...(typeof args.fdPath === 'string' ? { file: args.fdPath } : {}),
      mappedAt: ctx.event.seq,
    };
    return { ...process, vmas: mapRange(process.vmas, vma) };
  },
  munmap(process, ctx) {
    const start = toBig(ctx.event.args.addr);
    const length = toBig(ctx.event.args.length);
    if (start === undefined || length === undefined) return undefined;
    // mm/mmap.c do_vmi_munmap(): an unaligned start or a zero length is -EINVAL; unmapping a range
    // with nothing mapped in it is still 0.
    if (start % 4096n !== 0n || length === 0n) {
      ctx.effects.push({ kind: 'result', errno: 'EINVAL' });
      return undefined;
    }
    ctx.effects.push({ kind: 'result', ret: 0 });
    return { ...process, vmas: unmapRange(process.vmas, start, start + pageUp(length)) };
  },
  mprotect(process, ctx) {
    const start = toBig(ctx.event.args.addr);
    const length = toBig(ctx.event.args.length);
    if (failed(ctx) || start === undefined || length === undefined) return undefined;
    return { ...process, vmas: protectRange(process.vmas, start, start + pageUp(length), String(ctx.event.args.prot ?? 'PROT_NONE')) };
  },
  open: openFile,
  openat: openFile,
  dup: duplicate,
  dup2: duplicate,
  dup3: duplicate,
  fcntl(process, ctx, state) {
    // F_DUPFD and F_DUPFD_CLOEXEC copy the fd to the lowest free one >= arg (fcntl(2)); the rest change no fd.
    return /^F_DUPFD/.test(String(ctx.event.args.cmd ?? '')) ? duplicate(process, ctx, state) : undefined;
  },
  eventfd: eventFd,
  eventfd2: eventFd,
  close(process, ctx) {
    const fd = Number(ctx.event.args.fd);
    if (failed(ctx) || !process.fds[fd]) return undefined;
    const { [fd]: _closed, ...fds } = process.fds;
    return { ...process, fds };
  },
};

function openFile(process: Process, ctx: ReduceContext): Process | undefined {
  const path = ctx.event.args.path;
  if (failed(ctx) || typeof path !== 'string') return undefined;
  const fd = newFd(process, ctx.event.result?.ret);
  return { ...process, fds: { ...process.fds, [fd]: path === '/dev/kvm' ? { type: 'kvm' } : { type: 'file', path } } };
}

/**
 * dup/dup2/dup3 and fcntl(F_DUPFD): the new fd (the observed return) refers to what the old one did;
 * dup2/dup3 onto an open fd close it first (dup(2)). An old fd the trace never saw opened is known
 * by its -y decoration.
 */
function duplicate(process: Process, ctx: ReduceContext, state: MachineState): Process | undefined {
  const { args, result } = ctx.event;
  const to = result?.ret;
  if (failed(ctx) || typeof to !== 'number' || to < 0) return undefined;
  const from = resolveFd(state, process, Number(args.fd), typeof args.fdPath === 'string' ? args.fdPath : undefined);
  const { [to]: _replaced, ...fds } = process.fds;
  return { ...process, fds: from ? { ...fds, [to]: from } : fds };
}

/** eventfd/eventfd2: a new fd (the observed return) on an eventfd, `anon_inode:[eventfd]` as strace -y names it. */
function eventFd(process: Process, ctx: ReduceContext): Process | undefined {
  const to = ctx.event.result?.ret;
  if (failed(ctx) || typeof to !== 'number' || to < 0) return undefined;
  return { ...process, fds: { ...process.fds, [to]: { type: 'file', path: ctx.event.result?.fdPath ?? 'anon_inode:[eventfd]' } } };
}
