import type { Args, NewEvent } from '../../model/event.js';
import { argsSchemaOf } from '../../engine/policy/vocabulary.js';
import type { ImportStats } from '../stats.js';

// strace 6.1 prints most KVM structs as the argument's address (`KVM_IOEVENTFD, 0x7ffd91c5d5c0`).
// `hvreplay record` also puts a uprobe on libc's ioctl() (record/ioctl-probe.ts), whose event carries
// the call's request, its argument and the first 64 bytes the argument points to, read as the call
// was made:
//   libc_ioctl: (0x7f5a957a0d30) fd=9 request=0x4040ae79 type=174 arg=0x7ffdbfe91ef0 mem={0x0,...}
// A call of strace's whose struct it printed as an address gets its input fields from the probe event
// of the same thread, request and address that came before it; a call whose struct strace printed
// gets only the fields it did not print (KVM_GET_SUPPORTED_CPUID's room, nentIn, beside the count the
// kernel wrote back, nent). The fields are those of
// include/uapi/linux/kvm.h (offsets checked against Debian's linux-libc-dev 6.1 with offsetof()), and
// they pass the event's schema like any importer's args. Output fields (what the kernel writes back)
// are not in a probe taken at entry, and a struct whose fields lie past 64 bytes is left as it was.

export const IOCTL_ARGS_STATS = {
  filled: 'merge.ioctl_args_from_probe',
  unmatched: 'merge.ioctl_probe_unmatched',
} as const;

const PROBE = /^\(0x[0-9a-f]+\) fd=(-?\d+) request=0x([0-9a-f]+) type=\d+ arg=0x([0-9a-f]+) mem=\{([0-9a-fx,]*)\}$/;
const ADDRESS = /^0x[0-9a-f]+$/;
/** Probes a thread may have waiting for their strace call; more means they belong to no traced call. */
const MAX_PENDING = 16;

interface Probe {
  request: number;
  arg: string;
  mem: Buffer;
}

const hex = (n: bigint | number) => `0x${n.toString(16)}`;

