// given/when/then helpers for policy tests: a few events folded through evolve() under chosen policies.
import type { Effect } from '../../../src/model/effect.js';
import type { NewEvent, TraceEvent } from '../../../src/model/event.js';
import { initialState, type MachineState } from '../../../src/model/state.js';
import { evolve } from '../../../src/engine/evolve.js';
import { resolvePolicies } from '../../../src/engine/policy/registry.js';
import { argsSchema } from '../../../src/engine/policy/vocabulary.js';

export type Ev = Omit<NewEvent, 'args'> & { args?: NewEvent['args'] };

export interface Run {
  state: MachineState;
  /** The effects of the last event. */
  effects: Effect[];
  /** The state after each event. */
  states: MachineState[];
}

export function given(arch: string, policies: string[], events: Ev[], features?: Record<string, unknown>): Run {
  const policy = resolvePolicies(policies);
  const base = initialState(arch);
  let state: MachineState = features ? { ...base, host: { ...base.host, features } } : base;
  let effects: Effect[] = [];
  const states: MachineState[] = [];
  events.forEach((e, seq) => {
    // As an importer's would be: args in the canonical form their schema gives, or the test is wrong.
    const schema = argsSchema(`${e.kind}:${e.name}`, 'importer');
    const args = schema ? (schema.parse(e.args ?? {}) as TraceEvent['args']) : (e.args ?? {});
    const event: TraceEvent = { pid: 1, tid: 1, ...e, args, seq };
    const frozen = JSON.stringify(state);
    const step = evolve(state, event, policy);
    if (JSON.stringify(state) !== frozen) throw new Error(`evolve mutated its input at event ${seq}`);
    state = step.state;
    effects = step.effects;
    states.push(state);
  });
  return { state, effects, states };
}
