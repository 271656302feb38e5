import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sniffFormat } from '../../src/importers/formats.js';
import type { NewEvent, TraceEvent } from '../../src/model/event.js';
import { decodeEvent, EVENT_COLUMNS, type EventRow } from '../../src/store/event-codec.js';
import { readEvents } from '../../src/store/event-reader.js';
import { StringTable } from '../../src/store/strings.js';
import { openStore } from '../../src/store/open.js';
import { TraceWriter } from '../../src/store/trace-writer.js';
import { getTrace } from '../../src/store/traces.js';
import { fixtureLines, parseLines } from '../importers/fixtures.js';
import { fileURLToPath } from 'node:url';
import { openTraceDat } from '../../src/importers/tracedat/reader.js';
import { ImportStats } from '../../src/importers/stats.js';

// encode -> SQLite -> decode is the identity for every real event of every fixture: the codec's
// compact forms (interned or inline raw payloads, relative nanosecond times) lose nothing.

const FIXTURES = readdirSync(new URL('../../../test/fixtures/traces/', import.meta.url)).filter((f) =>
  /\.(ftrace|strace|txt)(\.gz)?$/.test(f),
);
const dir = mkdtempSync(join(tmpdir(), 'hvreplay-codec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function roundTrip(name: string, events: readonly NewEvent[]): TraceEvent[] {
  const db = openStore(join(dir, `${name}.db`));
  try {
    const writer = new TraceWriter(db, { name, format: 'test', sources: [], contentHash: '' });
    for (const e of events) writer.append(e);
    writer.commit({});
    const trace = getTrace(db, name);
    const paged = [...readEvents(db, trace, { prefetch: 'never' })];
    // The row-at-a-time decoder (whole rows of `events`, as other readers select them) agrees.
    const strings = new StringTable(db);
    const rows = db
      .prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE trace_id = ? ORDER BY seq`)
      .raw()
      .all(trace.id) as EventRow[];
    assert.deepStrictEqual(
      rows.map((r) => decodeEvent(r, trace.t0, strings)),
      paged,
    );
    // So does the worker that builds pages ahead for long replays.
    assert.deepStrictEqual([...readEvents(db, trace, { prefetch: 'always' })], paged);
    // A range in the middle, across page boundaries in both readers (pages of 2048 events).
    const from = Math.floor(paged.length / 3);
    const to = Math.min(paged.length - 1, from + 2100);
    for (const prefetch of ['never', 'always'] as const)
      assert.deepStrictEqual([...readEvents(db, trace, { from, to, prefetch })], paged.slice(from, to + 1));
    return paged;
  } finally {
    db.close();
  }
}

describe('event codec: round trip of real events', () => {
  it('has fixtures of both text formats to check', () => {
    assert.ok(FIXTURES.some((f) => f.includes('.ftrace')) && FIXTURES.some((f) => f.includes('.strace')), FIXTURES.join(', '));
  });

  for (const fixture of FIXTURES) {
    it(`${fixture}: every event reads back equal to what was written`, () => {
      const lines = fixtureLines(fixture);
      const format = sniffFormat(lines.filter((l) => l.trim() !== '').slice(0, 20));
      assert.ok(format, `${fixture}: no format recognised`);
      const { events } = parseLines(format, fixture, lines);
      if (events.length === 0) return; // an empty trace-cmd report has nothing to store
      const back = roundTrip(fixture, events);
      assert.equal(back.length, events.length);
      back.forEach((got, seq) => assert.deepStrictEqual(got, { seq, ...events[seq]! }, `${fixture} event ${seq}`));
    });
  }

  // trace.dat events carry their decoded fields: JSON args, interned when they repeat (schema 5).
  for (const fixture of ['kvm-mini.dat', 'host-sched-v7.dat']) {
    it(`${fixture}: every event reads back equal to what was written`, async () => {
      const td = await openTraceDat(fileURLToPath(new URL(`../../../test/fixtures/traces/${fixture}`, import.meta.url)), fixture);
      const events: NewEvent[] = [];
      try {
        for await (const batch of td.events(new ImportStats())) events.push(...batch);
      } finally {
        td.close();
      }
      const back = roundTrip(fixture, events);
      assert.equal(back.length, events.length);
      back.forEach((got, seq) => assert.deepStrictEqual(got, { seq, ...events[seq]! }, `${fixture} event ${seq}`));
    });
  }

  it('keeps the forms apart: repeated and one-off raw payloads, a repeated payload that looks like JSON, repeated JSON args, raw with other keys, empty args', () => {
    const base = { kind: 'generic' as const, name: 'x', ts: 1.5, pid: 1, tid: 1 };
    const events: NewEvent[] = [
      { ...base, args: { raw: 'repeated payload' } },
      { ...base, args: { raw: 'repeated payload' } },
      { ...base, args: { raw: 'repeated payload' } },
      { ...base, args: { raw: 'once' } },
      { ...base, args: { raw: '{"raw":"not json args"}' } },
      { ...base, args: { raw: '{"raw":"not json args"}' } },
      { ...base, args: { raw: '{"raw":"not json args"}' } },
      { ...base, args: { rip: 1, insn: [72, 57, 250] } },
      { ...base, args: { rip: 1, insn: [72, 57, 250] } },
      { ...base, args: { rip: 1, insn: [72, 57, 250] } },
      { ...base, args: { raw: '' } },
      { ...base, args: { raw: '12' } },
      { ...base, args: { raw: 'a=1', a: 1 } },
      { ...base, args: { a: 1, raw: 'key order kept' } },
      { ...base, args: { raw: 7 } },
      { ...base, args: {} },
      { ...base, ts: 1.5 + 1e-9, args: {}, result: { ret: 0 }, label: 'l', vm: 0, vcpu: 1, comm: 'CPU 0/KVM', src: { file: 'f', line: 3 } },
    ];
    const back = roundTrip('forms', events);
    back.forEach((got, seq) => assert.deepStrictEqual(got, { seq, ...events[seq]! }));
    assert.deepStrictEqual(Object.keys(back[13]!.args), ['a', 'raw']);
  });

  it('shows readable JSON args in event_log for every form', () => {
    const db = openStore(join(dir, 'forms.db'));
    try {
      const args = db.prepare("SELECT args FROM event_log WHERE trace = 'forms' ORDER BY seq").pluck().all() as (string | null)[];
      assert.deepStrictEqual(
        args.map((a) => (a === null ? null : JSON.parse(a))),
        [
          { raw: 'repeated payload' },
          { raw: 'repeated payload' },
          { raw: 'repeated payload' },
          { raw: 'once' },
          { raw: '{"raw":"not json args"}' },
          { raw: '{"raw":"not json args"}' },
          { raw: '{"raw":"not json args"}' },
          { rip: 1, insn: [72, 57, 250] },
          { rip: 1, insn: [72, 57, 250] },
          { rip: 1, insn: [72, 57, 250] },
          { raw: '' },
          { raw: '12' },
          { raw: 'a=1', a: 1 },
          { a: 1, raw: 'key order kept' },
          { raw: 7 },
          null,
          null,
        ],
      );
    } finally {
      db.close();
    }
  });
});
