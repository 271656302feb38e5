import assert from 'node:assert/strict';

import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importFiles } from '../../src/importers/import.js';
import { tokenizeFtraceLine } from '../../src/importers/ftrace/tokenizer.js';
import { ImportStats } from '../../src/importers/stats.js';
import { MERGE_STATS, StructureCheck } from '../../src/importers/merge/structure-check.js';
import { splitArgs, tokenizeStraceLine } from '../../src/importers/strace/tokenizer.js';
import type { TraceEvent } from '../../src/model/event.js';
import { readEvents } from '../../src/store/event-reader.js';
import { openStore } from '../../src/store/open.js';
import { fixtureLines } from './fixtures.js';
import { tempDir } from '../helpers/temp.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));
const STRACE = fixture('qemu-pc-64m.strace.gz');
const FTRACE = fixture('qemu-pc-64m.ftrace.gz');

async function importPc() {
  const db = openStore(join(tempDir('hvreplay-merge-'), 't.db'));
  const result = await importFiles(db, { files: [STRACE, FTRACE], name: 'pc' });
  const events = [...readEvents(db, result.trace)];
  return { db, result, events };
}

/** The name each event of a line gets: the ioctl request, the syscall, or the ftrace event. */
function straceLineName(line: string): string | undefined {
  const tok = tokenizeStraceLine(line);
  if (!tok) return undefined;
  const b = tok.body;
  if (b.type === 'signal') return 'signal';
  if (b.type === 'exit') return 'task_exit';
  if (b.type !== 'call') return undefined; // resumed lines join their start; tool messages are counted
  return b.name === 'ioctl' ? splitArgs(b.argsText)[1] : b.name;
}

function countBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) {
    const k = key(t);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

describe('merge: qemu-pc-64m strace + ftrace into one trace', async () => {
  const { result, events } = await importPc();
  const counts = result.stats.counts;

  it('is one strace+ftrace trace aligned by the two hvsync markers, drift under 1 ppm', () => {
    assert.equal(result.trace.format, 'strace+ftrace');
    const clock = result.trace.meta.clock as {
      reference: string;
      alignments: { method: string; drift_ppm: number; offset_s: number; markers: { line: number }[]; rate: number }[];
    };
    assert.equal(clock.reference, 'CLOCK_REALTIME');
    const [a] = clock.alignments;
    assert.ok(a);
    assert.equal(a.method, 'hvsync_markers');
    assert.deepEqual(
      a.markers.map((m) => m.line),
      [25, 29794],
    );
    assert.ok(Math.abs(a.drift_ppm) < 1, `drift ${a.drift_ppm}`);
    // The markers say +1795259507.269623 s; the KVM_RUN/kvm_userspace_exit pairs move it by
    // 176..181 us (the shell's `date` ran that long before its marker was written).
    assert.ok(Math.abs(a.offset_s - 1795259507.2698) < 10e-6, `offset ${a.offset_s}`);
    assert.ok(result.clockNotes?.[0]?.includes('hvsync markers at'));
  });

  it('loses no line: per name, events == lines of that name; headers counted', () => {
    const straceLines = fixtureLines('qemu-pc-64m.strace.gz');
    const ftraceLines = fixtureLines('qemu-pc-64m.ftrace.gz');
    const expected = countBy(straceLines, straceLineName);
    for (const [name, n] of countBy(ftraceLines, (l) => tokenizeFtraceLine(l)?.event)) expected.set(name, (expected.get(name) ?? 0) + n);
    const got = countBy(events, (e) => e.name);
    assert.deepEqual(new Map([...got].sort()), new Map([...expected].sort()));
    const headers = ftraceLines.filter((l) => tokenizeFtraceLine(l) === undefined).length;
    assert.equal(counts.get('ftrace.header_line'), headers);
    const resumed = straceLines.filter((l) => tokenizeStraceLine(l)?.body.type === 'resumed').length;
    assert.equal(counts.get('strace.resumed_joined'), resumed);
    assert.equal(events.length, straceLines.length - resumed + ftraceLines.length - headers);
  });

  it('orders by time, strace calls by their return: each kvm_userspace_exit comes right before its KVM_RUN', () => {
    const keyOf = (e: TraceEvent) => e.ts! + (e.src?.file === STRACE ? (e.result?.duration ?? 0) : 0);
    for (let i = 1; i < events.length; i++) assert.ok(keyOf(events[i]!) >= keyOf(events[i - 1]!) - 1e-9, `@${i} before @${i - 1}`);
    const seq = events
      .filter((e) => e.tid === 9877 && (e.name === 'KVM_RUN' || e.name === 'kvm_userspace_exit'))
      .map((e) => (e.name === 'KVM_RUN' ? 'R' : 'x'));
    assert.equal(seq.length, 2 * 1651);
    assert.equal(seq.join(''), 'xR'.repeat(1651));
  });

  it('checks structure: run-only kvm events of the vCPU thread fall inside its KVM_RUNs, outliers counted with file:line', () => {
    const inside = counts.get(MERGE_STATS.checked) ?? 0;
    const outside = counts.get(MERGE_STATS.outsideRun) ?? 0;
    assert.ok(inside > 6000, `inside ${inside}`);
    // kvm_fpu "load" lines sit 3-7 us before strace's KVM_RUN start on this host; see the report.
    assert.ok(outside < inside / 20, `outside ${outside}`);
    for (const p of result.stats.problems.filter((p) => p.stat === MERGE_STATS.outsideRun)) {
      assert.equal(p.file, FTRACE);
      assert.ok(p.line > 0);
    }
  });
});

describe('merge: structure check on the real mini pair', () => {
  it('counts an event moved out of its KVM_RUN, with its file:line, and drops nothing', async () => {
    const db = openStore(join(tempDir('hvreplay-merge-'), 't.db'));
    const r = await importFiles(db, { files: [fixture('mini.strace'), fixture('mini.ftrace')], name: 'mini' });
    const events = [...readEvents(db, r.trace)];
    assert.equal(r.stats.counts.get(MERGE_STATS.outsideRun) ?? 0, 0);
    // Feed the same merged stream again with one kvm_mmio (a COPY) moved 1 s later.
    const stats = new ImportStats();
    const check = new StructureCheck(stats);
    const mmio = events.find((e) => e.name === 'kvm_mmio')!;
    for (const e of events) check.see(e === mmio ? { ...e, ts: e.ts! + 1 } : e, e.src?.file.endsWith('.strace') ?? false);
    check.end();
    assert.equal(stats.counts.get(MERGE_STATS.outsideRun), 1);
    assert.deepEqual({ file: stats.problems[0]!.file, line: stats.problems[0]!.line }, mmio.src);
  });
});
