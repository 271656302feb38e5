// The one mapping from an event's fields to hvreplay's vocabulary, shared by the two readers of
// ftrace data: the text parser (payload.ts reads the fields out of each TP_printk line) and the
// trace.dat reader (../tracedat/, which decodes them from the record by the event's format). Both
// hand over the fields under the kernel's names (include/trace/events/kvm.h, arch/x86/kvm/trace.h,
// include/trace/events/sched.h), raw numbers where they have them, so the same recording gives
// the same events either way. Symbolic values (an exit reason's name, a task state's letters) come
// as the TP_printk prints them: the text has them printed; the binary reader prints them from the
// format's own print fmt.

import type { ArgValue, Args, EventKind, ObservedResult } from '../../model/event.js';
import { kvmExitReasonName } from '../../model/kvm-abi.js';

export interface Decoded {
  kind: EventKind;
  args: Args;
  vcpu?: number;
  result?: ObservedResult;
}

/** Fields under their kernel names; a field this kernel's event lacks is undefined. */
export type Fields = Readonly<Record<string, ArgValue | undefined>>;

/** How a field reads in the event's TP_printk output (exit_reason 30 -> "IO_INSTRUCTION"). */
export type Printed = (field: string) => string | undefined;

export type EventMapper = (f: Fields, printed: Printed) => Decoded | undefined;

/** asm-generic/errno-base.h, for kvm_userspace_exit's "error (N)". */
const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  4: 'EINTR',
  5: 'EIO',
  7: 'E2BIG',
  9: 'EBADF',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY',
  17: 'EEXIST',
  22: 'EINVAL',
  28: 'ENOSPC',
  95: 'EOPNOTSUPP',
};

/** Copies the fields that are present, under the vocabulary's names. */
function pick(f: Fields, names: Record<string, string>, into: Args = {}): Args {
  for (const [to, from] of Object.entries(names)) {
    const v = f[from];
    if (v !== undefined) into[to] = v;
  }
  return into;
}

/** kvm_exit. `isa` and the numeric `exit_reason`, which the text form does not show, are kept when given. */
export function mapKvmExit(f: Fields, printed: Printed): Decoded | undefined {
  const reason = printed('exit_reason');
  if (reason === undefined || f.guest_rip === undefined) return undefined;
  const args = pick(f, {
    rip: 'guest_rip',
    info1: 'info1',
    info2: 'info2',
    intr_info: 'intr_info',
    error_code: 'error_code',
    requests: 'requests',
  });
  const d: Decoded = { kind: 'exit', args: { reason, ...args } };
  if (f.isa !== undefined) d.args.isa = f.isa;
  if (typeof f.exit_reason === 'number') d.args.exit_reason = f.exit_reason;
  if (f.vcpu_id !== undefined) d.vcpu = Number(f.vcpu_id);
  return d;
}

export function mapKvmEntry(f: Fields): Decoded | undefined {
  if (f.vcpu_id === undefined) return undefined;
  const args = pick(f, { rip: 'rip', intr_info: 'intr_info', error_code: 'error_code' });
  if (Number(f.immediate_exit ?? 0)) args.immediate_exit = true;
  return { kind: 'context_switch', args, vcpu: Number(f.vcpu_id) };
}

/** kvm_userspace_exit: errno < 0 is "restart" (-EINTR) or "error"; else the exit reason. */
export function mapKvmUserspaceExit(f: Fields, printed: Printed): Decoded | undefined {
  const errnoField = Number(f.errno ?? 0);
  if (errnoField < 0) {
    const code = -errnoField;
    const errno = code === 4 ? 'EINTR' : (ERRNO[code] ?? `errno ${code}`);
    return { kind: 'exit', args: { errno, code }, result: { errno } };
  }
  const printedReason = printed('reason');
  if (printedReason === undefined || f.reason === undefined) return undefined;
  const code = Number(f.reason);
  // kvm_trace_exit_reason names reasons up to KVM_EXIT_X86_WRMSR (30) only (added with it in v5.10,
  // 1ae099540e8c); for a later reason __print_symbolic prints the number in hex, "reason 0x22 (34)",
  // and the name comes from the number.
  const reason =
    /^0x[0-9a-f]+$/.test(printedReason) && parseInt(printedReason, 16) === code
      ? (kvmExitReasonName(code) ?? printedReason)
      : printedReason;
  return { kind: 'exit', args: { reason, code }, result: { exit: reason } };
}

