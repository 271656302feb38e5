import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ftraceFormat } from '../../src/importers/ftrace/format.js';
import { MAX_DEPTH } from '../../src/importers/jsonl/check.js';
import { jsonlFormat } from '../../src/importers/jsonl/format.js';
import { MAX_LINE_LENGTH } from '../../src/importers/source.js';
import { straceFormat } from '../../src/importers/strace/format.js';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines, parseLines } from './fixtures.js';

// Lines that are wrong in the ways an adversary tries next: each is taken from a real fixture and
// damaged in memory, and must be counted as a problem with its file:line (or flagged as a finding
// while kept), never stored half-read, rounded, or printed with holes.

const strace = fixtureLines('mini.strace');
const ftrace = fixtureLines('mini.ftrace');
const first = (lines: string[], needle: string) => lines.find((l) => l.includes(needle))!;

describe('bad lines are counted, never stored half-read', () => {
  it('strace: a call whose brace or parenthesis does not close is an unreadable line', () => {
    const memslot = first(strace, 'KVM_SET_USER_MEMORY_REGION');
    for (const bad of [memslot.replace('}', ''), memslot.replace('{slot', 'slot'), memslot.replace(/\) = 0/, '}) = 0')]) {
      const parsed = parseLines(straceFormat, 'mini.strace', [bad]);
      assert.equal(parsed.events.length, 0, bad);
      assert.equal(parsed.count('strace.unbalanced_arguments'), 1, bad);
      assert.equal(parsed.stats.problems[0]?.line, 1);
    }
    assert.equal(parseLines(straceFormat, 'mini.strace', [memslot]).events.length, 1);
  });

  it('ftrace: a file whose time goes backwards keeps its events in file order and flags each step back', () => {
    const events = ftrace.filter((l) => l.includes(': kvm_') || l.includes('sched_switch')).slice(0, 6);
    const swapped = [events[0]!, events[2]!, events[1]!, ...events.slice(3)];
    const parsed = parseLines(ftraceFormat, 'mini.ftrace', swapped);
    assert.equal(parsed.events.length, 6);
    assert.equal(parsed.count('ftrace.timestamp_backwards'), 1);
    assert.equal(parsed.stats.unreadable, 0);
    assert.deepEqual(
      parsed.stats.problems.map((p) => [p.line, p.finding]),
      [[3, true]],
    );
  });

  it('ftrace: numbers beyond what their field can hold are refused, not rounded', () => {
    const mmio = first(ftrace, 'kvm_mmio');
    const sched = first(ftrace, 'sched_switch');
    const pidLine = mmio.replace('mini-9889', 'mini-98890000000000000001');
    assert.equal(parseLines(ftraceFormat, 'x', [pidLine]).count('ftrace.unparsed_line'), 1);
    const len = parseLines(ftraceFormat, 'x', [mmio.replace('len 1', 'len 18446744073709551616')]);
    assert.equal(len.count('ftrace.unrecognized_payload'), 1);
    assert.equal(len.events[0]?.kind, 'generic');
    assert.equal(len.events[0]?.args.raw, 'mmio write len 18446744073709551616 gpa 0x1000 val 0x1');
    // The event is there, as a generic one: read in part, not a line missing from the trace.
    assert.deepEqual([len.stats.unreadable, len.stats.keptAsGeneric], [0, 1]);
    const pid = parseLines(ftraceFormat, 'x', [sched.replace('next_pid=9884', 'next_pid=98840000000000000000000')]);
    assert.equal(pid.count('ftrace.unrecognized_payload'), 1);
  });

  it('a kvm_pio (or any) payload that does not decode prints as it was, never "undefined"', () => {
    const dir = tempDir();
    const pio = first(ftrace, 'kvm_pio');
    const file = join(dir, 'pio.ftrace');
    writeFileSync(
      file,
      [pio, pio.replace('pio_write at', 'pio_sideways at'), pio.replace('count 1', 'count 99999999999999')].join('\n') + '\n',
    );
    const db = join(dir, 's.db');
    assert.equal(hvreplay(db, ['import', file, '--name', 'pio']).status, 0);
    const log = hvreplay(db, ['log', 'pio']);
    assert.equal(log.status, 0);
    assert.doesNotMatch(log.stdout, /undefined/);
    assert.match(log.stdout, /kvm_pio: pio_sideways at 0x3f8 size 1 count 1 val 0x41/);
    const strace = join(dir, 'half.strace');
    const memslot = first(fixtureLines('mini.strace'), 'KVM_SET_USER_MEMORY_REGION');
    writeFileSync(strace, memslot.replace(/\{slot=.*\}\)/, '0x7ffd5d3f7a10)') + '\n');
    assert.equal(hvreplay(db, ['import', strace, '--name', 'half']).status, 0);
    const half = hvreplay(db, ['log', 'half']);
    assert.doesNotMatch(half.stdout, /undefined/);
    assert.match(half.stdout, /KVM_SET_USER_MEMORY_REGION, 0x7ffd5d3f7a10\)/);
  });

  it('JSON Lines: a ts that is not a number, a pid of 1e23, args nested too deep or beyond 2^53 are refused with file:line', () => {
    const dir = tempDir();
    const db = join(dir, 's.db');
    assert.equal(hvreplay(db, ['import', 'test/fixtures/traces/mini.strace', '--name', 'mini']).status, 0);
    const lines = hvreplay(db, ['log', 'mini', '--json']).stdout.trim().split('\n');
    const event = JSON.parse(lines[0]!) as Record<string, unknown>;
    // Args nested 5,000 deep, written as text: JSON.stringify itself cannot go that deep.
    const deep = JSON.stringify({ ...event, args: 'DEEP' }).replace('"DEEP"', '{"d":'.repeat(5000) + '1' + '}'.repeat(5000));
    const bad = [
      JSON.stringify({ ...event, ts: 'yesterday' }),
      JSON.stringify({ ...event, pid: 1e23 }),
      JSON.stringify({ ...event, tid: 1.5 }),
      deep,
      JSON.stringify({ ...event, args: { gpa: 2 ** 60 } }),
      JSON.stringify({ ...event, args: [1, 2] }),
    ];
    const parsed = parseLines(jsonlFormat, 'x.jsonl', [lines[0]!, ...bad]);
    assert.equal(parsed.events.length, 1);
    assert.equal(parsed.count('jsonl.bad_field'), bad.length);
    assert.deepEqual(
      parsed.stats.problems.map((p) => p.line),
      [2, 3, 4, 5, 6, 7],
    );
    assert.match(parsed.stats.problems[3]!.message, new RegExp(`nested more than ${MAX_DEPTH} levels`));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, [lines[0], ...bad].join('\n') + '\n');
    const run = hvreplay(db, ['import', file, '--name', 'bad', '--strict']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /bad\.jsonl:2: "ts": expected seconds as a number/);
  });

  it(`a line longer than ${MAX_LINE_LENGTH} characters is counted and skipped, and the lines around it are read`, () => {
    const dir = tempDir();
    const file = join(dir, 'long.strace');
    writeFileSync(file, [...strace.slice(0, 5), 'x'.repeat(5 * MAX_LINE_LENGTH), ...strace.slice(5)].join('\n') + '\n');
    const db = join(dir, 's.db');
    const run = hvreplay(db, ['import', file, '--name', 'long', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.events, strace.length);
    assert.equal(out.stats.counts['source.line_too_long'], 1);
    assert.equal(out.problems[0].line, 6);
    assert.ok(out.problems[0].text.length < 400);
  });
});
