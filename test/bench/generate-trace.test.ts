import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateTrace } from '../../bench/generate-trace.js';
import { ftraceFormat } from '../../src/importers/ftrace/format.js';
import { FTRACE_STATS } from '../../src/importers/ftrace/parser.js';
import { parseLines } from '../importers/fixtures.js';

// The bench's synthetic trace must be what the real importer takes without a complaint, with the
// real trace's mix: kvm_emulate_insn nearly everywhere, the other 22 event names present.

const dir = mkdtempSync(join(tmpdir(), 'hvreplay-gen-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('bench trace generator', () => {
  it('writes a tracefs trace the ftrace importer parses without problems, in the measured mix', async () => {
    const g = await generateTrace(join(dir, 'g.ftrace'), 30_000);
    const lines = readFileSync(g.path, 'utf8').split('\n').slice(0, -1);
    assert.ok(ftraceFormat.sniff(lines.slice(0, 20)));
    const p = parseLines(ftraceFormat, g.path, lines);
    assert.deepStrictEqual(p.stats.problems, []);
    assert.equal(p.count(FTRACE_STATS.header), 12);
    assert.equal(p.events.length, 30_000);
    const names = new Map<string, number>();
    for (const e of p.events) names.set(e.name, (names.get(e.name) ?? 0) + 1);
    assert.equal(names.size, 23);
    assert.ok(names.get('kvm_emulate_insn')! / p.events.length > 0.99);
    // Modelled events decode to their kinds, as in the real trace.
    assert.ok(p.events.some((e) => e.name === 'kvm_pio' && e.kind === 'fault'));
    assert.ok(p.events.some((e) => e.name === 'sched_switch' && e.kind === 'context_switch'));
    // Bytes a line as in the real file (92), within 10%.
    assert.ok(Math.abs(g.bytes / lines.length - 92) < 9.2, `${g.bytes / lines.length} bytes a line`);
    // Deterministic: the same bytes again.
    const again = await generateTrace(join(dir, 'h.ftrace'), 30_000);
    assert.equal(readFileSync(again.path, 'utf8'), lines.join('\n') + '\n');
  });
});