/** What each request's struct holds at entry, from its bytes, by the ioctl's name with its request code (_IOW/_IOWR of KVMIO). */
const DECODERS: Record<string, { request: number; decode: (m: Buffer) => Args }> = {
  // struct kvm_ioeventfd {__u64 datamatch; __u64 addr; __u32 len; __s32 fd; __u32 flags; __u8 pad[36];}
  KVM_IOEVENTFD: {
    request: 0x4040ae79,
    decode: (m) => ({
      datamatch: hex(m.readBigUInt64LE(0)),
      addr: hex(m.readBigUInt64LE(8)),
      len: m.readUInt32LE(16),
      eventfd: m.readInt32LE(20),
      flags: m.readUInt32LE(24),
    }),
  },
  // struct kvm_coalesced_mmio_zone {__u64 addr; __u32 size; union {__u32 pad; __u32 pio;};}
  KVM_REGISTER_COALESCED_MMIO: { request: 0x4010ae67, decode: zone },
  KVM_UNREGISTER_COALESCED_MMIO: { request: 0x4010ae68, decode: zone },
  // struct kvm_irq_level {union {__u32 irq; __s32 status;}; __u32 level;}
  KVM_IRQ_LINE: { request: 0x4008ae61, decode: irqLevel },
  KVM_IRQ_LINE_STATUS: { request: 0xc008ae67, decode: irqLevel },
  // struct kvm_interrupt {__u32 irq;}
  KVM_INTERRUPT: { request: 0x4004ae86, decode: (m) => ({ irq: m.readUInt32LE(0) }) },
  // struct kvm_pit_config {__u32 flags; __u32 pad[15];}
  KVM_CREATE_PIT2: { request: 0x4040ae77, decode: (m) => ({ flags: m.readUInt32LE(0) }) },
  // struct kvm_irqchip {__u32 chip_id; __u32 pad; union {...} chip;}
  KVM_GET_IRQCHIP: { request: 0xc208ae62, decode: (m) => ({ chip_id: m.readUInt32LE(0) }) },
  KVM_SET_IRQCHIP: { request: 0x8208ae63, decode: (m) => ({ chip_id: m.readUInt32LE(0) }) },
  // struct kvm_dirty_log {__u32 slot; __u32 padding1; union {void __user *dirty_bitmap; __u64 padding2;};}
  KVM_GET_DIRTY_LOG: { request: 0x4010ae42, decode: (m) => ({ slot: m.readUInt32LE(0) }) },
  // struct kvm_clear_dirty_log {__u32 slot; __u32 num_pages; __u64 first_page; union {void __user *dirty_bitmap; __u64 padding2;};}
  KVM_CLEAR_DIRTY_LOG: {
    request: 0xc018aec0,
    decode: (m) => ({ slot: m.readUInt32LE(0), num_pages: m.readUInt32LE(4), first_page: hex(m.readBigUInt64LE(8)) }),
  },
  // struct kvm_enable_cap {__u32 cap; __u32 flags; __u64 args[4]; __u8 pad[64];}
  KVM_ENABLE_CAP: {
    request: 0x4068aea3,
    decode: (m) => ({ cap: m.readUInt32LE(0), flags: m.readUInt32LE(4), args: [0, 1, 2, 3].map((i) => hex(m.readBigUInt64LE(8 + 8 * i))) }),
  },
  // struct kvm_device_attr {__u32 flags; __u32 group; __u64 attr; __u64 addr;}
  KVM_GET_DEVICE_ATTR: { request: 0x4018aee2, decode: deviceAttr },
  KVM_HAS_DEVICE_ATTR: { request: 0x4018aee3, decode: deviceAttr },
  // struct kvm_msr_list {__u32 nmsrs; __u32 indices[];}
  KVM_GET_MSR_INDEX_LIST: { request: 0xc004ae02, decode: (m) => ({ nmsrs: m.readUInt32LE(0) }) },
  KVM_GET_MSR_FEATURE_INDEX_LIST: { request: 0xc004ae0a, decode: (m) => ({ nmsrs: m.readUInt32LE(0) }) },
  // struct kvm_msrs {__u32 nmsrs; __u32 pad; struct kvm_msr_entry {__u32 index; __u32 reserved; __u64 data;} entries[];}
  KVM_GET_MSRS: { request: 0xc008ae88, decode: msrs },
  // struct kvm_cpuid2 {__u32 nent; __u32 padding; struct kvm_cpuid_entry2 entries[];}: the room given
  KVM_GET_SUPPORTED_CPUID: { request: 0xc008ae05, decode: (m) => ({ nentIn: m.readUInt32LE(0) }) },
  // __u64 mcg_cap
  KVM_X86_SETUP_MCE: { request: 0x4008ae9c, decode: (m) => ({ mcg_cap: hex(m.readBigUInt64LE(0)) }) },
};

/** Entries that fit in the 64 bytes read after kvm_msrs' 8-byte header. */
const MSR_ENTRIES_SEEN = Math.floor((64 - 8) / 16);

function msrs(m: Buffer): Args {
  const nmsrs = m.readUInt32LE(0);
  if (nmsrs > MSR_ENTRIES_SEEN) return { nmsrs };
  return { nmsrs, indices: Array.from({ length: nmsrs }, (_, i) => hex(m.readUInt32LE(8 + 16 * i))) };
}

function deviceAttr(m: Buffer): Args {
  return { flags: m.readUInt32LE(0), group: m.readUInt32LE(4), attr: hex(m.readBigUInt64LE(8)) };
}

function zone(m: Buffer): Args {
  return { addr: hex(m.readBigUInt64LE(0)), size: m.readUInt32LE(8), pio: m.readUInt32LE(12) };
}

function irqLevel(m: Buffer): Args {
  return { irq: m.readUInt32LE(0), level: m.readUInt32LE(4) };
}

/** The probe event's fields, or undefined for a line in another shape. */
export function parseProbe(raw: string): Probe | undefined {
  const m = PROBE.exec(raw);
  if (!m) return undefined;
  const words = m[4]!.split(',').filter((w) => w !== '');
  return { request: parseInt(m[2]!, 16), arg: `0x${m[3]!}`, mem: wordsToBytes(words.map((w) => BigInt(w))) };
}

