import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ScenarioError } from '../../src/errors.js';
import type { TextFormat } from '../../src/importers/format.js';
import { ftraceFormat } from '../../src/importers/ftrace/format.js';
import { jsonlFormat } from '../../src/importers/jsonl/format.js';
import { parseScenario } from '../../src/importers/scenario/load.js';
import { straceFormat } from '../../src/importers/strace/format.js';
import { EVENT_KINDS, type NewEvent } from '../../src/model/event.js';
import { readEvents } from '../../src/store/event-reader.js';
import { TraceWriter } from '../../src/store/trace-writer.js';
import { getTrace } from '../../src/store/traces.js';
import { tempStore } from '../query/random-trace.js';
import { REPO } from '../helpers/temp.js';
import { fixtureLines, parseLines } from './fixtures.js';

// Fuzzing each importer with the real fixtures (test/fixtures/traces, scenarios/): random lines, and
// real lines mutated the ways files get damaged (cut, spliced, bytes flipped, digits multiplied,
// brackets added or dropped). Every line either becomes events or is counted (a problem with its
// file:line, or a header, blank or tool line); nothing throws, nothing hangs (each test has a
// timeout), every event is one the store keeps and reads back as it was given.

const FIXTURES = readdirSync(REPO + 'test/fixtures/traces').filter((f) => /\.(strace|ftrace|txt|gz)$/.test(f));
const linesOf = (ext: RegExp) => FIXTURES.filter((f) => ext.test(f)).flatMap((f) => fixtureLines(f).slice(0, 400));
const STRACE = linesOf(/strace/);
const FTRACE = linesOf(/ftrace|\.txt$/);
const JSONL = parseLines(straceFormat, 'mini.strace', fixtureLines('mini.strace'))
  .events.concat(parseLines(ftraceFormat, 'mini.ftrace', fixtureLines('mini.ftrace')).events)
  .map((e) => JSON.stringify(e));

/** A real line, damaged one of the ways files are. */
function mutated(real: string[]): fc.Arbitrary<string> {
  const line = fc.constantFrom(...real);
  const junk = fc.string({
    unit: fc.constantFrom('{', '}', '(', ')', '[', ']', '"', '\\', '<', '>', ',', '=', ' ', ':', '-', '9', 'x', '\x1b', '\u202e', '…'),
  });
  return fc.oneof(
    line,
    fc.tuple(line, fc.nat(), fc.nat()).map(([l, a, b]) => l.slice(0, a % (l.length + 1)) + l.slice((a % (l.length + 1)) + (b % 8))),
    fc.tuple(line, fc.nat()).map(([l, a]) => l.slice(0, a % (l.length + 1))),
    fc.tuple(line, fc.nat(), junk).map(([l, a, j]) => l.slice(0, a % (l.length + 1)) + j + l.slice(a % (l.length + 1))),
    fc.tuple(line, line, fc.nat()).map(([a, b, k]) => a.slice(0, k % (a.length + 1)) + b.slice(k % (b.length + 1))),
    fc.tuple(line, fc.integer({ min: 2, max: 30 })).map(([l, k]) => l.replace(/\d+/, (d) => d.repeat(k))),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
}

/** Fields the model has as integers must be safe ones; args must be plain JSON. */
function checkEvent(e: NewEvent): void {
  assert.ok(EVENT_KINDS.includes(e.kind), e.kind);
  assert.equal(typeof e.name, 'string');
  assert.ok(e.args !== null && typeof e.args === 'object' && !Array.isArray(e.args));
  for (const key of ['pid', 'tid', 'cpu', 'vm', 'vcpu'] as const)
    if (e[key] !== undefined && e[key] !== null) assert.ok(Number.isSafeInteger(e[key]), `${key} ${e[key]}`);
  if (e.ts !== undefined) assert.ok(Number.isFinite(e.ts));
}

function fuzzFormat(format: TextFormat, real: string[]): void {
  const { db } = tempStore();
  let traces = 0;
  fc.assert(
    fc.property(fc.array(mutated(real), { minLength: 1, maxLength: 12 }), (lines) => {
      // Line by line, so that each line's fate can be seen: events from it, or a count.
      for (const [i, line] of lines.entries()) {
        const one = parseLines(format, 'fuzz', [line]);
        const counted = [...one.stats.counts.values()].reduce((a, b) => a + b, 0);
        assert.ok(one.events.length > 0 || counted > 0, `line neither read nor counted: ${JSON.stringify(line)}`);
        for (const p of one.stats.problems) assert.equal(p.line, 1);
        one.events.forEach(checkEvent);
        void i;
      }
      // All together, stored and read back.
      const all = parseLines(format, 'fuzz', lines);
      if (all.events.length === 0) return;
      const writer = new TraceWriter(db, { name: `fuzz-${traces++}`, format: format.name, sources: [], contentHash: '' });
      for (const e of all.events) writer.append(e);
      writer.commit(all.stats.toJSON());
      const back = [...readEvents(db, getTrace(db, `fuzz-${traces - 1}`))];
      assert.equal(back.length, all.events.length);
      for (const [k, e] of back.entries()) {
        assert.deepEqual(e.args, all.events[k]!.args);
        assert.equal(e.name, all.events[k]!.name);
      }
    }),
    { numRuns: 150, seed: 13 },
  );
  db.close();
}

describe('fuzzing the importers with real and damaged lines', () => {
  it('strace', { timeout: 120_000 }, () => fuzzFormat(straceFormat, STRACE));
  it('ftrace (tracefs and trace-cmd report)', { timeout: 120_000 }, () => fuzzFormat(ftraceFormat, FTRACE));
  it('JSON Lines', { timeout: 120_000 }, () => fuzzFormat(jsonlFormat, JSONL));

  it('scenario: every bundled scenario, damaged line by line, imports or is refused with file:line problems', { timeout: 120_000 }, () => {
    const files = readdirSync(REPO + 'scenarios').filter((f) => f.endsWith('.yaml'));
    const texts = files.map((f) => readFileSync(`${REPO}scenarios/${f}`, 'utf8'));
    const edit = fc.tuple(
      fc.constantFrom(...texts.keys()),
      fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(edit, ([which, edits]) => {
        const lines = texts[which]!.split('\n');
        for (const [at, how, junk] of edits) {
          const i = at % lines.length;
          if (how === 0) lines.splice(i, 1);
          else if (how === 1) lines[i] = lines[i]!.slice(0, junk.length);
          else if (how === 2) lines[i] = junk + lines[i]!;
          else lines.splice(i, 0, lines[(i * 7) % lines.length]!);
        }
        try {
          const s = parseScenario(files[which]!, lines.join('\n'));
          s.events.forEach(checkEvent);
        } catch (error) {
          assert.ok(error instanceof ScenarioError, String(error));
          assert.ok(error.problems.length > 0);
          for (const p of error.problems) assert.match(p, new RegExp(`^${files[which]!.replace('.', '\\.')}(:\\d+)?: `), p);
        }
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});
