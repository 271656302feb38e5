import type { NewEvent } from '../../model/event.js';
import type { ImportStats } from '../stats.js';
import { Distances, type DistanceSummary } from './distances.js';
import { outcomeOf, sameOutcome } from './outcome.js';

// After merging: each run-only kvm event of a vCPU thread must sit inside one of that thread's KVM_RUN
// calls in the merged order, that is before the KVM_RUN whose exit it leads up to and after the one
// before. The tracepoints checked fire only on the KVM_RUN path (vcpu_enter_guest()/vcpu_run() in
// arch/x86/kvm/x86.c, kvm_vcpu_ioctl() in virt/kvm/kvm_main.c); other kvm_* events (kvm_set_irq from
// an I/O thread, kvm_write_tsc_offset from KVM_SET_MSRS, the mmu notifiers kvm_age_hva /
// kvm_unmap_hva_range from any thread that touches the mm) legitimately happen outside KVM_RUN and
// are not checked. Between two KVM_RUNs of a thread the kernel shows one call: its events, ending
// with its kvm_userspace_exit, whose outcome the KVM_RUN that closes them reports too. An event is
// outside when the stretch it is in ends with no KVM_RUN, when it comes before an earlier exit
// (a call strace never showed), after the exit, where the closing KVM_RUN disagrees with the exit, or
// where its time lies further outside that call's strace window than the observers' disagreement
// allows (the pairing tolerance of fit.ts): then the order put it in a call it cannot have been in.
// Late by more than that is still inside, as placement.ts places it, when the thread's next KVM_RUN
// began after it and it is no later than an exit waits for its call (fit.ts waitS): that is decided
// when the next KVM_RUN comes. Each is counted with its file:line, never dropped. For events inside,
// how far their time lies outside the call's strace window is measured: that is how far the merge
// moved them.

