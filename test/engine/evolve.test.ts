import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { evolve } from '../../src/engine/evolve.js';
import { stateHash } from '../../src/engine/hash.js';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { fold } from '../../src/engine/replay.js';
import { parseScenario } from '../../src/importers/scenario/load.js';
import type { TraceEvent } from '../../src/model/event.js';
import { initialState, type MachineState } from '../../src/model/state.js';
import { REPO } from '../helpers/temp.js';

const file = 'scenarios/mini-readonly-slot.yaml';
const events: TraceEvent[] = parseScenario(file, readFileSync(REPO + file, 'utf8')).events.map((e, seq) => ({ ...e, seq }));
const policies = defaultPolicies();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('evolve', () => {
  it('is pure: a deep-frozen state and event go in, nothing is changed, a new state comes out', () => {
    let state: MachineState = deepFreeze(initialState());
    for (const event of events) {
      const before = JSON.stringify(state);
      const step = evolve(state, deepFreeze(structuredClone(event)), policies);
      assert.equal(JSON.stringify(state), before, `event ${event.seq} changed its input state`);
      state = deepFreeze(step.state);
    }
    assert.equal(state.vms[0]?.memslots.length, 2);
  });

  it('is deterministic: the same trace gives the same state hash twice', () => {
    const a = stateHash(fold(events, policies, initialState()));
    const b = stateHash(fold(structuredClone(events), defaultPolicies(), initialState()));
    assert.equal(a, b);
  });

  it('predicts every ioctl result strace observed in the recorded mini VMM run', () => {
    let state = initialState();
    let compared = 0;
    for (const event of events) {
      const step = evolve(state, event, policies);
      state = step.state;
      const predicted = step.effects.find((e) => e.kind === 'result');
      if (event.kind !== 'ioctl' || !event.result || event.name === 'KVM_RUN') continue;
      assert.ok(predicted && predicted.kind === 'result', `no prediction for ${event.name} @${event.seq}`);
      if (predicted.newFd) assert.ok(Number(event.result.ret) >= 0);
      else assert.equal(predicted.ret, event.result.ret, `${event.name} @${event.seq}`);
      compared++;
    }
    assert.equal(compared, 6);
  });

  it('given a vCPU thread, accumulates its run-state time from sched_switch as Xen time[4] does', () => {
    const sw = (seq: number, ts: number, prev: number, prevState: string, next: number): TraceEvent => ({
      seq,
      ts,
      kind: 'context_switch',
      name: 'sched_switch',
      cpu: 0,
      args: { prev_pid: prev, prev_state: prevState, next_pid: next, next_comm: 'x' },
    });
    const start = fold(events, policies, initialState());
    const tid = start.vms[0]!.vcpus[0]!.tid!;
    const t = Math.ceil(start.now!) + 1000; // whole seconds after the scenario, so the sums are exact
    const end = fold(
      [sw(20, t, tid, 'S', 0), sw(21, t + 3, 0, 'R', tid), sw(22, t + 4, tid, 'R+', 1), sw(23, t + 10, 1, 'S', tid)],
      policies,
      start,
    );
    const runstate = end.vms[0]!.vcpus[0]!.runstate;
    assert.equal(runstate.state, 'running');
    assert.deepEqual(runstate.time.slice(1, 3), [6, 3]);
  });
});
