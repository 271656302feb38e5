import type { NewEvent } from '../../model/event.js';
import type { ImportStats } from '../stats.js';

// After merging: every kvm_* ftrace event of a vCPU thread must fall inside one of that thread's
// KVM_RUN calls as strace timed them (start .. start + duration). The tracepoints checked fire only
// on the KVM_RUN path (vcpu_enter_guest()/vcpu_run() in arch/x86/kvm/x86.c, kvm_vcpu_ioctl() in
// virt/kvm/kvm_main.c); other kvm_* events (kvm_set_irq from an I/O thread, kvm_write_tsc_offset from
// KVM_SET_MSRS, the mmu notifiers kvm_age_hva/kvm_unmap_hva_range from any thread that touches the
// mm) legitimately happen outside KVM_RUN and are not checked. A violation is counted with its
// file:line, never dropped: it means the clocks are misaligned or the sources are not of one run.

export const MERGE_STATS = {
  outsideRun: 'merge.kvm_event_outside_kvm_run',
  checked: 'merge.kvm_event_inside_kvm_run',
  outOfOrder: 'merge.source_out_of_order',
} as const;

/** Tracepoints reached only from inside KVM_RUN (x86, include/trace/events/kvm.h and arch/x86/kvm/trace.h). */
export const RUN_ONLY_EVENTS = new Set([
  'kvm_entry',
  'kvm_exit',
  'kvm_userspace_exit',
  'kvm_mmio',
  'kvm_pio',
  'kvm_fpu',
  'kvm_cpuid',
  'kvm_msr',
  'kvm_hypercall',
  'kvm_page_fault',
  'kvm_emulate_insn',
  'kvm_inj_virq',
  'kvm_inj_exception',
]);

/**
 * strace -ttt and tracefs both print microseconds, truncated: two times a microsecond apart in the
 * files may be 2 us apart in fact, so the check allows that much.
 */
export const RESOLUTION_SLACK_S = 2e-6;

/** Pending events kept per thread before one of its KVM_RUNs claims them; beyond this only counted. */
const KEPT_PENDING = 100_000;

interface Pending {
  ts: number;
  name: string;
  file: string;
  line: number;
}

export class StructureCheck {
  private readonly pending = new Map<number, Pending[]>();
  private readonly vcpuThreads = new Set<number>();
  /** Threads whose last KVM_RUN never returned in the strace: everything after its start is inside. */
  private readonly openRun = new Map<number, number>();
  private overflow = 0;

  constructor(private readonly stats: ImportStats) {}

  /** Feed events in merged order; `fromStrace` tells strace events from ftrace ones. */
  see(event: NewEvent, fromStrace: boolean): void {
    if (event.tid === undefined || event.ts === undefined) return;
    if (fromStrace) {
      if (event.name !== 'KVM_RUN') return;
      this.vcpuThreads.add(event.tid);
      const duration = event.result?.duration;
      this.claim(event.tid, event.ts, duration === undefined ? Infinity : event.ts + duration);
      if (duration === undefined) this.openRun.set(event.tid, event.ts);
      else this.openRun.delete(event.tid);
      return;
    }
    if (!RUN_ONLY_EVENTS.has(event.name) || !event.src) return;
    const open = this.openRun.get(event.tid);
    if (open !== undefined) {
      this.settle({ ts: event.ts, name: event.name, file: event.src.file, line: event.src.line }, event.tid, open, Infinity);
      return;
    }
    let list = this.pending.get(event.tid);
    if (!list) this.pending.set(event.tid, (list = []));
    if (list.length < KEPT_PENDING) list.push({ ts: event.ts, name: event.name, file: event.src.file, line: event.src.line });
    else this.overflow++;
  }

  /** A KVM_RUN of `tid` from start to end: what waited for it is inside or, before start, outside. */
  private claim(tid: number, start: number, end: number): void {
    const list = this.pending.get(tid);
    if (!list) return;
    for (const p of list) this.settle(p, tid, start, end);
    this.pending.delete(tid);
  }

  private settle(p: Pending, tid: number, start: number, end: number): void {
    if (p.ts >= start - RESOLUTION_SLACK_S && p.ts <= end + RESOLUTION_SLACK_S) {
      this.stats.count(MERGE_STATS.checked);
      return;
    }
    const where = p.ts < start ? `${((start - p.ts) * 1e6).toFixed(1)} us before` : `${((p.ts - end) * 1e6).toFixed(1)} us after`;
    this.stats.finding(
      MERGE_STATS.outsideRun,
      p.file,
      p.line,
      `${p.name} of vCPU thread ${tid} at ${p.ts.toFixed(6)} is ${where} the KVM_RUN that follows it`,
      '',
    );
  }

  /** End of the merge: events after a vCPU thread's last KVM_RUN are outside; other threads are not vCPUs. */
  end(): void {
    for (const [tid, list] of this.pending) {
      if (!this.vcpuThreads.has(tid)) continue;
      for (const p of list)
        this.stats.finding(
          MERGE_STATS.outsideRun,
          p.file,
          p.line,
          `${p.name} of vCPU thread ${tid} at ${p.ts.toFixed(6)} is after its last KVM_RUN`,
          '',
        );
    }
    this.pending.clear();
    if (this.overflow > 0) this.stats.count('merge.structure_check_not_kept', this.overflow);
  }
}
