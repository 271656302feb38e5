// Decoding of the payloads of the events hvreplay models. Decimal fields are the kernel's %d/%u, ten
// digits at most: a longer number is not such a field, and the payload is refused rather than rounded. Each decoder follows the TP_printk format of
// the tracepoint (quoted from the kernel sources and, for 6.18, from this machine's
// /sys/kernel/tracing/events/*/*/format). A decoder returns undefined when the payload does not
// have the expected shape; the parser then keeps the event as a generic one and counts a problem.

import type { Args } from '../../model/event.js';
import { hexDigits } from '../numbers.js';
import * as m from './event-mapping.js';
import type { Decoded } from './event-mapping.js';

export type { Decoded };

const hex = (s: string): number | string => hexDigits(s.startsWith('0x') ? s.slice(2) : s);

/** A %d field: a decimal of at most ten digits, else undefined. */
function small(text: string): number | undefined {
  return /^-?\d{1,10}$/.test(text) ? Number(text) : undefined;
}

// kvm_exit, arch/x86/kvm/trace.h.
//   since v5.16 ("vcpu" added), 6.18 adds requests:
//     "vcpu %u reason %s%s%s rip 0x%lx info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x requests 0x%016llx"
//   v5.7..v5.15:  "reason %s%s%s rip 0x%lx info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x"
//   before v5.7:  "reason %s rip 0x%lx info %llx %llx"
// The reason is a symbolic name that may contain a space ("DE excp", "INVALID_STATE FAILED_VMENTRY").
const KVM_EXIT =
  /^(?:vcpu (\d{1,10}) )?reason (.+?) rip (0x[0-9a-f]+) info1? (?:0x)?([0-9a-f]+) (?:info2 )?(?:0x)?([0-9a-f]+)(?: intr_info 0x([0-9a-f]+) error_code 0x([0-9a-f]+))?(?: requests 0x([0-9a-f]+))?/;

// kvm_entry, arch/x86/kvm/trace.h:
//   6.18: "vcpu %u, rip 0x%lx intr_info 0x%08x error_code 0x%08x%s" (last %s "[immediate exit]")
//   v5.9..: "vcpu %u, rip 0x%lx";  before: "vcpu %u"
const KVM_ENTRY = /^vcpu (\d{1,10})(?:, rip 0x([0-9a-f]+))?(?: intr_info 0x([0-9a-f]+) error_code 0x([0-9a-f]+))?(\[immediate exit\])?/;

// kvm_userspace_exit, include/trace/events/kvm.h:
//   "reason %s (%d)", errno < 0 ? (errno == -EINTR ? "restart" : "error") : __print_symbolic(reason, kvm_trace_exit_reason),
//   errno < 0 ? -errno : reason
// kvm_trace_exit_reason names reasons up to KVM_EXIT_X86_WRMSR (30) only (added with it in v5.10,
// 1ae099540e8c "KVM: x86: Allow deflecting unknown MSR accesses to user space"); for a later reason
// __print_symbolic prints the number in hex, "reason 0x22 (34)", and the name comes from the number.
const KVM_USERSPACE_EXIT = /^reason (\S+) \((\d{1,10})\)$/;

// kvm_mmio, include/trace/events/kvm.h: "mmio %s len %u gpa 0x%llx val 0x%llx" (type unsatisfied-read|read|write)
const KVM_MMIO = /^mmio (\S+) len (\d{1,10}) gpa 0x([0-9a-f]+)(?: val 0x([0-9a-f]+))?/;

// kvm_pio, arch/x86/kvm/trace.h: "pio_%s at 0x%x size %d count %d val 0x%x %s" (last %s "(...)" when
// count > 1); kernels before v4.1 had no val.
const KVM_PIO = /^pio_(read|write) at 0x([0-9a-f]+) size (\d{1,10}) count (\d{1,10})(?: val 0x([0-9a-f]+))?/;

// kvm_page_fault, arch/x86/kvm/trace.h:
//   v6.0..: "vcpu %u rip 0x%lx address 0x%016llx error_code 0x%llx"
//   before: "address %lx error_code %x"
const KVM_PAGE_FAULT = /^(?:vcpu (\d{1,10}) rip 0x([0-9a-f]+) )?address (?:0x)?([0-9a-f]+) error_code (?:0x)?([0-9a-f]+)/;

// kvm_hypercall, arch/x86/kvm/trace.h: "nr 0x%lx a0 0x%lx a1 0x%lx a2 0x%lx a3 0x%lx"
const KVM_HYPERCALL = /^nr 0x([0-9a-f]+) a0 0x([0-9a-f]+) a1 0x([0-9a-f]+) a2 0x([0-9a-f]+) a3 0x([0-9a-f]+)/;

