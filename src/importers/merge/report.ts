import type { ImportStats } from '../stats.js';
import type { MergePlan } from './plan.js';
import { PLACEMENT_STATS } from './placement.js';
import type { StructureReport } from './structure-check.js';

// What the merge did, as the trace's meta keeps it (`traces.meta.clock`) and as `import` says it.

export interface MergeSummary {
  kvm_events_inside: number;
  kvm_events_outside: number;
  /** Events inside their call whose time lay outside the call's strace window, and by how much. */
  moved: { count: number; median_us: number; max_us: number };
  calls_paired: number;
  calls_without_exit: number;
  exits_without_call: number;
}

export function mergeSummary(structure: StructureReport, stats: ImportStats): MergeSummary {
  const n = (stat: string) => stats.counts.get(stat) ?? 0;
  return {
    kvm_events_inside: structure.inside,
    kvm_events_outside: structure.outside,
    moved: { count: structure.moved.count, median_us: structure.moved.medianUs, max_us: structure.moved.maxUs },
    calls_paired: n(PLACEMENT_STATS.paired),
    calls_without_exit: n(PLACEMENT_STATS.callWithoutExit),
    exits_without_call: n(PLACEMENT_STATS.exitWithoutCall),
  };
}

export function mergeNote(s: MergeSummary): string {
  const all = s.kvm_events_inside + s.kvm_events_outside;
  const pct = (n: number) => (all === 0 ? '0' : ((100 * n) / all).toFixed(2));
  return (
    `merge: ${s.calls_paired} KVM_RUN calls paired with their kvm_userspace_exit (${s.calls_without_exit} calls without one, ${s.exits_without_call} exits without a call); ` +
    `${s.kvm_events_inside} of ${all} kvm events inside their KVM_RUN, ${s.kvm_events_outside} (${pct(s.kvm_events_outside)}%) outside; ` +
    `${s.moved.count} placed inside although their time lay outside the call's strace window, by median ${s.moved.median_us} us, max ${s.moved.max_us} us`
  );
}

export function clockMeta(plan: MergePlan, summary: MergeSummary | undefined): Record<string, unknown> {
  return {
    // CLOCK_REALTIME once strace's times or a marker put it there; files aligned to nothing (a guest moved
    // onto such a host's clock included) stay on their trace clock.
    reference: plan.format.includes('strace') || plan.clocks.some((c) => c.alignment.method !== 'none') ? 'CLOCK_REALTIME' : 'trace clock',
    alignments: plan.clocks.map(({ alignment: a, pairing: p, cpuClocks: c }) => ({
      file: a.file,
      method: a.method,
      offset_s: a.offsetS,
      drift_ppm: a.driftPpm,
      rate: a.rate,
      trace_at: a.traceAt,
      real_at: a.realAt,
      markers: a.markers.map((m) => ({
        line: m.line,
        trace_ts: m.traceTs,
        realtime_ns: m.realtimeNs.toString(),
        ...(m.clock ? { trace_clock: m.clock.name, trace_ns: m.clock.ns.toString(), err_ns: m.clock.errNs } : {}),
      })),
      ...(p
        ? {
            pairing: {
              pairs: p.pairs,
              exits_inside_window: p.inside,
              lag_us: Math.round(p.lagS * 1e7) / 10,
              tolerance_us: Math.round(p.tolS * 1e7) / 10,
              wait_us: Math.round(p.waitS * 1e7) / 10,
              threads: p.threads,
            },
          }
        : {}),
      cpu_clocks: { migrations: c.migrations, max_behind_us: Math.round(c.maxBehindS * 1e7) / 10, ...(c.worst ? { worst: c.worst } : {}) },
    })),
    ...(summary ? { merge: summary } : {}),
    notes: plan.clockNotes,
    ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}),
  };
}
