import { toBig } from '../model/address.js';
import type { Effect } from '../model/effect.js';
import type { ObservedResult, TraceEvent } from '../model/event.js';
import type { PolicySet } from '../engine/policy/policy-set.js';
import { fold } from '../engine/replay.js';
import { vcpuOf } from '../engine/lookup.js';
import { readEvents } from '../store/event-reader.js';
import type { SqlDatabase } from '../store/sql.js';
import type { TraceRecord } from '../store/traces.js';
import { initialStateFor } from './initial-state.js';

// Conformance (DESIGN.md, "engine"): replay a real trace and hold each prediction against what the
// kernel observably did. Two things are observable in strace/ftrace: the return of a call (value,
// new fd, errno) and the exit reason KVM_RUN returns with (strace --kvm=vcpu, kvm_userspace_exit).

export interface Mismatch {
  seq: number;
  what: 'result' | 'exit';
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
  matches: number;
  /** Matches by `NAME result` / `NAME exit`, so a reader sees which predictions were put to the test. */
  matchesBy: Record<string, number>;
  mismatches: Mismatch[];
  /** Observations no active policy predicts, by `NAME result` / `NAME exit`. */
  notPredicted: Record<string, number>;
  /** Predictions the trace shows nothing to compare with, by `NAME result` / `NAME exit`. */
  unobserved: Record<string, number>;
}

/** One observation: the text of what was seen, or undefined when the source shows nothing. */
function observedResult(r: ObservedResult | undefined): string | undefined {
  if (!r) return undefined;
  if (r.errno !== undefined) return r.errno;
  if (r.ret !== undefined) return String(r.ret);
  return undefined;
}

function predictedResult(e: Extract<Effect, { kind: 'result' }>): string {
  if (e.errno !== undefined) return e.errno;
  if (e.newFd !== undefined) return `a new ${e.newFd} fd`;
  return String(e.ret);
}

/** newFd matches any non-negative return; errno matches errno; ret matches ret (as integers). */
export function resultMatches(predicted: Extract<Effect, { kind: 'result' }>, observed: ObservedResult): boolean {
  if (predicted.errno !== undefined) return observed.errno === predicted.errno;
  if (observed.errno !== undefined) return false;
  const ret = toBig(observed.ret);
  if (predicted.newFd !== undefined) return ret !== undefined && ret >= 0n;
  return ret !== undefined && predicted.ret !== undefined && ret === BigInt(predicted.ret);
}

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export function conformTrace(db: SqlDatabase, trace: TraceRecord, policies: PolicySet): ConformReport {
  const report: ConformReport = {
    trace: trace.name,
    policies: policies.key,
    events: 0,
    matches: 0,
    matchesBy: {},
    mismatches: [],
    notPredicted: {},
    unobserved: {},
  };
  const matched = (key: string): void => {
    report.matches++;
    bump(report.matchesBy, key);
  };
  /** Exit reasons predicted at an event that does not itself show one, per `vm/vcpu`, awaiting the next that does. */
  const awaiting = new Map<string, { reason: string; seq: number; name: string }>();
  /**
   * A predicted exit already held against ftrace's kvm_userspace_exit, per `vm/vcpu`: strace's KVM_RUN
   * return that follows reports the same exit, and is held against the same prediction.
   */
  const confirmed = new Map<string, { reason: string; seq: number }>();
  fold(readEvents(db, trace), policies, initialStateFor(trace), ({ event, state, effects }) => {
    report.events++;
    const observed = event.result;
    // Return values: strace's ioctl and syscall lines.
    if (event.kind === 'ioctl' || event.kind === 'syscall') {
      const seen = observedResult(observed);
      const predicted = effects.find((e): e is Extract<Effect, { kind: 'result' }> => e.kind === 'result');
      if (predicted && seen !== undefined && observed) {
        if (resultMatches(predicted, observed)) matched(`${event.name} result`);
        else report.mismatches.push({ seq: event.seq, what: 'result', predicted: predictedResult(predicted), observed: seen, event });
      } else if (predicted) bump(report.unobserved, `${event.name} result`);
      else if (seen !== undefined) bump(report.notPredicted, `${event.name} result`);
    }
    // Exit reasons: KVM_RUN's (strace) and kvm_userspace_exit's (ftrace).
    const exits = effects.filter((e): e is Extract<Effect, { kind: 'exit' }> => e.kind === 'exit');
    const seenExit = observed?.exit;
    for (const e of exits) {
      if (seenExit === undefined) {
        awaiting.set(`${e.vm}/${e.vcpu}`, { reason: e.reason, seq: event.seq, name: event.name });
        continue;
      }
      if (e.reason === seenExit) matched(`${event.name} exit`);
      else report.mismatches.push({ seq: event.seq, what: 'exit', predicted: e.reason, observed: seenExit, event });
    }
    if (seenExit !== undefined && exits.length === 0) {
      const ref = vcpuOf(state, event);
      const key = ref && `${ref.vm.id}/${ref.vcpu.id}`;
      const earlier = key === undefined ? undefined : awaiting.get(key);
      const again = key === undefined ? undefined : confirmed.get(key);
      if (key !== undefined && earlier) {
        awaiting.delete(key);
        if (event.name === 'kvm_userspace_exit') confirmed.set(key, { reason: earlier.reason, seq: earlier.seq });
        if (earlier.reason === seenExit) matched(`${event.name} exit`);
        else
          report.mismatches.push({
            seq: event.seq,
            what: 'exit',
            predicted: earlier.reason,
            observed: seenExit,
            event,
            predictedAt: earlier.seq,
          });
      } else if (key !== undefined && again && event.name === 'KVM_RUN') {
        confirmed.delete(key);
        if (again.reason === seenExit) matched(`${event.name} exit`);
        else
          report.mismatches.push({
            seq: event.seq,
            what: 'exit',
            predicted: again.reason,
            observed: seenExit,
            event,
            predictedAt: again.seq,
          });
      } else bump(report.notPredicted, `${event.name} exit`);
    }
    if (seenExit !== undefined && event.name === 'kvm_userspace_exit') {
      const ref = vcpuOf(state, event);
      const predicted = exits[0];
      if (ref && predicted) confirmed.set(`${ref.vm.id}/${ref.vcpu.id}`, { reason: predicted.reason, seq: event.seq });
    }
  });
  for (const pending of awaiting.values()) bump(report.unobserved, `${pending.name} exit`);
  return report;
}
