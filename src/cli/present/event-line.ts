import { toBig } from '../../model/address.js';
import type { ArgValue, Args, TraceEvent } from '../../model/event.js';
import { MEMSLOT_FLAG_NAMES } from '../../model/kvm-abi.js';
import { resultInPayload, tracePayload } from './ftrace-form.js';
import { cHex, fdText, SYSCALL_ARGS } from './syscall-form.js';
import { terminalLine } from './terminal-text.js';

// One line per event, in the form its users already read: strace's for calls, ftrace's for the rest.

function memslotFlags(flags: ArgValue | undefined): string {
  let rest = Number(flags ?? 0);
  if (rest === 0) return '0';
  const names: string[] = [];
  for (const [name, bit] of Object.entries(MEMSLOT_FLAG_NAMES)) {
    if (rest & bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest) names.push('0x' + rest.toString(16));
  return names.join('|');
}

// A form returns undefined when the args lack what it prints (an event from JSON Lines, say); the
// event is then printed field by field.
const IOCTL_ARG: Record<string, (args: Args) => string | undefined> = {
  KVM_SET_USER_MEMORY_REGION: (a) =>
    a.slot === undefined || a.guest_phys_addr === undefined
      ? undefined
      : `{slot=${a.slot}, flags=${memslotFlags(a.flags)}, guest_phys_addr=${cHex(a.guest_phys_addr)}, memory_size=${toBig(a.memory_size) ?? a.memory_size}, userspace_addr=${cHex(a.userspace_addr)}}`,
  KVM_CREATE_VM: (a) => String(a.type ?? 0),
  KVM_CREATE_VCPU: (a) => String(a.id ?? 0),
  KVM_CHECK_EXTENSION: (a) => String(a.cap),
  KVM_RUN: () => '0',
  KVM_GET_API_VERSION: () => '0',
  KVM_SET_TSS_ADDR: (a) => cHex(a.addr),
  KVM_SET_TSC_KHZ: (a) => cHex(a.khz),
  KVM_GET_VCPU_MMAP_SIZE: (a) => String(a.arg ?? 0),
  KVM_CREATE_IRQCHIP: (a) => String(a.arg ?? 0),
  KVM_GET_TSC_KHZ: (a) => String(a.arg ?? 0),
  KVM_KVMCLOCK_CTRL: (a) => String(a.arg ?? 0),
  KVM_SET_CPUID2: (a) => (a.nent === undefined ? String(a.raw) : `{nent=${a.nent}, entries=[...]}`),
  KVM_GET_SUPPORTED_CPUID: (a) => (a.nent === undefined ? String(a.raw) : `{nent=${a.nent}, entries=[...]}`),
};

function callResult(event: TraceEvent): string {
  const r = event.result;
  if (!r) return '';
  let text =
    r.errno !== undefined
      ? r.ret === undefined
        ? ` = ? ${r.errno}`
        : ` = ${r.ret} ${r.errno}`
      : r.ret === undefined
        ? ''
        : ` = ${event.name === 'mmap' ? cHex(r.ret) : r.ret}`;
  if (r.fdPath !== undefined) text += `<${r.fdPath}>`;
  if (r.exit !== undefined) text += ` (${r.exit})`;
  if (r.duration !== undefined) text += ` <${r.duration.toFixed(6)}>`;
  return text;
}

/** The event as its source would print it, without position or time. */
export function eventBody(event: TraceEvent): string {
  const { args } = event;
  if (event.kind === 'ioctl') {
    const rest = Object.fromEntries(Object.entries(args).filter(([k]) => k !== 'fd' && k !== 'fdPath'));
    // The raw text when the importer could not decode the call's struct: never a form with holes in it.
    const arg = typeof args.raw === 'string' ? args.raw : (IOCTL_ARG[event.name]?.(args) ?? tracePayload({ ...event, args: rest }));
    return `ioctl(${fdText(args)}, ${event.name}, ${arg})${callResult(event)}`;
  }
  if (event.kind === 'syscall') {
    // Every syscall with a form has a schema, so its args are what the form prints (src/importers/vocabulary-check.ts).
    const list = (typeof args.raw === 'string' ? undefined : SYSCALL_ARGS[event.name]?.(args)) ?? [tracePayload(event)];
    return `${event.name}(${list.join(', ')})${callResult(event)}`;
  }
  const text = tracePayload(event);
  return `${event.name}:${text ? ' ' + text : ''}${resultInPayload(event) ? '' : callResult(event)}`;
}

export function eventLine(event: TraceEvent, options: { source?: boolean; seq?: boolean } = {}): string {
  const parts = options.seq === false ? [] : [String(event.seq).padStart(6)];
  // strace -f prints the pid as %-5u and a space: keep that, so a strace line reads back unchanged.
  if (event.tid !== undefined) parts.push(String(event.tid).padEnd(5));
  if (event.cpu !== undefined) parts.push(`[${String(event.cpu).padStart(3, '0')}]`);
  if (event.ts !== undefined) parts.push(event.ts.toFixed(6));
  parts.push(eventBody(event));
  if (event.label) parts.push(`# ${event.label}`);
  if (options.source && event.src) parts.push(`[${sourceRef(event)}]`);
  return terminalLine(parts.join(' '));
}

export function sourceRef(event: TraceEvent): string {
  return event.src ? `${event.src.file}:${event.src.line}` : '-';
}
