import type { Effect } from '../../model/effect.js';
import type { TraceEvent } from '../../model/event.js';
import type { HostFacts, MachineState } from '../../model/state.js';
import type { PolicySet } from '../../engine/policy/policy-set.js';
import { fold } from '../../engine/replay.js';
import { vcpuOf } from '../../engine/lookup.js';
import { readEvents } from '../../store/event-reader.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { initialStateFor } from '../initial-state.js';
import { compareDetail, ExitDetails, type ExitDetail } from './exit-detail.js';
import { observedResult, predictedResult, resultMatches, type ResultEffect } from './results.js';
import { count, emptyCoverage, type Coverage, type CoverageKind, type Verdict } from './tally.js';

// Conformance (DESIGN.md, "engine"): replay a real trace and hold each prediction against what the
// kernel observably did: the return of a call (strace's ioctl and syscall lines: value, new fd, errno),
// the exit a KVM_RUN returns with (ftrace's kvm_userspace_exit, else strace --kvm=vcpu), counted once
// per exit and as the kernel named it, and the exit's port or address where the kernel's trace shows it
// (exit-detail.ts). Every observation is counted: matched, mismatched, or not predicted.

export interface Mismatch {
  seq: number;
  what: 'result' | 'exit' | 'exit detail';
  predicted: string;
  observed: string;
  /** The event the observation is on (for an exit predicted earlier, the event that showed it). */
  event: TraceEvent;
  /** Where the prediction was made, when that is another event. */
  predictedAt?: number;
}

export interface ConformReport {
  trace: string;
  policies: string;
  events: number;
  /** Per kind of observation: observed, matched, mismatched, not predicted. */
  coverage: Coverage;
  /** Exits whose reason matched and whose port or address matched wherever the trace shows it for certain. */
  exitsInFull: number;
  /** Exits predicted as one of several reasons (kvm_run inputs no trace shows), and matched. */
  exitsMatchedOneOf: number;
  /** Exit predictions by what they rest on beyond the rules and the decoded trace (PredictedExit.basis). */
  exitBases: Record<string, number>;
  matches: number;
  /** Matches by `NAME result` / `KVM_RUN exit`, so a reader sees which predictions were put to the test. */
  matchesBy: Record<string, number>;
  mismatches: Mismatch[];
  /** Observations no active policy predicts, by `NAME result` / `KVM_RUN exit`. */
  notPredicted: Record<string, number>;
  /** Predictions the trace shows nothing to compare with, by `NAME result` / `NAME exit`. */
  unobserved: Record<string, number>;
}

type ExitEffect = Extract<Effect, { kind: 'exit' }>;

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const describeExit = (e: ExitEffect): string => [e.reason, ...(e.alternatives ?? [])].join(' or ');
const describeDetail = (d: Record<string, number | string> | ExitDetail | undefined): string =>
  d
    ? Object.entries(d)
        .map(([k, v]) => `${k} ${typeof v === 'number' && k === 'port' ? `0x${v.toString(16)}` : String(v)}`)
        .join(', ')
    : 'nothing';

