import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { EVENT_COLUMNS, PAGE_ROW_SQL } from '../../src/store/event-codec.js';
import { pageRowText } from '../../src/store/page-row-text.js';

// The writer's own text of a row must be SQLite's, character for character, wherever it makes one:
// the CRCs kept at import are compared with SQLite's text at every read. Rows of random values, of
// every type a column can be given, are inserted into the events table and read back with the page
// reader's SQL.

const db = new Database(':memory:');
db.exec(
  `CREATE TABLE events (trace_id INTEGER NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL, name INTEGER NOT NULL, t_ns INTEGER,
   pid INTEGER, tid INTEGER, comm INTEGER, cpu INTEGER, vm INTEGER, vcpu INTEGER, args, result TEXT, src_file INTEGER, src_line INTEGER,
   label TEXT, PRIMARY KEY (trace_id, seq)) WITHOUT ROWID`,
);
const insert = db.prepare(
  `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (1, ${EVENT_COLUMNS.slice(1)
    .map(() => '?')
    .join(', ')})`,
);
const read = db.prepare(`SELECT ${PAGE_ROW_SQL} FROM events WHERE trace_id = 1 AND seq = ?`).pluck();

/** Any string: control characters, quotes, backslashes, non-ASCII, astral and lone surrogates. */
const anyString = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\t', '\x00', '\x1f', '\x7f', "'", '/', 'é', '\u2028', '\ud800', '\udc00', 'a') }),
);
const anyInt = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constant(-0));
const anyNumber = fc.oneof({ arbitrary: anyInt, weight: 6 }, fc.double({ noNaN: true }), fc.constant(2 ** 53 + 2));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const row = fc.tuple(
  fc.nat({ max: 1_000_000 }),
  fc.integer({ min: 0, max: 8 }),
  fc.nat(),
  maybe(anyNumber),
  maybe(anyInt),
  maybe(anyInt),
  maybe(fc.nat()),
  maybe(anyInt),
  maybe(anyInt),
  maybe(anyInt),
  maybe(fc.oneof(anyString, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))),
  maybe(anyString),
  maybe(fc.nat()),
  maybe(anyNumber),
  maybe(anyString),
);

describe('page row text', () => {
  it("is SQLite's json_array text wherever it is made, and is made for the values real imports bind", () => {
    let made = 0;
    fc.assert(
      fc.property(row, (values) => {
        db.exec('DELETE FROM events');
        insert.run(values);
        const text = pageRowText(values, 0);
        if (text === undefined) return;
        made++;
        assert.equal(text, read.get(values[0]));
      }),
      { numRuns: 3000 },
    );
    assert.ok(made > 600, `only ${made} of 3000 rows rendered`);
  });

  it('declines what it cannot render exactly: fractions, numbers past 2^53, lone surrogates', () => {
    const base: unknown[] = [5, 8, 1, 10, 1, 1, 2, 0, null, null, 'x', null, 3, 9, null];
    assert.equal(pageRowText(base, 0), '[5,8,1,10,1,1,2,0,"x",3,4]');
    for (const [column, value] of [
      [3, 1.5],
      [4, 2 ** 53 + 2],
      [10, 'a\ud800'],
      [11, '\udfff'],
    ] as const) {
      const values = [...base];
      values[column] = value;
      assert.equal(pageRowText(values, 0), undefined, `column ${column}: ${String(value)}`);
    }
  });
});
