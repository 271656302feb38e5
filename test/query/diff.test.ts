import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stateHash } from '../../src/engine/hash.js';
import { defaultPolicies, resolvePolicies } from '../../src/engine/policy/registry.js';
import { definePolicy } from '../../src/engine/policy/define-policy.js';
import { fold } from '../../src/engine/replay.js';
import { importScenario } from '../../src/importers/import.js';
import { diffPolicies } from '../../src/query/diff-policies.js';
import { diffTraces } from '../../src/query/diff-traces.js';
import { eventSignature } from '../../src/query/event-signature.js';
import { initialStateFor } from '../../src/query/initial-state.js';
import { diffAndShare, collector, diffValues } from '../../src/query/state-diff.js';
import { readEvents } from '../../src/store/event-reader.js';
import type { TraceEvent } from '../../src/model/event.js';
import { prologue, randomBody, stamp, storeTrace, tempStore } from './random-trace.js';

const MINI = fileURLToPath(new URL('../../../scenarios/mini-readonly-slot.yaml', import.meta.url));
const linux = defaultPolicies();
/**
 * A kernel with the flags check but without KVM_MEM_READONLY (no registered policy is that kernel):
 * check_memory_region_flags() refuses the flag, so the read-only slot is EINVAL.
 */
const noReadonly = resolvePolicies(
  ['kvm-readonly/test-flag-checked-absent'],
  [
    definePolicy({
      area: 'kvm-readonly',
      variant: 'test-flag-checked-absent',
      summary: 'check_memory_region_flags() without KVM_MEM_READONLY',
      sources: [],
      hooks: { memslotFlags: 0 },
    }),
  ],
);

test('the state differ names dotted paths with both values, and shares equal subtrees', () => {
  const shared = { big: [1, 2, 3] };
  const a = {
    vms: [{ vcpus: [{ lastExit: 'KVM_EXIT_IO', n: 1 }] }],
    host: { sysctls: { 'vm.allocate_pgste': '1' }, same: { x: 1 } },
    keep: shared,
  };
  const b = {
    vms: [{ vcpus: [{ lastExit: 'KVM_EXIT_MMIO', n: 1 }] }, { extra: true }],
    host: { sysctls: {}, same: { x: 1 } },
    keep: shared,
  };
  const out = collector();
  const shared2 = diffAndShare<unknown>(a, b, out) as typeof b;
  assert.deepEqual(out.differences.map((d) => d.path).sort(), ['host.sysctls["vm.allocate_pgste"]', 'vms[0].vcpus[0].lastExit', 'vms[1]']);
  assert.deepEqual(
    out.differences.find((d) => d.path === 'vms[0].vcpus[0].lastExit'),
    { path: 'vms[0].vcpus[0].lastExit', a: 'KVM_EXIT_IO', b: 'KVM_EXIT_MMIO' },
  );
  assert.equal(shared2.host.same, a.host.same, "an equal subtree of B is now A's object");
  assert.deepEqual(shared2, b, 'B is unchanged as data');
  assert.equal(diffValues(a, structuredClone(a)).differences.length, 0);
});

test('diffAndShare finds exactly the differences a full comparison finds (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const out = diffValues(a, b);
      assert.equal(out.differences.length === 0, stateHash(a) === stateHash(b));
    }),
    { numRuns: 300 },
  );
});

test('diffing a policy against itself finds nothing', () => {
  const { db } = tempStore();
  fc.assert(
    fc.property(randomBody(200), (body) => {
      const trace = storeTrace(db, stamp([...prologue(), ...body]));
      const report = diffPolicies(readEvents(db, trace), initialStateFor(trace), linux, linux);
      assert.equal(report.divergentEvents, 0);
      assert.equal(report.first, undefined);
      assert.equal(report.finalHashA, report.finalHashB);
    }),
    { numRuns: 30 },
  );
  db.close();
});

