import assert from 'node:assert/strict';

import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importFiles } from '../../src/importers/import.js';
import { tokenizeFtraceLine } from '../../src/importers/ftrace/tokenizer.js';
import { ImportStats } from '../../src/importers/stats.js';
import { MERGE_STATS, RUN_ONLY_EVENTS, StructureCheck } from '../../src/importers/merge/structure-check.js';
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

  it('is one strace+ftrace trace aligned by the two hvsync markers and the KVM_RUN/exit pairs, no drift within 3 s', () => {
    assert.equal(result.trace.format, 'strace+ftrace');
    const clock = result.trace.meta.clock as {
      reference: string;
      alignments: { method: string; drift_ppm: number; offset_s: number; markers: { line: number }[]; pairing: { pairs: number } }[];
    };
    assert.equal(clock.reference, 'CLOCK_REALTIME');
    const [a] = clock.alignments;
    assert.ok(a);
    assert.equal(a.method, 'hvsync_markers');
    assert.deepEqual(
      a.markers.map((m) => m.line),
      [25, 29794],
    );
    // The markers' rates differ by 0.4 ppm over 3 s, 1.2 us: far less than their jitter, so no drift.
    assert.equal(a.drift_ppm, 0);
    // The markers say +1795259507.269623 s; one offset 176..181 us later puts every exit inside its
    // call's strace window (the shell's `date` ran that long before its marker was written).
    assert.ok(Math.abs(a.offset_s - 1795259507.2698) < 10e-6, `offset ${a.offset_s}`);
    assert.equal(a.pairing.pairs, 1651);
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

  it("orders by time, strace calls by their return, except where a vCPU thread's KVM_RUN and its kernel events are placed", () => {
    const keyOf = (e: TraceEvent) => e.ts! + (e.src?.file === STRACE ? (e.result?.duration ?? 0) : 0);
    const tol =
      (result.trace.meta.clock as { alignments: { pairing: { tolerance_us: number } }[] }).alignments[0]!.pairing.tolerance_us / 1e6;
    let latest = -Infinity;
    for (const e of events) {
      const behind = latest - keyOf(e);
      if (behind > 1e-9) {
        // Only what the placement holds back goes out of time order, and not by more than it waits.
        const placed = e.tid === 9877 && (e.name === 'KVM_RUN' || RUN_ONLY_EVENTS.has(e.name));
        assert.ok(placed, `@${e.seq} ${e.name} of ${e.tid} ${(behind * 1e6).toFixed(1)} us out of order`);
        assert.ok(behind <= 2 * tol + 2e-6, `@${e.seq} ${e.name} held ${(behind * 1e6).toFixed(1)} us`);
      }
      latest = Math.max(latest, keyOf(e));
    }
    const seq = events
      .filter((e) => e.tid === 9877 && (e.name === 'KVM_RUN' || e.name === 'kvm_userspace_exit'))
      .map((e) => (e.name === 'KVM_RUN' ? 'R' : 'x'));
    assert.equal(seq.length, 2 * 1651);
    assert.equal(seq.join(''), 'xR'.repeat(1651));
  });

  it('checks structure: every run-only kvm event of the vCPU thread sits inside its KVM_RUN, how far moved is counted', () => {
    const inside = counts.get(MERGE_STATS.checked) ?? 0;
    assert.equal(inside, events.filter((e) => e.tid === 9877 && RUN_ONLY_EVENTS.has(e.name)).length);
    assert.equal(counts.get(MERGE_STATS.outsideRun) ?? 0, 0);
    // kvm_fpu "load" lines sit 3-7 us before strace's KVM_RUN start on this host: placed inside, counted as moved.
    const merge = (result.trace.meta.clock as { merge: { moved: { count: number; max_us: number } } }).merge;
    assert.equal(merge.moved.count, counts.get(MERGE_STATS.moved));
    assert.ok(merge.moved.max_us <= 10, JSON.stringify(merge.moved));
  });
});
describe('merge: structure check on the real mini pair', () => {
  it('counts an event placed in the wrong call, with its file:line, and drops nothing', async () => {
    const db = openStore(join(tempDir('hvreplay-merge-'), 't.db'));
    const r = await importFiles(db, { files: [fixture('mini.strace'), fixture('mini.ftrace')], name: 'mini' });
    const events = [...readEvents(db, r.trace)];
    assert.equal(r.stats.counts.get(MERGE_STATS.outsideRun) ?? 0, 0);
    const pairing = (r.trace.meta.clock as { alignments: { pairing: { lag_us: number; tolerance_us: number; wait_us: number } }[] })
      .alignments[0]!.pairing;
    const observers = { lagS: pairing.lag_us / 1e6, tolS: pairing.tolerance_us / 1e6, waitS: pairing.wait_us / 1e6 };
    // Feed the same merged stream again with the kvm_mmio moved into the next call, after that call's
    // exit (where a merge by time alone put kernel events whose clock ran ahead of strace's).
    const mmio = events.find((e) => e.name === 'kvm_mmio')!;
    const run = events.find((e) => e.seq > mmio.seq && e.name === 'KVM_RUN')!;
    const next = events.find((e) => e.seq > run.seq && e.name === 'KVM_RUN')!;
    const moved = events.filter((e) => e !== mmio);
    moved.splice(moved.indexOf(next), 0, mmio);
    const stats = new ImportStats();
    const check = new StructureCheck(stats, observers);
    for (const e of moved) check.see(e, e.src?.file.endsWith('.strace') ?? false);
    check.end();
    assert.equal(stats.counts.get(MERGE_STATS.outsideRun), 1);
    assert.deepEqual({ file: stats.problems[0]!.file, line: stats.problems[0]!.line }, mmio.src);
    assert.equal(
      check.report().inside + check.report().outside,
      events.filter((e) => RUN_ONLY_EVENTS.has(e.name) && e.tid === run.tid).length,
    );
  });
});
