import { hex, toBig } from '../../model/address.js';
import type { EventOf } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { processOf } from '../lookup.js';
import { withProcess } from '../update.js';

// Processes on the host, on every architecture: execve gives a process a new mm, fork and clone make
// one, a task's exit ends it, sysctl writes change the host, and the host may reclaim a process's
// pages. Where an architecture's kernel decides more about a new mm (s390's PGSTEs), the area that
// owns that architecture answers the newMm hook.

const PAGE = 4096n;

/** A new mm, so no mappings survive; the fd table does (close-on-exec is not in the trace). */
export function execve(state: MachineState, event: EventOf<'syscall:execve'>, ctx: ReduceContext): MachineState {
  if (event.result?.errno) return state;
  const process = processOf(state, event);
  const decided = ctx.policies.newMm(process, state, { cause: 'execve', path: event.args.path });
  if (decided?.log) ctx.effects.push({ kind: 'log', message: decided.log });
  const { exited: _gone, ...rest } = process;
  const comm = event.comm ?? process.comm;
  return withProcess(state, { ...rest, vmas: [], exe: { path: event.args.path }, ...(comm ? { comm } : {}), ...decided?.fields });
}

/**
 * fork(), vfork() and clone() without CLONE_VM make a child with a copy of the parent's mm (dup_mm);
 * the child's pid is the call's result. A clone that shares the mm (CLONE_VM) makes a thread, which the
 * process lists (s390's old s390_enable_sie() refused a multi-threaded process).
 */
export function forkProcess(
  state: MachineState,
  event: EventOf<'syscall:fork' | 'syscall:vfork' | 'syscall:clone'>,
  ctx: ReduceContext,
): MachineState {
  const child = Number(event.result?.ret);
  if (!Number.isInteger(child) || child <= 0) return state;
  const parent = processOf(state, event);
  if ('flags' in event.args && event.args.flags?.includes('CLONE_VM'))
    return withProcess(state, { ...parent, threads: [...(parent.threads ?? []).filter((t) => t !== child), child] });
  const decided = ctx.policies.newMm(parent, state, { cause: 'fork' });
  if (decided?.log) ctx.effects.push({ kind: 'log', message: decided.log });
  return withProcess(state, {
    pid: child,
    ...(parent.comm ? { comm: parent.comm } : {}),
    vmas: parent.vmas,
    fds: parent.fds,
    ...decided?.fields,
  });
}

export function sysctlWrite(state: MachineState, event: EventOf<'syscall:sysctl_write'>): MachineState {
  if (event.result?.errno) return state;
  return { ...state, host: { ...state.host, sysctls: { ...state.host.sysctls, [event.args.name]: event.args.value } } };
}

/** A task's exit ends its process when it is the leader (strace's `+++ exited with N +++`). */
export function taskExit(state: MachineState, event: EventOf<'generic:task_exit'>): MachineState {
  if (event.tid !== undefined && event.tid !== event.pid) {
    const process = processOf(state, event);
    if (!process.threads?.includes(event.tid)) return state;
    return withProcess(state, { ...process, threads: process.threads.filter((t) => t !== event.tid) });
  }
  const { code, signal } = event.args;
  return withProcess(state, {
    ...processOf(state, event),
    exited: { ...(code !== undefined ? { code } : {}), ...(signal !== undefined ? { signal } : {}) },
  });
}

/** The host swapped out [addr, addr + length) of the process the event names (kswapd, or a scenario's MADV_PAGEOUT). */
export function hostReclaim(state: MachineState, event: EventOf<'fault:host_reclaim'>): MachineState {
  const start = toBig(event.args.addr)!;
  const process = processOf(state, event);
  const pages = new Set(process.reclaimed ?? []);
  for (let page = start & ~(PAGE - 1n); page < start + BigInt(event.args.length); page += PAGE) pages.add(hex(page));
  return withProcess(state, { ...process, reclaimed: [...pages].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) });
}
