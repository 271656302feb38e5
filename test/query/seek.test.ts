import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stateHash } from '../../src/engine/hash.js';
import { defaultPolicies, resolvePolicies } from '../../src/engine/policy/registry.js';
import { definePolicy } from '../../src/engine/policy/define-policy.js';
import { fold } from '../../src/engine/replay.js';
import { initialStateFor } from '../../src/query/initial-state.js';
import { Seeker } from '../../src/query/seek.js';
import { replayTrace } from '../../src/query/replay-trace.js';
import { readEvents } from '../../src/store/event-reader.js';
import { findSnapshotSet } from '../../src/store/snapshots.js';
import { engineFingerprint } from '../../src/engine/fingerprint.js';
import { MAX_GAP } from '../../src/query/snapshots/spacing.js';
import { prologue, randomBody, stamp, storeTrace, tempStore } from './random-trace.js';

const policies = defaultPolicies();

function foldTo(db: Parameters<typeof readEvents>[0], trace: Parameters<typeof readEvents>[1], at: number) {
  return fold(readEvents(db, trace, { to: at }), policies, initialStateFor(trace));
}

test('a seek through snapshots gives the state a fold from event 0 gives, at any position', () => {
  const { db } = tempStore();
  fc.assert(
    fc.property(
      randomBody(300),
      fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 12 }),
      (body, picks, gap) => {
        const trace = storeTrace(db, stamp([...prologue(), ...body]));
        // Tiny gaps: many snapshots, so seeks start from snapshots, not from event 0.
        const seeker = new Seeker(db, trace, policies, { spacing: { minGap: gap, maxGap: gap * 2 } });
        assert.ok(seeker.ensureSnapshots(), 'the snapshot set was written');
        for (const pick of picks) {
          const at = pick % trace.eventCount;
          const step = seeker.stepAt(at);
          assert.equal(step.event.seq, at);
          assert.equal(stateHash(step.state), stateHash(foldTo(db, trace, at)), `state after @${at}`);
        }
        assert.ok(seeker.stats.folded <= picks.length * gap * 2, `folded ${seeker.stats.folded} events for ${picks.length} seeks`);
      },
    ),
    { numRuns: 40 },
  );
  db.close();
});

test('the effects of a seek are those of the event at that position in a full replay', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp([...prologue(), ...fc.sample(randomBody(200), { numRuns: 1, seed: 7 })[0]!]));
  const effects: string[] = [];
  replayTrace(db, trace, policies, (s) => effects.push(JSON.stringify(s.effects)));
  const seeker = new Seeker(db, trace, policies);
  for (let at = 0; at < trace.eventCount; at += 7) assert.equal(JSON.stringify(seeker.stepAt(at).effects), effects[at]);
  db.close();
});

test('the first full replay writes one complete set, spaced within MAX_GAP, and a second replay reuses it', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp([...prologue(), ...fc.sample(randomBody(400), { numRuns: 1, seed: 3 })[0]!]));
  const key = { traceId: trace.id, policyKey: policies.key, engine: engineFingerprint() };
  assert.equal(findSnapshotSet(db, key), undefined);
  replayTrace(db, trace, policies);
  const set = findSnapshotSet(db, key);
  assert.ok(set);
  assert.ok(set.maxGap <= MAX_GAP && set.count >= 1);
  const rows = db.prepare('SELECT seq FROM snapshots WHERE trace_id = ? ORDER BY seq').pluck().all(trace.id) as number[];
  assert.equal(rows.length, set.count);
  assert.equal(rows.at(-1), trace.eventCount - 1, 'the final state is a snapshot');
  replayTrace(db, trace, policies);
  assert.equal(findSnapshotSet(db, key)?.builtAt, set.builtAt, 'not rebuilt');
  db.close();
});

test('snapshots written under another engine fingerprint are ignored', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp([...prologue(), ...fc.sample(randomBody(300), { numRuns: 1, seed: 11 })[0]!]));
  const old = new Seeker(db, trace, policies, { engine: 'an-older-engine', spacing: { minGap: 4, maxGap: 8 } });
  old.ensureSnapshots();
  // Poison the old engine's states: whoever read them would get a wrong answer.
  const poisoned = db.prepare("SELECT count(*) FROM snapshots WHERE engine = 'an-older-engine'").pluck().get() as number;
  assert.ok(poisoned > 0);
  db.prepare(
    "UPDATE snapshots SET state = (SELECT state FROM snapshots WHERE engine = 'an-older-engine' ORDER BY seq LIMIT 1) WHERE engine = 'an-older-engine'",
  ).run();

  const current = new Seeker(db, trace, policies, { build: 'never' });
  assert.equal(current.snapshots, undefined, 'no set for this engine');
  const at = trace.eventCount - 1;
  assert.equal(stateHash(current.stateAt(at)), stateHash(foldTo(db, trace, at)));
  assert.equal(current.stats.folded, trace.eventCount, 'folded from event 0');

  // Building this engine's set replaces the old engine's rows for the same trace and policies.
  const rebuilt = new Seeker(db, trace, policies, { spacing: { minGap: 4, maxGap: 8 } });
  rebuilt.ensureSnapshots();
  assert.equal(db.prepare("SELECT count(*) FROM snapshots WHERE engine = 'an-older-engine'").pluck().get(), 0);
  assert.equal(stateHash(rebuilt.stateAt(at)), stateHash(foldTo(db, trace, at)));
  db.close();
});

test('a policy object that is not the registered one gets no snapshots (it would share the id)', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp([...prologue(), ...fc.sample(randomBody(50), { numRuns: 1, seed: 5 })[0]!]));
  const modified = resolvePolicies(
    ['kvm-memslot/linux'],
    [definePolicy({ area: 'kvm-memslot', variant: 'linux', summary: 'a modified copy', sources: [], params: { validFlags: 0 } })],
  );
  const seeker = new Seeker(db, trace, modified);
  assert.equal(seeker.ensureSnapshots(), undefined);
  assert.equal(db.prepare('SELECT count(*) FROM snapshots').pluck().get(), 0);
  db.close();
});

test('an interrupted replay leaves no snapshots behind', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp([...prologue(), ...fc.sample(randomBody(300), { numRuns: 1, seed: 9 })[0]!]));
  assert.throws(
    () =>
      replayTrace(db, trace, policies, (s) => {
        if (s.event.seq === Math.floor(trace.eventCount / 2)) throw new Error('interrupted');
      }),
    /interrupted/,
  );
  assert.equal(db.prepare('SELECT count(*) FROM snapshots').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM snapshot_sets').pluck().get(), 0);
  db.close();
});
