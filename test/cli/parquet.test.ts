import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFiles } from '../../src/importers/import.js';
import { EVENTS_PARQUET_SCHEMA } from '../../src/cli/present/parquet/events-parquet.js';
import { readEvents } from '../../src/store/event-reader.js';
import { openStore } from '../../src/store/open.js';
import { getTrace } from '../../src/store/traces.js';
import { hvreplay } from '../helpers/cli.js';
import { fixturePath } from '../helpers/stored-fixture.js';
import { REPO, tempDir } from '../helpers/temp.js';

// `hvreplay parquet`: what DuckDB reads back from the files is the store's events, row for row.

const dir = tempDir('hvreplay-parquet-');
const path = join(dir, 'p.db');
const db = openStore(path);
await importFiles(db, { files: [fixturePath('qemu-kvm.strace.gz'), fixturePath('qemu-kvm.ftrace.gz')], name: 'qemu kvm/merged' });
await importFiles(db, { files: [join(REPO, 'scenarios/mini-readonly-slot.yaml')] });

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

describe('parquet', () => {
  it('writes a file per trace with --all, which DuckDB reads as one table with every event', async () => {
    const out = join(dir, 'all');
    const run = hvreplay(path, ['parquet', '--all', '-o', out]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['1-qemu_kvm_merged.parquet', '2-mini-readonly-slot.parquet']);
    const counts = await query(
      `SELECT trace, count(*) AS n, max(seq) AS last FROM read_parquet('${out}/*.parquet') GROUP BY trace ORDER BY trace`,
    );
    assert.deepEqual(
      counts.map((r) => [r.trace, Number(r.n), Number(r.last)]),
      ['mini-readonly-slot', 'qemu kvm/merged'].map((name) => {
        const t = getTrace(db, name);
        return [name, t.eventCount, t.eventCount - 1];
      }),
    );
    const columns = await query(`DESCRIBE SELECT * FROM read_parquet('${out}/1-qemu_kvm_merged.parquet')`);
    assert.deepEqual(
      columns.map((c) => c.column_name),
      EVENTS_PARQUET_SCHEMA.map((c) => c.name),
    );
  });

  it("holds each event's fields as the store reads them, args and result as JSON", async () => {
    const file = join(dir, 'one.parquet');
    assert.equal(hvreplay(path, ['parquet', 'qemu kvm/merged', '-o', file]).status, 0);
    const rows = await query(
      `SELECT seq, kind, name, ts, pid, tid, comm, cpu, vm, vcpu, CAST(args AS VARCHAR) AS args, CAST(result AS VARCHAR) AS result, src_file, src_line, label FROM read_parquet('${file}') ORDER BY seq`,
    );
    const trace = getTrace(db, 'qemu kvm/merged');
    const events = [...readEvents(db, trace)];
    assert.equal(rows.length, events.length);
    events.forEach((e, i) => {
      const r = rows[i]!;
      const n = (v: unknown) => (v === null ? undefined : Number(v));
      const s = (v: unknown) => (v === null ? undefined : v);
      assert.deepEqual(
        [
          n(r.seq),
          r.kind,
          r.name,
          n(r.ts),
          n(r.pid),
          n(r.tid),
          s(r.comm),
          n(r.cpu),
          n(r.vm),
          n(r.vcpu),
          s(r.src_file),
          n(r.src_line),
          s(r.label),
        ],
        [e.seq, e.kind, e.name, e.ts, e.pid, e.tid, e.comm, e.cpu, e.vm, e.vcpu, e.src?.file, e.src?.line, e.label],
        `event ${e.seq}`,
      );
      assert.deepEqual(JSON.parse(r.args as string), JSON.parse(JSON.stringify(e.args)), `args of event ${e.seq}`);
      assert.deepEqual(r.result === null ? undefined : JSON.parse(r.result as string), e.result, `result of event ${e.seq}`);
    });
    const memslots = await query(
      `SELECT args->>'$.slot' AS slot, result->>'$.ret' AS ret FROM read_parquet('${file}') WHERE name = 'KVM_SET_USER_MEMORY_REGION' ORDER BY seq LIMIT 2`,
    );
    assert.deepEqual(memslots, [
      { slot: '0', ret: '0' },
      { slot: '1', ret: '0' },
    ]);
  });
});
