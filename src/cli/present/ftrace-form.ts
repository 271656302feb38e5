import { toBig } from '../../model/address.js';
import type { ArgValue, Args, TraceEvent } from '../../model/event.js';

// The payload of a trace event as its tracepoint's TP_printk prints it (the formats are quoted in
// src/importers/ftrace/payload.ts), so an ftrace user reads hvreplay's log as they read tracefs.

function x(value: ArgValue | undefined, width = 0): string {
  const big = toBig(value);
  return big === undefined ? String(value) : big.toString(16).padStart(width, '0');
}

const FORMATS: Record<string, (a: Args, e: TraceEvent) => string> = {
  kvm_exit: (a, e) =>
    `${e.vcpu !== undefined ? `vcpu ${e.vcpu} ` : ''}reason ${a.reason} rip 0x${x(a.rip)} info1 0x${x(a.info1, 16)} info2 0x${x(a.info2, 16)}` +
    (a.intr_info !== undefined ? ` intr_info 0x${x(a.intr_info, 8)} error_code 0x${x(a.error_code, 8)}` : ''),
  kvm_entry: (a, e) => `vcpu ${e.vcpu ?? 0}${a.rip !== undefined ? `, rip 0x${x(a.rip)}` : ''}`,
  kvm_userspace_exit: (a) =>
    a.errno === undefined ? `reason ${a.reason} (${a.code})` : `reason ${a.errno === 'EINTR' ? 'restart' : 'error'} (${a.code})`,
  kvm_mmio: (a) => `mmio ${a.type} len ${a.len} gpa 0x${x(a.gpa)}${a.val !== undefined ? ` val 0x${x(a.val)}` : ''}`,
  kvm_pio: (a) => `pio_${a.dir} at 0x${x(a.port)} size ${a.size} count ${a.count}${a.val !== undefined ? ` val 0x${x(a.val)}` : ''}`,
  kvm_page_fault: (a, e) =>
    `${e.vcpu !== undefined ? `vcpu ${e.vcpu} rip 0x${x(a.rip)} ` : ''}address 0x${x(a.address, 16)} error_code 0x${x(a.error_code)}`,
  kvm_hypercall: (a) => `nr 0x${x(a.nr)} a0 0x${x(a.a0)} a1 0x${x(a.a1)} a2 0x${x(a.a2)} a3 0x${x(a.a3)}`,
  kvm_msr: (a) => `msr_${a.dir} ${x(a.msr)} = 0x${x(a.data)}${a.fault ? ' (#GP)' : ''}`,
  kvm_cpuid: (a) =>
    `func ${x(a.func)}${a.idx !== undefined ? ` idx ${x(a.idx)}` : ''} rax ${x(a.rax)} rbx ${x(a.rbx)} rcx ${x(a.rcx)} rdx ${x(a.rdx)}` +
    (a.found !== undefined ? `, cpuid entry ${a.found ? 'found' : 'not found'}` : ''),
  kvm_set_irq: (a) => `gsi ${a.gsi} level ${a.level} source ${a.source}`,
  kvm_dirty_ring_push: (a) =>
    `ring ${a.ring}: dirty 0x${x(a.dirty)} reset 0x${x(a.reset)} slot ${a.slot} offset 0x${x(a.offset)} (used ${Number(a.dirty) - Number(a.reset)})`,
  kvm_dirty_ring_reset: (a) => `ring ${a.ring}: dirty 0x${x(a.dirty)} reset 0x${x(a.reset)} (used ${Number(a.dirty) - Number(a.reset)})`,
  sched_switch: (a) =>
    `prev_comm=${a.prev_comm} prev_pid=${a.prev_pid} prev_prio=${a.prev_prio} prev_state=${a.prev_state} ==> next_comm=${a.next_comm} next_pid=${a.next_pid} next_prio=${a.next_prio}`,
  tracing_mark_write: (a) => String(a.text),
};

/** Names whose numbers are addresses or register values, printed in hex like the kernel does. */
const HEX_KEYS =
  /^(addr|address|gpa|gva|hva|va|rip|userspace_addr|guest_phys_addr|link_address|info\d|intr_info|error_code|data|val|port|msr)$/;

function field(key: string, value: ArgValue): string {
  if (typeof value === 'number' && HEX_KEYS.test(key)) return `${key}=0x${x(value)}`;
  return `${key}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : value}`;
}

/** The args each format prints; an event without them (kept generic, or imported from JSON Lines) is printed field by field. */
const NEEDS: Record<string, string[]> = {
  kvm_exit: ['reason', 'rip', 'info1', 'info2'],
  kvm_userspace_exit: ['code'],
  kvm_mmio: ['type', 'len', 'gpa'],
  kvm_pio: ['dir', 'port', 'size', 'count'],
  kvm_page_fault: ['address', 'error_code'],
  kvm_hypercall: ['nr', 'a0', 'a1', 'a2', 'a3'],
  kvm_msr: ['dir', 'msr', 'data'],
  kvm_cpuid: ['func', 'rax', 'rbx', 'rcx', 'rdx'],
  kvm_set_irq: ['gsi', 'level', 'source'],
  sched_switch: ['prev_comm', 'prev_pid', 'prev_prio', 'prev_state', 'next_comm', 'next_pid', 'next_prio'],
  tracing_mark_write: ['text'],
};

/** True when the event has what its tracepoint's format prints. */
function decoded(event: TraceEvent): boolean {
  return event.kind !== 'generic' && (NEEDS[event.name] ?? []).every((k) => event.args[k] !== undefined);
}

/** The payload text, or undefined when the event has no recognised form (the caller prints its name only). */
export function tracePayload(event: TraceEvent): string {
  const format = FORMATS[event.name];
  if (format && decoded(event)) return format(event.args, event);
  const { args } = event;
  if (typeof args.raw === 'string' && Object.keys(args).length === 1) return args.raw;
  return Object.entries(args)
    .map(([k, v]) => field(k, v))
    .join(' ');
}

/** ftrace events whose observed result only repeats their payload. */
export function resultInPayload(event: TraceEvent): boolean {
  return event.name in FORMATS;
}