export const MERGE_STATS = {
  outsideRun: 'merge.kvm_event_outside_kvm_run',
  checked: 'merge.kvm_event_inside_kvm_run',
  moved: 'merge.kvm_event_moved_into_kvm_run',
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
 * files may be 2 us apart in fact, so an event that close to its call is not counted as moved.
 */
export const RESOLUTION_SLACK_S = 2e-6;

/** Events kept per thread between two of its KVM_RUNs; beyond this they are only counted. */
const KEPT_PENDING = 100_000;

interface Pending {
  ts: number;
  name: string;
  outcome: string | undefined;
  file: string;
  line: number;
}

/** An event later than its call's window by more than the observers' spread, waiting for the next call. */
interface Late {
  p: Pending;
  seen: number;
  away: number;
  run: string;
}

export interface StructureReport {
  inside: number;
  outside: number;
  moved: DistanceSummary;
}

export class StructureCheck {
  private readonly pending = new Map<number, Pending[]>();
  private readonly late = new Map<number, Late[]>();
  private readonly vcpuThreads = new Set<number>();
  private readonly moved = new Distances();
  private inside = 0;
  private outside = 0;
  private overflow = 0;

  /** `observers`: how much earlier the kernel's times are than strace's (lag) and by how much that varies (fit.ts). */
  constructor(
    private readonly stats: ImportStats,
    private readonly observers: { lagS: number; tolS: number; waitS: number } = {
      lagS: 0,
      tolS: RESOLUTION_SLACK_S,
      waitS: RESOLUTION_SLACK_S,
    },
  ) {}

  /** Feed events in merged order; `fromStrace` tells strace events from ftrace ones. */
  see(event: NewEvent, fromStrace: boolean): void {
    if (event.tid === undefined) return;
    if (fromStrace) {
      if (event.name === 'KVM_RUN') this.close(event.tid, event);
      return;
    }
    if (!RUN_ONLY_EVENTS.has(event.name) || !event.src || event.ts === undefined) return;
    let list = this.pending.get(event.tid);
    if (!list) this.pending.set(event.tid, (list = []));
    if (list.length >= KEPT_PENDING) {
      this.overflow++;
      return;
    }
    const outcome = event.name === 'kvm_userspace_exit' ? (outcomeOf(event) ?? '') : undefined;
    list.push({ ts: event.ts, name: event.name, outcome, file: event.src.file, line: event.src.line });
  }

  /** A KVM_RUN of `tid` closes what its thread's kernel did since the one before. */
  private close(tid: number, run: NewEvent): void {
    this.vcpuThreads.add(tid);
    this.settleLate(tid, run.ts ?? Infinity);
    const list = this.pending.get(tid);
    if (!list || list.length === 0) return;
    this.pending.delete(tid);
    let lastExit = -1;
    let firstInside = 0;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.outcome === undefined) continue;
      if (lastExit >= 0) firstInside = lastExit + 1;
      lastExit = i;
    }
    const start = run.ts ?? -Infinity;
    const duration = run.result?.duration;
    const end = duration === undefined ? Infinity : start + duration;
    const agrees = lastExit < 0 || sameOutcome(outcomeOf(run), list[lastExit]!.outcome || undefined);
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (!agrees)
        this.out(p, tid, `its KVM_RUN (${run.src?.file}:${run.src?.line}) reports ${outcomeOf(run)}, not ${list[lastExit]!.outcome}`);
      else if (i < firstInside) this.out(p, tid, `before a kvm_userspace_exit that no KVM_RUN in the strace returned`);
      else if (lastExit >= 0 && i > lastExit) this.out(p, tid, `after the kvm_userspace_exit of the KVM_RUN that follows it`);
      else {
        const away = Math.max(0, start - p.ts, p.ts - end);
        const seen = p.ts - this.observers.lagS;
        const slack = this.observers.tolS + RESOLUTION_SLACK_S;
        const where = `${run.src?.file}:${run.src?.line}`;
        if (seen - end > slack && seen - end <= this.observers.waitS + RESOLUTION_SLACK_S) {
          const late = this.late.get(tid) ?? [];
          late.push({ p, seen, away, run: where });
          this.late.set(tid, late);
        } else if (Math.max(start - seen, seen - end) > slack) this.out(p, tid, this.tooFar(away, where));
        else this.in(away);
      }
    }
  }

  /** The thread's next KVM_RUN began at `next` (Infinity: there is none): the late events before it were its call's. */
  private settleLate(tid: number, next: number): void {
    const late = this.late.get(tid);
    if (!late) return;
    this.late.delete(tid);
    for (const l of late) {
      if (l.seen < next - this.observers.tolS) this.in(l.away);
      else this.out(l.p, tid, `${this.tooFar(l.away, l.run)}, and after the next KVM_RUN began`);
    }
  }

  private tooFar(away: number, run: string): string {
    return `${(away * 1e6).toFixed(1)} us outside the strace window of the KVM_RUN it precedes (${run}), more than the observers disagree by`;
  }

  private in(away: number): void {
    this.inside++;
    this.stats.count(MERGE_STATS.checked);
    if (away > RESOLUTION_SLACK_S) {
      this.moved.add(away);
      this.stats.count(MERGE_STATS.moved);
    }
  }

  private out(p: Pending, tid: number, why: string): void {
    this.outside++;
    this.stats.finding(MERGE_STATS.outsideRun, p.file, p.line, `${p.name} of vCPU thread ${tid} at ${p.ts.toFixed(6)}: ${why}`, '');
  }

  /** End of the merge: events after a vCPU thread's last KVM_RUN are outside; other threads are not vCPUs. */
  end(): void {
    for (const tid of [...this.late.keys()]) this.settleLate(tid, Infinity);
    for (const [tid, list] of this.pending) {
      if (!this.vcpuThreads.has(tid)) continue;
      for (const p of list) this.out(p, tid, 'after its last KVM_RUN');
    }
    this.pending.clear();
    if (this.overflow > 0) this.stats.count('merge.structure_check_not_kept', this.overflow);
  }

  report(): StructureReport {
    return { inside: this.inside, outside: this.outside, moved: this.moved.summary() };
  }
}
