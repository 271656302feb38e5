import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialState } from '../../src/model/state.js';
import { compilePredicate, PredicateError } from '../../src/query/predicate.js';

const crashed = {
  ...initialState(),
  vms: [
    {
      id: 0,
      pid: 1,
      type: 0,
      arch: 'x86_64',
      origin: 'created' as const,
      status: 'crashed' as const,
      memslots: [],
      vcpus: [
        {
          id: 0,
          runstate: { state: 'running' as const, stateEntryTime: null, time: [0, 0, 0, 0] as [number, number, number, number] },
          inGuest: false,
          lastExit: 'KVM_EXIT_MMIO',
          exitCounts: { KVM_EXIT_MMIO: 2 },
          hwExitCounts: {},
        },
      ],
    },
  ],
};

test('predicates read state, event and effects', () => {
  assert.equal(compilePredicate('state.vms[0].vcpus[0].lastExit == "KVM_EXIT_MMIO"')({ state: crashed }), true);
  assert.equal(compilePredicate('state.vms[0].vcpus[0].exitCounts.KVM_EXIT_MMIO >= 2')({ state: crashed }), true);
  assert.equal(
    compilePredicate('effects.exists(e, e.kind == "crash")')({ state: crashed, effects: [{ kind: 'crash', vm: 0, reason: 'x' }] }),
    true,
  );
  assert.equal(compilePredicate('effects.exists(e, e.kind == "crash")')({ state: crashed, effects: [] }), false);
  assert.equal(
    compilePredicate('event.name == "KVM_RUN" && event.seq > 3')({
      state: crashed,
      event: { seq: 4, kind: 'ioctl', name: 'KVM_RUN', args: {} },
    }),
    true,
  );
});

test('a missing key or index makes the predicate false, not an error', () => {
  const empty = initialState();
  assert.equal(compilePredicate('state.vms[0].status == "crashed"')({ state: empty }), false);
  assert.equal(compilePredicate('state.vms[0].vcpus[0].lastExit == "KVM_EXIT_HLT"')({ state: crashed }), false);
  assert.equal(compilePredicate('!(state.vms[0].status == "crashed")')({ state: empty }), false, 'false as a whole, negation included');
  assert.equal(
    compilePredicate('size(state.vms) == 0 || state.vms[0].status == "running"')({ state: empty }),
    true,
    'CEL absorbs the error where || decides',
  );
  // cel-js's has() takes a field chain without indexes; `in` and exists() test presence under one.
  assert.equal(compilePredicate('has(state.host.features)')({ state: crashed }), false);
  assert.equal(compilePredicate('"crash" in state.vms[0]')({ state: crashed }), false);
  assert.equal(compilePredicate('state.vms.exists(v, v.status == "crashed")')({ state: crashed }), true);
});

test('syntax errors and non-boolean results are reported with the position', () => {
  assert.throws(
    () => compilePredicate('state.vms[0].status =='),
    (e: unknown) => e instanceof PredicateError && /cannot parse predicate/.test(e.message) && /\^/.test(e.message),
  );
  assert.throws(() => compilePredicate('state.vms')({ state: crashed }), PredicateError);
  assert.throws(
    () => compilePredicate('state.vms[0].status > 3')({ state: crashed }),
    (e: unknown) => e instanceof PredicateError && /at event/.test(e.message),
  );
});

test('addresses compare as people write them: addr() is the number, hex() the state\'s own "0x..." form', () => {
  const slot = { slot: 1, flags: 2, guestPhysAddr: '0xfffc0000', memorySize: 262144, userspaceAddr: '0xffffffff81000000' };
  const state = { ...crashed, vms: [{ ...crashed.vms[0]!, memslots: [slot] }] };
  const holds = (expr: string) => compilePredicate(expr)({ state });
  // The pitfall these exist for: a "0x..." string is never equal to a number.
  assert.equal(holds('state.vms[0].memslots[0].guestPhysAddr == 4294705152.0'), false);
  assert.equal(holds('addr(state.vms[0].memslots[0].guestPhysAddr) == 4294705152'), true);
  assert.equal(holds('addr(state.vms[0].memslots[0].guestPhysAddr) == 0xfffc0000'), true);
  assert.equal(holds('addr(state.vms[0].memslots[0].guestPhysAddr) == addr(4294705152.0)'), true);
  assert.equal(
    holds('addr(state.vms[0].memslots[0].guestPhysAddr) >= 0xf0000000 && addr(state.vms[0].memslots[0].guestPhysAddr) < 0x100000000'),
    true,
  );
  assert.equal(holds('state.vms[0].memslots[0].guestPhysAddr == hex(4294705152)'), true);
  assert.equal(holds('state.vms[0].memslots[0].guestPhysAddr == hex("0xFFFC0000")'), true);
  // Above 2^63: exact as an unsigned integer, and ordered against an int literal.
  assert.equal(holds('addr(state.vms[0].memslots[0].userspaceAddr) > 0x7fffffffffffffff'), true);
  assert.equal(holds('addr(state.vms[0].memslots[0].userspaceAddr) == 0xffffffff81000000u'), true);
  assert.throws(
    () => holds('addr("somewhere") == 1'),
    (e: unknown) => e instanceof PredicateError && /not an address/.test(e.message),
  );
});