/** `host`: the facts of a host profile (src/query/profile/), for a trace whose host answers were recorded elsewhere. */
export function conformTrace(db: SqlDatabase, trace: TraceRecord, policies: PolicySet, host?: HostFacts): ConformReport {
  const report: ConformReport = {
    trace: trace.name,
    policies: policies.key,
    events: 0,
    coverage: emptyCoverage(),
    exitsInFull: 0,
    exitsMatchedOneOf: 0,
    exitBases: {},
    matches: 0,
    matchesBy: {},
    mismatches: [],
    notPredicted: {},
    unobserved: {},
  };
  const tally = (kind: CoverageKind, key: string, verdict: Verdict): void => {
    count(report.coverage[kind], verdict);
    if (verdict === 'matched') {
      report.matches++;
      bump(report.matchesBy, key);
    } else if (verdict === 'unpredicted') bump(report.notPredicted, key);
  };
  /** Exit predictions made at an event that shows no exit, per `vm/vcpu`, awaiting the next that does. */
  const awaiting = new Map<string, { effect: ExitEffect; seq: number; name: string }>();
  /** vCPUs whose current KVM_RUN return the kernel reported already (kvm_userspace_exit): strace's line is the same return. */
  const kernelSaw = new Set<string>();
  const details = new ExitDetails();
  let previous: MachineState = initialStateFor(trace, host);

  const holdExit = (event: TraceEvent, key: string, seen: string, predicted: ExitEffect | undefined, predictedAt?: number): void => {
    const options = predicted ? [predicted.reason, ...(predicted.alternatives ?? [])] : [];
    const ok = options.includes(seen);
    tally('KVM_RUN exit', 'KVM_RUN exit', !predicted ? 'unpredicted' : ok ? 'matched' : 'mismatched');
    if (predicted && !ok)
      report.mismatches.push({
        seq: event.seq,
        what: 'exit',
        predicted: describeExit(predicted),
        observed: seen,
        event,
        ...(predictedAt !== undefined ? { predictedAt } : {}),
      });
    if (ok && options.length > 1) report.exitsMatchedOneOf++;
    if (predicted?.basis) bump(report.exitBases, predicted.basis);
    // The port or address, once the trace tells it: certain, ambiguous, or not shown at all.
    details.returned(key, event.name === 'kvm_userspace_exit' ? seen : undefined, (observed) => {
      const shown = observed !== undefined && observed !== 'ambiguous' && (observed.port !== undefined || observed.gpa !== undefined);
      if (!shown) {
        if (ok) report.exitsInFull++;
        return;
      }
      const same = predicted?.reason === seen ? compareDetail(predicted.detail, observed) : undefined;
      const verdict: Verdict = same === undefined ? 'unpredicted' : same ? 'matched' : 'mismatched';
      tally('exit port/gpa', 'KVM_RUN exit port/gpa', verdict);
      if (verdict === 'mismatched')
        report.mismatches.push({
          seq: event.seq,
          what: 'exit detail',
          predicted: describeDetail(predicted?.detail),
          observed: describeDetail(observed),
          event,
        });
      if (ok && verdict === 'matched') report.exitsInFull++;
    });
  };

  fold(readEvents(db, trace), policies, previous, ({ event, state, effects }) => {
    report.events++;
    const observed = event.result;
    const ref = vcpuOf(state, event);
    const key = ref ? `${ref.vm.id}/${ref.vcpu.id}` : undefined;

    // An exit predicted at an earlier access of this run that did not come: the guest went on.
    if (key && event.kind === 'fault' && (event.name === 'kvm_pio' || event.name === 'kvm_mmio')) {
      const before = vcpuOf(previous, event)?.vcpu.pendingExit;
      if (before)
        report.mismatches.push({ seq: event.seq, what: 'exit', predicted: before, observed: 'no exit: the guest went on', event });
      details.access(key, event);
    }

    // Return values: strace's ioctl and syscall lines.
    if (event.kind === 'ioctl' || event.kind === 'syscall') {
      const kind: CoverageKind = event.kind === 'ioctl' ? 'ioctl result' : 'syscall result';
      const seen = observedResult(observed);
      const predicted = effects.find((e): e is ResultEffect => e.kind === 'result');
      if (predicted && seen !== undefined && observed) {
        const ok = resultMatches(predicted, observed);
        tally(kind, `${event.name} result`, ok ? 'matched' : 'mismatched');
        if (!ok) report.mismatches.push({ seq: event.seq, what: 'result', predicted: predictedResult(predicted), observed: seen, event });
      } else if (predicted) bump(report.unobserved, `${event.name} result`);
      else if (seen !== undefined) tally(kind, `${event.name} result`, 'unpredicted');
    }

    // Exits: the kernel's kvm_userspace_exit, or strace's KVM_RUN return where the kernel did not show it.
    const exits = effects.filter((e): e is ExitEffect => e.kind === 'exit');
    const kernel = event.name === 'kvm_userspace_exit';
    const sameReturn = !kernel && event.name === 'KVM_RUN' && key !== undefined && kernelSaw.delete(key);
    const seenExit = sameReturn ? undefined : observed?.exit;
    if (kernel && key) kernelSaw.add(key);
    if (seenExit !== undefined && key !== undefined) {
      const earlier = awaiting.get(key);
      awaiting.delete(key);
      const predicted = exits[0] ?? earlier?.effect;
      holdExit(event, key, seenExit, predicted, exits[0] ? undefined : earlier?.seq);
    } else if (seenExit !== undefined) {
      tally('KVM_RUN exit', 'KVM_RUN exit', 'unpredicted');
    } else if (kernel && key) {
      // A return with an errno: an exit predicted for it did not come.
      for (const e of exits)
        report.mismatches.push({ seq: event.seq, what: 'exit', predicted: describeExit(e), observed: observed?.errno ?? 'no exit', event });
      details.returned(key, undefined, () => undefined);
    } else if (!sameReturn && key !== undefined) {
      for (const e of exits) awaiting.set(key, { effect: e, seq: event.seq, name: event.name });
    }
    previous = state;
  });
  details.finish();
  for (const pending of awaiting.values()) bump(report.unobserved, `${pending.name} exit`);
  return report;
}