test('a kernel without read-only memslots parts from upstream at the read-only KVM_SET_USER_MEMORY_REGION', () => {
  const { db } = tempStore();
  const { trace } = importScenario(db, MINI);
  const all: number[] = [];
  const report = diffPolicies(readEvents(db, trace), initialStateFor(trace), linux, noReadonly, { onDivergence: (d) => all.push(d.seq) });
  assert.ok(report.first);
  assert.equal(report.first.event.label, 'readonly-slot');
  assert.deepEqual(
    report.first.state.map((d) => d.path),
    ['vms[0].memslots[1]'],
  );
  assert.equal((report.first.state[0]!.a as { flags: number }).flags, 2);
  assert.equal(report.first.state[0]!.b, undefined);
  assert.deepEqual(report.first.effects.onlyB.map((e) => e.kind).sort(), ['log', 'result']);
  assert.ok(report.first.effects.onlyB.some((e) => e.kind === 'result' && e.errno === 'EINVAL'));
  assert.ok(report.first.effects.onlyA.some((e) => e.kind === 'memslot'));
  assert.equal(report.divergentEvents, all.length);
  assert.equal(report.paths[0]?.path, 'vms[0].memslots[1]');
  assert.notEqual(report.finalHashA, report.finalHashB);
  // The lockstep's states are the states of two separate replays.
  assert.equal(report.finalHashB, stateHash(fold(readEvents(db, trace), noReadonly, initialStateFor(trace))));
  assert.equal(report.finalHashA, stateHash(fold(readEvents(db, trace), linux, initialStateFor(trace))));
  db.close();
});

test('signatures ignore what the host chooses (pids, fds, times, host addresses) and keep what the VMM asked', () => {
  const a: TraceEvent = {
    seq: 3,
    kind: 'ioctl',
    name: 'KVM_SET_USER_MEMORY_REGION',
    pid: 10,
    tid: 10,
    ts: 1,
    args: {
      fd: 4,
      fdPath: 'anon_inode:kvm-vm',
      slot: 1,
      flags: 2,
      guest_phys_addr: 4096,
      memory_size: 4096,
      userspace_addr: '0x7fcd470f9000',
    },
    result: { ret: 0 },
  };
  const b: TraceEvent = { ...a, seq: 9, pid: 77, tid: 77, ts: 5, args: { ...a.args, fd: 7, userspace_addr: '0x7f0000001000' } };
  assert.equal(eventSignature(a), eventSignature(b));
  assert.notEqual(eventSignature(a), eventSignature({ ...b, args: { ...b.args, slot: 2 } }));
  assert.notEqual(eventSignature(a), eventSignature({ ...b, result: { errno: 'EINVAL' } }));
});

test('two recordings: equal ones match, an inserted and a changed event are found where they are', () => {
  const base = stamp([...prologue(), ...fc.sample(randomBody(3000, 3000), { numRuns: 1, seed: 21 })[0]!]);
  const renumbered = base.map((e) => ({ ...e, pid: 5000, tid: e.tid === undefined ? undefined : e.tid + 1000, ts: (e.ts ?? 0) + 100 }));
  const events = (list: typeof base): TraceEvent[] => list.map((e, seq) => ({ ...e, seq }) as TraceEvent);
  const same = diffTraces(events(base), events(renumbered), undefined, 64);
  assert.equal(same.hunks, 0);
  assert.equal(same.common, base.length);

  const inserted = [...base.slice(0, 1500), { kind: 'marker' as const, name: 'inserted', args: {} }, ...base.slice(1500)];
  inserted[2500] = { kind: 'marker', name: 'changed', args: {} };
  const hunks: { a: number; b: number }[] = [];
  const report = diffTraces(events(base), events(inserted), (h) => hunks.push({ a: h.a.from, b: h.b.from }), 64);
  assert.equal(report.first?.firstB?.name, 'inserted');
  assert.equal(report.first?.b.from, 1500);
  assert.equal(report.first?.a.count, 0);
  assert.equal(report.onlyB, 2);
  assert.equal(report.onlyA, 1);
  assert.equal(report.common, base.length - 1);
  assert.deepEqual(hunks[1], { a: 2499, b: 2500 });
});
