import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { fold } from '../../src/engine/replay.js';
import { enterRunstate, runstateTimesAt } from '../../src/engine/runstate.js';
import { parseScenario } from '../../src/importers/scenario/load.js';
import type { TraceEvent } from '../../src/model/event.js';
import { initialState, newRunstate, type MachineState } from '../../src/model/state.js';
import { REPO } from '../helpers/temp.js';

// Run-state time in a merged trace: a call is placed at its return but stamped with its start, and
// the scheduler, where the trace has it, says when a vCPU thread ran.

const file = 'scenarios/mini-readonly-slot.yaml';
const scenario: TraceEvent[] = parseScenario(file, readFileSync(REPO + file, 'utf8')).events.map((e, seq) => ({ ...e, seq }));
const policies = defaultPolicies();
/** The mini VMM up to its vCPU's creation, and that vCPU's first KVM_RUN as strace recorded it. */
const created = scenario.findIndex((e) => e.name === 'KVM_CREATE_VCPU');
const firstRun = scenario.find((e) => e.name === 'KVM_RUN')!;

function vcpuAfter(extra: Omit<TraceEvent, 'seq'>[]): { state: MachineState; born: number } {
  const before = fold(scenario.slice(0, created + 1), policies, initialState());
  const events = extra.map((e, i) => ({ ...e, seq: created + 1 + i }));
  return { state: fold(events, policies, before), born: before.vms[0]!.vcpus[0]!.runstate.stateEntryTime! };
}

const sum = (t: readonly number[]) => t.reduce((a, b) => a + b, 0);

describe('run-state time', () => {
  it('enterRunstate: an `at` before the entry counts as the entry, so no stretch is negative', () => {
    const rs = enterRunstate(newRunstate('blocked', 10), 'running', 9.5);
    assert.deepEqual(rs, { state: 'running', stateEntryTime: 10, time: [0, 0, 0, 0] });
    assert.deepEqual(runstateTimesAt(enterRunstate(rs, 'blocked', 12), 13), [2, 0, 1, 0]);
  });

  it('given sched_switch for the vCPU thread, a KVM_RUN stamped with an earlier start leaves the blocked state alone', () => {
    const tid = firstRun.tid ?? firstRun.pid!;
    const t = Math.ceil(firstRun.ts!) + 10;
    const sw = (ts: number, prev: number, state: string, next: number): Omit<TraceEvent, 'seq'> => ({
      kind: 'context_switch',
      name: 'sched_switch',
      ts,
      cpu: 0,
      args: { prev_pid: prev, prev_state: state, next_pid: next, next_comm: 'x' },
    });
    // In at t, out (halted, S) at t + 1; the KVM_RUN that blocked arrives later, stamped t + 0.5.
    const { state, born } = vcpuAfter([sw(t, 0, 'R', tid), sw(t + 1, tid, 'S', 0), { ...firstRun, ts: t + 0.5 }, sw(t + 3, 0, 'R', tid)]);
    const v = state.vms[0]!.vcpus[0]!;
    assert.equal(v.runstate.state, 'running');
    assert.ok(
      v.runstate.time.every((x) => x >= 0),
      JSON.stringify(v.runstate.time),
    );
    assert.equal(v.runstate.time[0], 1);
    assert.equal(v.runstate.time[2], 2);
    assert.equal(sum(runstateTimesAt(v.runstate, state.now)), state.now! - born);
  });

  it('without sched_switch a KVM_RUN means running from the latest time seen, and the times add up', () => {
    const t = firstRun.ts!;
    const later: Omit<TraceEvent, 'seq'> = { kind: 'generic', name: 'signal', ts: t + 2, tid: firstRun.tid!, pid: firstRun.pid!, args: {} };
    const { state, born } = vcpuAfter([later, { ...firstRun, ts: t + 1 }]);
    const v = state.vms[0]!.vcpus[0]!;
    assert.equal(v.runstate.state, 'running');
    assert.equal(state.now, t + 2);
    assert.ok(v.runstate.time.every((x) => x >= 0));
    assert.equal(sum(runstateTimesAt(v.runstate, state.now)), state.now! - born);
  });
});