// kvm_msr, arch/x86/kvm/trace.h: "msr_%s %x = 0x%llx%s" (last %s " (#GP)" on an exception)
const KVM_MSR = /^msr_(read|write) ([0-9a-f]+) = 0x([0-9a-f]+)( \(#GP\))?/;

// kvm_cpuid, arch/x86/kvm/trace.h:
//   "func %x idx %x rax %lx rbx %lx rcx %lx rdx %lx, cpuid entry %s%s" ("found"/"not found", ", used max basic")
//   before v5.7: "func %x rax %lx rbx %lx rcx %lx rdx %lx, cpuid entry %s%s"
const KVM_CPUID =
  /^func ([0-9a-f]+)(?: idx ([0-9a-f]+))? rax ([0-9a-f]+) rbx ([0-9a-f]+) rcx ([0-9a-f]+) rdx ([0-9a-f]+)(?:, cpuid entry (found|not found)(, used max basic)?)?/;

// kvm_set_irq, include/trace/events/kvm.h: "gsi %u level %d source %d"
const KVM_SET_IRQ = /^gsi (\d{1,10}) level (-?\d{1,10}) source (-?\d{1,10})/;

// Each decoder reads the fields out of the printed line, under the tracepoint's field names, and
// hands them to the mapping that the trace.dat reader shares (event-mapping.ts). A field the line
// prints symbolically comes as `printed` text.

/** The printed form of the named fields, for a decoder's call of its mapping. */
const printedAs =
  (texts: Record<string, string>): m.Printed =>
  (field) =>
    texts[field];

export function decodeKvmExit(p: string): Decoded | undefined {
  const m1 = KVM_EXIT.exec(p);
  if (!m1) return undefined;
  return m.mapKvmExit(
    {
      vcpu_id: m1[1] === undefined ? undefined : Number(m1[1]),
      guest_rip: hex(m1[3]!),
      info1: hexDigits(m1[4]!),
      info2: hexDigits(m1[5]!),
      intr_info: m1[6] === undefined ? undefined : hexDigits(m1[6]),
      error_code: m1[7] === undefined ? undefined : hexDigits(m1[7]),
      requests: m1[8] === undefined ? undefined : hexDigits(m1[8]),
    },
    printedAs({ exit_reason: m1[2]! }),
  );
}

export function decodeKvmEntry(p: string): Decoded | undefined {
  const m1 = KVM_ENTRY.exec(p);
  if (!m1) return undefined;
  return m.mapKvmEntry({
    vcpu_id: Number(m1[1]),
    rip: m1[2] === undefined ? undefined : hexDigits(m1[2]),
    intr_info: m1[3] === undefined ? undefined : hexDigits(m1[3]),
    error_code: m1[4] === undefined ? undefined : hexDigits(m1[4]),
    immediate_exit: m1[5] === undefined ? undefined : 1,
  });
}

/** "reason %s (%d)": restart and error print -errno, anything else the reason. */
export function decodeKvmUserspaceExit(p: string): Decoded | undefined {
  const m1 = KVM_USERSPACE_EXIT.exec(p);
  if (!m1) return undefined;
  const what = m1[1]!;
  const code = Number(m1[2]);
  const failed = what === 'restart' || what === 'error';
  return m.mapKvmUserspaceExit({ reason: failed ? undefined : code, errno: failed ? -code : 0 }, printedAs({ reason: what }));
}

export function decodeKvmMmio(p: string): Decoded | undefined {
  const m1 = KVM_MMIO.exec(p);
  if (!m1) return undefined;
  return m.mapKvmMmio(
    { len: Number(m1[2]), gpa: hexDigits(m1[3]!), val: m1[4] === undefined ? undefined : hexDigits(m1[4]) },
    printedAs({ type: m1[1]! }),
  );
}

export function decodeKvmPio(p: string): Decoded | undefined {
  const m1 = KVM_PIO.exec(p);
  if (!m1) return undefined;
  return m.mapKvmPio(
    { port: hexDigits(m1[2]!), size: Number(m1[3]), count: Number(m1[4]), val: m1[5] === undefined ? undefined : hexDigits(m1[5]) },
    printedAs({ rw: m1[1]! }),
  );
}

export function decodeKvmPageFault(p: string): Decoded | undefined {
  const m1 = KVM_PAGE_FAULT.exec(p);
  if (!m1) return undefined;
  return m.mapKvmPageFault({
    vcpu_id: m1[1] === undefined ? undefined : Number(m1[1]),
    guest_rip: m1[2] === undefined ? undefined : hexDigits(m1[2]),
    fault_address: hexDigits(m1[3]!),
    error_code: hexDigits(m1[4]!),
  });
}

export function decodeKvmHypercall(p: string): Decoded | undefined {
  const m1 = KVM_HYPERCALL.exec(p);
  if (!m1) return undefined;
  return m.mapKvmHypercall({
    nr: hexDigits(m1[1]!),
    a0: hexDigits(m1[2]!),
    a1: hexDigits(m1[3]!),
    a2: hexDigits(m1[4]!),
    a3: hexDigits(m1[5]!),
  });
}

export function decodeKvmMsr(p: string): Decoded | undefined {
  const m1 = KVM_MSR.exec(p);
  if (!m1) return undefined;
  return m.mapKvmMsr(
    { ecx: hexDigits(m1[2]!), data: hexDigits(m1[3]!), exception: m1[4] === undefined ? 0 : 1 },
    printedAs({ write: m1[1]! }),
  );
}

export function decodeKvmCpuid(p: string): Decoded | undefined {
  const m1 = KVM_CPUID.exec(p);
  if (!m1) return undefined;
  return m.mapKvmCpuid({
    function: hexDigits(m1[1]!),
    index: m1[2] === undefined ? undefined : hexDigits(m1[2]),
    rax: hexDigits(m1[3]!),
    rbx: hexDigits(m1[4]!),
    rcx: hexDigits(m1[5]!),
    rdx: hexDigits(m1[6]!),
    found: m1[7] === undefined ? undefined : m1[7] === 'found' ? 1 : 0,
    used_max_basic: m1[8] === undefined ? undefined : 1,
  });
}

export function decodeKvmSetIrq(p: string): Decoded | undefined {
  const m1 = KVM_SET_IRQ.exec(p);
  if (!m1) return undefined;
  return m.mapKvmSetIrq({ gsi: Number(m1[1]), level: Number(m1[2]), irq_source_id: Number(m1[3]) });
}

// kvm_dirty_ring_push and kvm_dirty_ring_reset, include/trace/events/kvm.h (5.11+):
//   "ring %d: dirty 0x%x reset 0x%x slot %u offset 0x%llx (used %u)"
//   "ring %d: dirty 0x%x reset 0x%x (used %u)"
// The ring is the vCPU's index; used is dirty - reset, so it is not kept.
const KVM_DIRTY_RING = /^ring (\d+): dirty 0x([0-9a-f]+) reset 0x([0-9a-f]+)(?: slot (\d+) offset 0x([0-9a-f]+))? \(used \d+\)$/;

function dirtyRing(p: string, push: boolean): Decoded | undefined {
  const m = KVM_DIRTY_RING.exec(p);
  if (!m || (m[4] !== undefined) !== push) return undefined;
  const args: Args = { ring: Number(m[1]), dirty: parseInt(m[2]!, 16), reset: parseInt(m[3]!, 16) };
  if (push) Object.assign(args, { slot: Number(m[4]), offset: hexDigits(m[5]!) });
  return { kind: 'fault', args };
}

export const decodeKvmDirtyRingPush = (p: string): Decoded | undefined => dirtyRing(p, true);
export const decodeKvmDirtyRingReset = (p: string): Decoded | undefined => dirtyRing(p, false);

// sched_switch, include/trace/events/sched.h:
//   "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d"
// Comms may contain spaces ("CPU 0/KVM"), so fields are cut at the ` key=` anchors, not at spaces.
export function decodeSchedSwitch(p: string): Decoded | undefined {
  if (!p.startsWith('prev_comm=')) return undefined;
  const a = p.indexOf(' prev_pid=');
  const b = p.indexOf(' prev_prio=', a);
  const c = p.indexOf(' prev_state=', b);
  const d = p.indexOf(' ==> next_comm=', c);
  const e = p.lastIndexOf(' next_pid=');
  const f = p.indexOf(' next_prio=', e);
  if (a < 0 || b < 0 || c < 0 || d < 0 || e < d || f < 0) return undefined;
  const prev_pid = small(p.slice(a + 10, b));
  const prev_prio = small(p.slice(b + 11, c));
  const next_pid = small(p.slice(e + 10, f));
  const next_prio = small(p.slice(f + 11));
  if (prev_pid === undefined || prev_prio === undefined || next_pid === undefined || next_prio === undefined) return undefined;
  return m.mapSchedSwitch(
    {
      prev_comm: p.slice(10, a),
      prev_pid,
      prev_prio,
      next_comm: p.slice(d + 15, e),
      next_pid,
      next_prio,
    },
    printedAs({ prev_state: p.slice(c + 12, d) }),
  );
}

const KV_ONLY = /^(?:[A-Za-z_][\w.]*=\S*(?:\s+|$))+$/;
const KV = /([A-Za-z_][\w.]*)=(\S*)/g;

/** Any other event: raw payload, plus its fields when the payload is entirely key=value pairs. */
export function decodeGeneric(p: string): Args {
  const args: Args = { raw: p };
  if (p.indexOf('=') < 0 || !KV_ONLY.test(p)) return args;
  for (const m of p.matchAll(KV)) {
    const key = m[1]!;
    if (key === 'raw') continue;
    const v = m[2]!;
    args[key] = /^-?\d+$/.test(v) && v.length <= 15 ? Number(v) : /^0x[0-9a-f]+$/i.test(v) ? hexDigits(v.slice(2).toLowerCase()) : v;
  }
  return args;
}