export function mapKvmMmio(f: Fields, printed: Printed): Decoded | undefined {
  const type = printed('type');
  if (type === undefined || f.len === undefined || f.gpa === undefined) return undefined;
  return { kind: 'fault', args: pick(f, { len: 'len', gpa: 'gpa', val: 'val' }, { type }) };
}

export function mapKvmPio(f: Fields, printed: Printed): Decoded | undefined {
  const dir = printed('rw');
  if (dir === undefined || f.port === undefined) return undefined;
  return { kind: 'fault', args: pick(f, { port: 'port', size: 'size', count: 'count', val: 'val' }, { dir }) };
}

export function mapKvmPageFault(f: Fields): Decoded | undefined {
  if (f.fault_address === undefined || f.error_code === undefined) return undefined;
  const d: Decoded = { kind: 'fault', args: pick(f, { address: 'fault_address', error_code: 'error_code', rip: 'guest_rip' }) };
  if (f.vcpu_id !== undefined) d.vcpu = Number(f.vcpu_id);
  return d;
}

export function mapKvmHypercall(f: Fields): Decoded | undefined {
  if (f.nr === undefined) return undefined;
  return { kind: 'hypercall', args: pick(f, { nr: 'nr', a0: 'a0', a1: 'a1', a2: 'a2', a3: 'a3' }) };
}

export function mapKvmMsr(f: Fields, printed: Printed): Decoded | undefined {
  const dir = printed('write');
  if (dir === undefined || f.ecx === undefined || f.data === undefined) return undefined;
  return { kind: 'exit', args: { dir, msr: f.ecx, data: f.data, fault: Number(f.exception ?? 0) !== 0 } };
}

export function mapKvmCpuid(f: Fields): Decoded | undefined {
  if (f.function === undefined) return undefined;
  const args = pick(f, { func: 'function', idx: 'index', rax: 'rax', rbx: 'rbx', rcx: 'rcx', rdx: 'rdx' });
  if (f.found !== undefined) args.found = Number(f.found) !== 0;
  if (Number(f.used_max_basic ?? 0)) args.used_max_basic = true;
  return { kind: 'exit', args };
}

export function mapKvmSetIrq(f: Fields): Decoded | undefined {
  if (f.gsi === undefined) return undefined;
  return { kind: 'guest', args: pick(f, { gsi: 'gsi', level: 'level', source: 'irq_source_id' }) };
}

export function mapSchedSwitch(f: Fields, printed: Printed): Decoded | undefined {
  const prevState = printed('prev_state');
  if (prevState === undefined || f.prev_pid === undefined || f.next_pid === undefined) return undefined;
  return {
    kind: 'context_switch',
    args: {
      prev_comm: f.prev_comm ?? '',
      prev_pid: f.prev_pid,
      prev_prio: f.prev_prio ?? null,
      prev_state: prevState,
      next_comm: f.next_comm ?? '',
      next_pid: f.next_pid,
      next_prio: f.next_prio ?? null,
    },
  };
}

/** The events hvreplay models, by tracepoint name. */
export const EVENT_MAPPERS: Readonly<Record<string, EventMapper>> = {
  kvm_exit: mapKvmExit,
  kvm_entry: mapKvmEntry,
  kvm_userspace_exit: mapKvmUserspaceExit,
  kvm_mmio: mapKvmMmio,
  kvm_pio: mapKvmPio,
  kvm_page_fault: mapKvmPageFault,
  kvm_hypercall: mapKvmHypercall,
  kvm_msr: mapKvmMsr,
  kvm_cpuid: mapKvmCpuid,
  kvm_set_irq: mapKvmSetIrq,
  sched_switch: mapSchedSwitch,
};