/** A trace.dat's probe event: its fields decoded from the format the file carries (numbers, or "0x..." beyond 2^53). */
function probeFromFields(args: Args): Probe | undefined {
  const { request, arg, mem } = args;
  if (typeof request !== 'number' || !Array.isArray(mem) || (typeof arg !== 'number' && typeof arg !== 'string')) return undefined;
  if (!mem.every((w) => typeof w === 'number' || typeof w === 'string')) return undefined;
  return { request, arg: `0x${BigInt(arg).toString(16)}`, mem: wordsToBytes(mem.map((w) => BigInt(w as number | string))) };
}

function wordsToBytes(words: bigint[]): Buffer {
  const mem = Buffer.alloc(words.length * 8);
  words.forEach((w, i) => mem.writeBigUInt64LE(w & 0xffffffffffffffffn, i * 8));
  return mem;
}

/** The probe's event (record/ioctl-probe.ts IOCTL_PROBE_EVENT), as ftrace text or a trace.dat gives it. */
export function probeOf(event: NewEvent): Probe | undefined {
  if (event.kind !== 'generic' || event.name !== 'libc_ioctl') return undefined;
  return typeof event.args.raw === 'string' ? parseProbe(event.args.raw) : probeFromFields(event.args);
}

export class IoctlArgs {
  private readonly pending = new Map<number, Probe[]>();

  constructor(private readonly stats: ImportStats) {}

  /** Sees every event in merged order; fills in an strace ioctl's args in place where a probe shows them. */
  see(event: NewEvent): void {
    if (event.tid === undefined) return;
    const probe = probeOf(event);
    if (probe) this.wait(event.tid, probe);
    else if (event.kind === 'ioctl' && event.name.startsWith('KVM_')) this.take(event, event.tid);
  }

  private wait(tid: number, probe: Probe): void {
    const queue = this.pending.get(tid) ?? [];
    queue.push(probe);
    if (queue.length > MAX_PENDING) this.unmatched(queue.splice(0, queue.length - MAX_PENDING).length);
    this.pending.set(tid, queue);
  }

  private take(event: NewEvent, tid: number): void {
    const queue = this.pending.get(tid);
    if (!queue?.length) return;
    const raw = typeof event.args.raw === 'string' && ADDRESS.test(event.args.raw) ? event.args.raw : undefined;
    const decoder = DECODERS[event.name];
    // Every KVM ioctl of a thread went through libc's ioctl(), probe first, in the order strace saw
    // them: a call takes the oldest probe that fits it, and older ones went unmatched. A call whose
    // fields are read takes only a probe of its own request, and of its address where strace printed one.
    const fits = (p: Probe) => (raw === undefined || p.arg === raw) && (!decoder || p.request === decoder.request);
    const at = queue.findIndex(fits);
    if (at < 0) return;
    const probe = queue[at]!;
    queue.splice(0, at + 1);
    this.unmatched(at);
    if (!decoder || probe.mem.length < 64) return;
    const fields = decoder.decode(probe.mem);
    if (!addressOnly(event.args) && Object.keys(fields).some((k) => k in event.args)) return;
    const schema = argsSchemaOf(event.kind, event.name, 'importer');
    const parsed = schema?.safeParse({ ...event.args, ...fields });
    if (!parsed?.success) return;
    event.args = parsed.data as Args;
    this.stats.count(IOCTL_ARGS_STATS.filled);
  }

  /** Probes no strace call took: of another process, or of a call strace did not see. */
  end(): void {
    for (const queue of this.pending.values()) this.unmatched(queue.length);
    this.pending.clear();
  }

  private unmatched(n: number): void {
    if (n > 0) this.stats.count(IOCTL_ARGS_STATS.unmatched, n);
  }
}

/** strace printed nothing of the struct: the fd, its path and the address. */
function addressOnly(args: Args): boolean {
  return Object.keys(args).every((k) => k === 'fd' || k === 'fdPath' || k === 'raw') && ADDRESS.test(args.raw as string);
}
