import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSnapshotSet, SNAPSHOT_BATCH, SnapshotSetWriter, type SnapshotKey } from '../../src/store/snapshots.js';
import { prologue, stamp, storeTrace, tempStore } from '../query/random-trace.js';

// A snapshot set is written as it is made, in batches, yet is visible all at once or not at all.

const blob = (n: number) => Buffer.from(`snapshot ${n}`);

function rows(db: ReturnType<typeof tempStore>['db'], key: SnapshotKey): { all: number; final: number } {
  const count = (where: string, ...args: unknown[]) =>
    db
      .prepare(`SELECT count(*) FROM snapshots WHERE trace_id = ? AND policy_key = ? ${where}`)
      .pluck()
      .get(key.traceId, key.policyKey, ...args) as number;
  return { all: count(''), final: count('AND engine = ?', key.engine) };
}

test('snapshots reach the store in batches while the set is built, under a key no reader uses, and become the set at finish', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp(prologue()));
  const key: SnapshotKey = { traceId: trace.id, policyKey: 'test/policies', engine: 'engine-a' };
  const writer = new SnapshotSetWriter(db, key);
  for (let i = 0; i < SNAPSHOT_BATCH * 2 + 5; i++) writer.add(i, blob(i));
  assert.deepEqual(rows(db, key), { all: SNAPSHOT_BATCH * 2, final: 0 }, 'two batches written, none under the set key');
  assert.equal(findSnapshotSet(db, key), undefined);
  const done = writer.finish({ maxGap: 1, spacing: {} });
  assert.equal(done.written, true);
  assert.deepEqual(rows(db, key), { all: SNAPSHOT_BATCH * 2 + 5, final: SNAPSHOT_BATCH * 2 + 5 });
  assert.equal(findSnapshotSet(db, key)?.count, SNAPSHOT_BATCH * 2 + 5);
});

test("a build that stops half way leaves no set, and its rows go when the next set of the trace's policies is finished", () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp(prologue()));
  const key: SnapshotKey = { traceId: trace.id, policyKey: 'test/policies', engine: 'engine-a' };
  const killed = new SnapshotSetWriter(db, key);
  for (let i = 0; i < SNAPSHOT_BATCH; i++) killed.add(i, blob(i));
  assert.equal(rows(db, key).all, SNAPSHOT_BATCH);
  assert.equal(findSnapshotSet(db, key), undefined, 'no set without its row');
  const next = new SnapshotSetWriter(db, key);
  for (let i = 0; i < 3; i++) next.add(i, blob(i));
  assert.equal(next.finish({ maxGap: 1, spacing: {} }).written, true);
  assert.deepEqual(rows(db, key), { all: 3, final: 3 });
});

test('an abandoned build removes its own rows', () => {
  const { db } = tempStore();
  const trace = storeTrace(db, stamp(prologue()));
  const key: SnapshotKey = { traceId: trace.id, policyKey: 'test/policies', engine: 'engine-a' };
  const writer = new SnapshotSetWriter(db, key);
  for (let i = 0; i < SNAPSHOT_BATCH + 1; i++) writer.add(i, blob(i));
  writer.abandon();
  assert.equal(rows(db, key).all, 0);
});
