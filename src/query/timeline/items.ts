import type { Effect } from '../../model/effect.js';
import type { RunState } from '../../model/state.js';

// What a replayed trace looks like on a timeline: the calls, exits, guest time and run states of each
// VMM thread and vCPU, as intervals and instants. The builder (builder.ts) derives them from the
// replayed states and effects, so `export` and `stats` see exactly what `state` and `replay` see.
// Times are integer nanoseconds on the trace's clock, relative to its origin (clock.ts).

/** A field of an exit or call as the tools print it: a number, or a "0x..." address. */
export type Fields = Record<string, number | string>;

export interface ThreadKey {
  pid: number;
  tid: number;
  comm?: string;
}

export interface VcpuKey {
  vm: number;
  vcpu: number;
  /** The VMM process the VM belongs to. */
  pid: number;
  /** The thread that runs it, once the trace has shown one. */
  tid?: number;
}

/** An exit to userspace (KVM_EXIT_*, as KVM_RUN returns it) or one handled in the kernel (kvm_exit's reason). */
export type ExitLevel = 'userspace' | 'kernel';

export type TimelineItem =
  /** An ioctl other than KVM_RUN, on the thread that made it; `target` is what its fd is. */
  | {
      type: 'call';
      seq: number;
      thread: ThreadKey;
      name: string;
      target: 'kvm' | 'vm' | 'vcpu' | 'other';
      start: number;
      end: number;
      ret?: number | string;
      errno?: string;
      fields: Fields;
    }
  /** One KVM_RUN call on a vCPU, from its start to its return (strace -T). */
  | { type: 'run'; seq: number; vcpu: VcpuKey; start: number; end: number; exit?: string; errno?: string }
  /**
   * One exit, counted by the engine's rule (exit-count.ts), from the kernel's exit to the vCPU's next
   * entry: the next KVM_RUN for an exit to userspace, the next kvm_entry for one handled in the kernel.
   * `open` when the trace (or window) ended first, so `end` is only where it was cut.
   */
  | {
      type: 'exit';
      seq: number;
      vcpu: VcpuKey;
      level: ExitLevel;
      reason: string;
      start: number;
      end: number;
      open: boolean;
      fields: Fields;
    }
  /** Time in the guest: kvm_entry to kvm_exit. */
  | { type: 'guest'; seq: number; vcpu: VcpuKey; start: number; end: number; open: boolean }
  /** A stretch of a vCPU thread in one run state (Xen's RUNSTATE_*), as the replayed state has it. */
  | { type: 'runstate'; vcpu: VcpuKey; state: RunState; start: number; end: number; open: boolean }
  /** The number of memslots of a VM changed. */
  | { type: 'memslots'; seq: number; vm: number; pid: number; at: number; count: number }
  /** The running total of a VM's exits of one reason, at each exit counted. */
  | { type: 'exit-total'; seq: number; vm: number; pid: number; level: ExitLevel; reason: string; at: number; total: number }
  /** A prediction worth seeing on a timeline (crash, log, guest_write), on the VMM and vCPU it concerns. */
  | { type: 'effect'; seq: number; pid: number; vcpu?: VcpuKey; at: number; effect: Effect };

export type TimelineSink = (item: TimelineItem) => void;
