import type { RunState } from '../../model/state.js';
import type { ExitLevel, Fields, TimelineSink, VcpuKey } from './items.js';

// One vCPU's timeline while the trace streams past: the exits still waiting for their end, the guest
// stretch since kvm_entry, the run state since it was entered. Only what is open is kept, so memory
// does not grow with the length of the trace.

interface OpenExit {
  seq: number;
  level: ExitLevel;
  reason: string;
  start: number;
  fields: Fields;
}

/**
 * Exits to userspace waiting for the next KVM_RUN. In a merged trace strace's KVM_RUN arrives at its
 * return, after the kernel events of that call, so the exit counted at one call's kvm_userspace_exit is
 * still open when the next call's exit is counted; beyond this many, the oldest is closed where the
 * next began (a trace whose KVM_RUN calls strace did not see).
 */
const MAX_WAITING_EXITS = 64;

export class VcpuLane {
  /** Whether strace showed this vCPU's KVM_RUN calls: without them an exit to userspace ends at the thread's next kernel event. */
  sawRun = false;
  private waiting: OpenExit[] = [];
  private kernelExit: OpenExit | undefined;
  private guest: { seq: number; start: number } | undefined;
  private runstate: { state: RunState; start: number } | undefined;
  /** kvm_pio / kvm_mmio fields seen since the last exit, for the exit they lead to. */
  private io: Fields = {};

  constructor(
    public key: VcpuKey,
    private readonly emit: TimelineSink,
  ) {}

  /** The vCPU is now run by `tid` (a new key, so items already handed out keep the one they had). */
  boundTo(tid: number): void {
    if (this.key.tid !== tid) this.key = { ...this.key, tid };
  }

  /** A KVM_RUN started at `at`: every exit to userspace counted before then ends here. */
  runStarted(at: number): void {
    this.sawRun = true;
    this.closeWaiting((exit) => exit.start <= at, at);
  }

  /** A kernel event of this vCPU's thread: the thread is back in KVM_RUN, which only strace would show. */
  kernelEvent(at: number): void {
    if (!this.sawRun) this.closeWaiting((exit) => exit.start < at, at);
  }

  /** kvm_pio / kvm_mmio: a read's value arrives in the next run, so it completes an exit still open without one. */
  ioFields(fields: Fields): void {
    const open = this.waiting.at(-1) ?? this.kernelExit;
    if (open && open.fields.port === undefined && open.fields.gpa === undefined) Object.assign(open.fields, fields);
    else this.io = { ...this.io, ...fields };
  }

  exitCounted(seq: number, level: ExitLevel, reason: string, at: number, fields: Fields): void {
    const exit: OpenExit = { seq, level, reason, start: at, fields: { ...this.io, ...fields } };
    this.io = {};
    if (level === 'kernel') {
      if (this.guest) this.closeGuest(at, false);
      if (this.kernelExit) this.closeExit(this.kernelExit, at, false);
      this.kernelExit = exit;
      return;
    }
    this.waiting.push(exit);
    if (this.waiting.length > MAX_WAITING_EXITS) this.closeExit(this.waiting.shift()!, at, false);
  }

  /** kvm_entry: the kernel's handling of the last hardware exit ends, the guest runs. */
  entered(seq: number, at: number): void {
    if (this.kernelExit) this.closeExit(this.kernelExit, at, false);
    this.kernelExit = undefined;
    if (this.guest) this.closeGuest(at, false);
    this.guest = { seq, start: at };
  }

  runstateAt(state: RunState, since: number): void {
    const now = this.runstate;
    if (now && now.state === state) return;
    if (now) {
      const at = Math.max(since, now.start);
      this.emit({ type: 'runstate', vcpu: this.key, state: now.state, start: now.start, end: at, open: false });
      this.runstate = { state, start: at };
    } else this.runstate = { state, start: since };
  }

  /** The trace (or window) ends at `at`: what is still open is closed there, marked open. */
  finish(at: number): void {
    this.closeWaiting(() => true, at, true);
    if (this.kernelExit) this.closeExit(this.kernelExit, at, true);
    this.kernelExit = undefined;
    if (this.guest) this.closeGuest(at, true);
    if (this.runstate)
      this.emit({ type: 'runstate', vcpu: this.key, ...this.runstate, end: Math.max(at, this.runstate.start), open: true });
    this.runstate = undefined;
  }

  private closeWaiting(ends: (exit: OpenExit) => boolean, at: number, open = false): void {
    if (this.waiting.length === 0) return;
    const still: OpenExit[] = [];
    for (const exit of this.waiting) {
      if (ends(exit)) this.closeExit(exit, at, open);
      else still.push(exit);
    }
    this.waiting = still;
  }

  private closeExit(exit: OpenExit, at: number, open: boolean): void {
    const { seq, level, reason, start, fields } = exit;
    this.emit({ type: 'exit', seq, vcpu: this.key, level, reason, start, end: Math.max(start, at), open, fields });
  }

  private closeGuest(at: number, open: boolean): void {
    const { seq, start } = this.guest!;
    this.emit({ type: 'guest', seq, vcpu: this.key, start, end: Math.max(start, at), open });
    this.guest = undefined;
  }
}
