import type { Effect } from '../model/effect.js';
import type { Expectation } from '../importers/scenario/schema.js';
import { fold } from '../engine/replay.js';
import { resolvePolicies } from '../engine/policy/registry.js';
import { readEvents } from '../store/event-reader.js';
import type { SqlDatabase } from '../store/sql.js';
import type { TraceRecord } from '../store/traces.js';
import { initialStateFor } from './initial-state.js';
import { scenarioDir } from './policy-files.js';
import { getPath, matchesPartially, sameValue } from './state-path.js';

// Perfetto's diff tests, for scenarios: a trace, a position, and the state and effects expected
// there. One replay per policy set serves every expectation that names it.

export interface CheckFailure {
  what: string;
  expected: unknown;
  actual: unknown;
}

export interface ExpectationResult {
  index: number;
  at: number | string;
  seq: number;
  policies: string;
  note?: string;
  passed: boolean;
  failures: CheckFailure[];
}

function policyIds(exp: Expectation): string[] {
  return exp.policy === undefined ? [] : Array.isArray(exp.policy) ? exp.policy : [exp.policy];
}

/** Policy files an expectation names must have been loaded (loadScenarioPolicies); they resolve relative to the scenario. */
export function checkExpectations(db: SqlDatabase, trace: TraceRecord): ExpectationResult[] {
  const base = scenarioDir(trace);
  const expectations = (trace.meta.expectations ?? []) as Expectation[];
  const labels = new Map<string, number>();
  for (const event of readEvents(db, trace)) if (event.label) labels.set(event.label, event.seq);
  const seqOf = (at: number | string) => (typeof at === 'number' ? at : (labels.get(at) ?? -1));

  const groups = new Map<string, { ids: string[]; items: { exp: Expectation; index: number }[] }>();
  expectations.forEach((exp, index) => {
    const ids = policyIds(exp);
    const key = resolvePolicies(ids, [], base).key;
    const group = groups.get(key) ?? { ids, items: [] };
    group.items.push({ exp, index });
    groups.set(key, group);
  });

  const results: ExpectationResult[] = [];
  for (const [key, group] of groups) {
    const wanted = new Map<number, { exp: Expectation; index: number }[]>();
    for (const item of group.items) wanted.set(seqOf(item.exp.at), [...(wanted.get(seqOf(item.exp.at)) ?? []), item]);
    fold(readEvents(db, trace), resolvePolicies(group.ids, [], base), initialStateFor(trace), (step) => {
      for (const { exp, index } of wanted.get(step.event.seq) ?? []) {
        const failures = [...stateFailures(exp, step.state), ...effectFailures(exp, step.effects)];
        results.push({
          index,
          at: exp.at,
          seq: step.event.seq,
          policies: key,
          ...(exp.note ? { note: exp.note } : {}),
          passed: failures.length === 0,
          failures,
        });
      }
    });
  }
  return results.sort((a, b) => a.index - b.index);
}

function stateFailures(exp: Expectation, state: unknown): CheckFailure[] {
  return Object.entries(exp.state ?? {}).flatMap(([path, expected]) => {
    const actual = getPath(state, path);
    return sameValue(expected, actual) ? [] : [{ what: `state ${path}`, expected, actual: actual ?? null }];
  });
}

function effectFailures(exp: Expectation, effects: Effect[]): CheckFailure[] {
  const missing = (exp.effects ?? [])
    .filter((want) => !effects.some((e) => matchesPartially(want, e as unknown as Record<string, unknown>)))
    .map((want) => ({ what: 'effect', expected: want, actual: effects }));
  const unwanted = (exp.no_effects ?? [])
    .filter((kind) => effects.some((e) => e.kind === kind))
    .map((kind) => ({ what: `no ${kind} effect`, expected: [], actual: effects.filter((e) => e.kind === kind) }));
  return [...missing, ...unwanted];
}
