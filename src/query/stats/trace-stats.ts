import type { PolicySet } from '../../engine/policy/policy-set.js';
import { RUN_STATES, type RunState } from '../../model/state.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import type { ExitLevel } from '../timeline/items.js';
import { replayTimeline } from '../timeline/replay-timeline.js';
import { StatsAggregator, type ExitCell } from './aggregate.js';
import { Durations, ESTIMATOR, type DurationSummary } from './durations.js';

// `perf kvm stat report` for one stored trace: exits by reason (count, share, time), by vCPU, the
// ioctls, and each vCPU thread's time per run state, over the whole trace or a window of events.
// One trace in, one report out, so that several traces (`stats A B`, later `--all`) are several calls.

export const EXIT_RULE =
  "an exit is counted where the replayed state counts it: an increment of a vCPU's exitCounts (exits to userspace; one exit that strace's KVM_RUN return and ftrace's kvm_userspace_exit both report is one) or hwExitCounts (kvm_exit)";

export const EXIT_TIME =
  'exits to userspace: from the kernel exit (kvm_userspace_exit, else the KVM_RUN return) to the next KVM_RUN; in the kernel: from kvm_exit to the next kvm_entry';

export interface StatsOptions {
  from?: number;
  to?: number;
  /** Only the vCPUs with this id. */
  vcpu?: number;
  onProgress?: (seq: number, total: number) => void;
}

export interface ExitRow {
  level: ExitLevel;
  /** The exit reason (rows by reason) or null (rows by vCPU). */
  reason: string | null;
  /** The vCPU (rows by vCPU) or null (rows by reason, over every vCPU shown). */
  vm: number | null;
  vcpu: number | null;
  count: number;
  /** count / all exits of this level. */
  share: number;
  /** Exits whose end the window shows; the others are counted but not timed. */
  time: DurationSummary | null;
  /** Time of these / time of all exits of this level. */
  timeShare: number | null;
}

export interface IoctlRow {
  name: string;
  calls: number;
  errors: Record<string, number>;
  time: DurationSummary | null;
}

export interface RunstateRow {
  vm: number;
  vcpu: number;
  tid: number | null;
  seconds: Record<RunState, number>;
}

export interface StatsReport {
  trace: string;
  policies: string;
  window: { from: number; to: number; events: number };
  vcpu: number | null;
  exitRule: string;
  exitTime: string;
  estimator: string;
  exitsByReason: ExitRow[];
  exitsByVcpu: ExitRow[];
  ioctls: IoctlRow[];
  runstates: RunstateRow[];
}

function rows(cells: ExitCell[], groupOf: (c: ExitCell) => string, byVcpu: boolean): ExitRow[] {
  const groups = new Map<string, { first: ExitCell; count: number; durations: Durations }>();
  for (const cell of cells) {
    const key = `${cell.level}/${groupOf(cell)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { first: cell, count: 0, durations: new Durations() }));
    g.count += cell.count;
    g.durations.merge(cell.durations);
  }
  const totals = new Map<ExitLevel, { count: number; ns: number }>();
  for (const g of groups.values()) {
    const t = totals.get(g.first.level) ?? { count: 0, ns: 0 };
    t.count += g.count;
    t.ns += g.durations.summary()?.totalNs ?? 0;
    totals.set(g.first.level, t);
  }
  const out = [...groups.values()].map(({ first, count, durations }): ExitRow => {
    const time = durations.summary();
    const total = totals.get(first.level)!;
    return {
      level: first.level,
      reason: byVcpu ? null : first.reason,
      vm: byVcpu ? first.vcpu.vm : null,
      vcpu: byVcpu ? first.vcpu.vcpu : null,
      count,
      share: count / total.count,
      time,
      timeShare: time && total.ns > 0 ? time.totalNs / total.ns : null,
    };
  });
  // perf kvm stat's order: exits to userspace first here (what strace sees), then by samples.
  return out.sort((a, b) => (a.level === b.level ? b.count - a.count : a.level === 'userspace' ? -1 : 1));
}

export function traceStats(db: SqlDatabase, trace: TraceRecord, policies: PolicySet, options: StatsOptions = {}): StatsReport {
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? trace.eventCount - 1, trace.eventCount - 1);
  const aggregator = new StatsAggregator(from);
  const run = replayTimeline(db, trace, policies, aggregator.accept, {
    to,
    onStep: (step, at) => aggregator.reached(step.event.seq, at),
    ...(options.onProgress ? { onProgress: (seq: number) => options.onProgress!(seq, to + 1) } : {}),
  });
  const shown = (vcpu: number) => options.vcpu === undefined || vcpu === options.vcpu;
  const cells = [...aggregator.exits.values()].filter((c) => shown(c.vcpu.vcpu));
  return {
    trace: trace.name,
    policies: policies.key,
    window: { from, to, events: Math.max(0, run.events - from) },
    vcpu: options.vcpu ?? null,
    exitRule: EXIT_RULE,
    exitTime: EXIT_TIME,
    estimator: ESTIMATOR,
    exitsByReason: rows(cells, (c) => c.reason, false),
    exitsByVcpu: rows(cells, (c) => `${c.vcpu.vm}/${c.vcpu.vcpu}`, true),
    ioctls: [...aggregator.ioctls.values()]
      .map((c) => ({ name: c.name, calls: c.calls, errors: c.errors, time: c.durations.summary() }))
      .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name)),
    runstates: [...aggregator.runstates.values()]
      .filter((c) => shown(c.vcpu.vcpu))
      .sort((a, b) => a.vcpu.vm - b.vcpu.vm || a.vcpu.vcpu - b.vcpu.vcpu)
      .map((c) => ({
        vm: c.vcpu.vm,
        vcpu: c.vcpu.vcpu,
        tid: c.vcpu.tid ?? null,
        seconds: Object.fromEntries(RUN_STATES.map((s, i) => [s, c.ns[i]! / 1e9])) as Record<RunState, number>,
      })),
  };
}
