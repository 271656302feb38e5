import { stableStringify, stateHash } from '../engine/hash.js';
import { evolve } from '../engine/evolve.js';
import type { PolicySet } from '../engine/policy/policy-set.js';
import type { Effect } from '../model/effect.js';
import type { TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import { collector, diffAndShare, type PathDifference } from './state-diff.js';

// Two policy sets over one trace, in lockstep: both fold the same event, then their states and
// effects are compared. An event *diverges* when its effects differ between the sides, or when the set
// of state paths that differ changes (a new difference appears or an old one goes away). A difference
// that persists, such as a memslot one side refused, is reported once where it appears, not again at
// every later event; a changing value under an already-differing path (a counter that keeps counting)
// shows up when its event's effects differ.

export interface EffectDifference {
  onlyA: Effect[];
  onlyB: Effect[];
}

export interface Divergence {
  seq: number;
  event: TraceEvent;
  /** Every state path that differs after this event, with both values. */
  state: PathDifference[];
  /** More differing paths than were kept. */
  omitted: number;
  /** Paths that differ now and did not before the event, and those that no longer differ. */
  appeared: string[];
  resolved: string[];
  effects: EffectDifference;
}

export interface PathSummary {
  path: string;
  /** The first event after which it differed. */
  firstSeq: number;
  /** Divergent events at which it differed. */
  events: number;
}

export interface PolicyDiffReport {
  events: number;
  divergentEvents: number;
  first?: Divergence;
  paths: PathSummary[];
  /** Paths beyond the kept ones, counted but not listed. */
  morePaths: number;
  /** Effect kinds that differed, with the number of events at which they did. */
  effectKinds: Record<string, number>;
  finalHashA: string;
  finalHashB: string;
}

export interface PolicyDiffOptions {
  /** Called for every divergence, in order (for --all); the report keeps only the first. */
  onDivergence?: (d: Divergence) => void;
  /** Most state paths kept per event and in the summary. */
  pathLimit?: number;
  /** Called after each lockstep step with both sides' steps (a snapshot recorder, say). */
  onSteps?: (
    a: { event: TraceEvent; state: MachineState; effects: Effect[] },
    b: { event: TraceEvent; state: MachineState; effects: Effect[] },
  ) => void;
}

/** The items of `items` (keyed by `keys`) left over once each key of `others` has taken one match. */
function unmatched(items: readonly Effect[], keys: readonly string[], others: readonly string[]): Effect[] {
  const remaining = new Map<string, number>();
  for (const k of others) remaining.set(k, (remaining.get(k) ?? 0) + 1);
  return items.filter((_, i) => {
    const n = remaining.get(keys[i]!) ?? 0;
    if (n > 0) remaining.set(keys[i]!, n - 1);
    return n === 0;
  });
}

export function diffEffects(a: readonly Effect[], b: readonly Effect[]): EffectDifference {
  const keysA = a.map(stableStringify);
  const keysB = b.map(stableStringify);
  if (keysA.length === keysB.length && keysA.every((k, i) => k === keysB[i])) return { onlyA: [], onlyB: [] };
  const onlyA = unmatched(a, keysA, keysB);
  const onlyB = unmatched(b, keysB, keysA);
  // Same effects in another order still differ: report both lists whole then.
  return onlyA.length || onlyB.length ? { onlyA, onlyB } : { onlyA: [...a], onlyB: [...b] };
}

export function diffPolicies(
  events: Iterable<TraceEvent>,
  initial: MachineState,
  a: PolicySet,
  b: PolicySet,
  options: PolicyDiffOptions = {},
): PolicyDiffReport {
  const limit = options.pathLimit ?? 200;
  let stateA = initial;
  let stateB = initial;
  let previous = new Set<string>();
  let count = 0;
  let divergent = 0;
  let first: Divergence | undefined;
  const paths = new Map<string, PathSummary>();
  let morePaths = 0;
  const effectKinds: Record<string, number> = {};

  for (const event of events) {
    count++;
    const stepA = evolve(stateA, event, a);
    const stepB = evolve(stateB, event, b);
    options.onSteps?.({ event, ...stepA }, { event, ...stepB });
    const out = collector(limit);
    stateA = stepA.state;
    stateB = diffAndShare(stepA.state, stepB.state, out);
    const effects = diffEffects(stepA.effects, stepB.effects);
    const now = new Set(out.differences.map((d) => d.path));
    const appeared = [...now].filter((p) => !previous.has(p));
    const resolved = [...previous].filter((p) => !now.has(p));
    const effectsDiffer = effects.onlyA.length > 0 || effects.onlyB.length > 0;
    if (effectsDiffer || appeared.length > 0 || resolved.length > 0 || (out.omitted > 0 && divergent === 0)) {
      divergent++;
      const divergence: Divergence = { seq: event.seq, event, state: out.differences, omitted: out.omitted, appeared, resolved, effects };
      first ??= divergence;
      for (const d of out.differences) {
        const known = paths.get(d.path);
        if (known) known.events++;
        else if (paths.size < limit) paths.set(d.path, { path: d.path, firstSeq: event.seq, events: 1 });
        else morePaths++;
      }
      for (const kind of new Set([...effects.onlyA, ...effects.onlyB].map((e) => e.kind))) effectKinds[kind] = (effectKinds[kind] ?? 0) + 1;
      options.onDivergence?.(divergence);
    }
    previous = now;
  }
  return {
    events: count,
    divergentEvents: divergent,
    ...(first ? { first } : {}),
    paths: [...paths.values()],
    morePaths,
    effectKinds,
    finalHashA: stateHash(stateA),
    finalHashB: stateHash(stateB),
  };
}
