import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { tokenizeFtraceLine } from '../../src/importers/ftrace/tokenizer.js';
import { importFiles } from '../../src/importers/import.js';
import { RUN_ONLY_EVENTS } from '../../src/importers/merge/structure-check.js';
import { readEvents } from '../../src/store/event-reader.js';
import { openStore } from '../../src/store/open.js';
import { jitterStrace, seeded } from '../helpers/jitter.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines } from './fixtures.js';

// The property: move every strace call's start and return by random ptrace latencies of 100
// to 300 us (a slower observer than the one that recorded the file), merge with the real ftrace, and
// at most 1% of the kernel's KVM_RUN-only events may land in another call than the one they happened
// in; each thread's exits and calls keep their order. Which call an event happened in comes from the
// ftrace alone: the n-th kvm_userspace_exit of a thread ends its n-th KVM_RUN (these recordings have
// as many of one as of the other per thread), and every event of the thread up to it belongs there.

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));

/** ftrace line -> the index of the call (per thread) it happened in. */
function truth(ftraceName: string): Map<number, number> {
  const exitsSoFar = new Map<number, number>();
  const callOf = new Map<number, number>();
  fixtureLines(ftraceName).forEach((text, i) => {
    const f = tokenizeFtraceLine(text);
    if (!f || !RUN_ONLY_EVENTS.has(f.event)) return;
    const n = exitsSoFar.get(f.pid) ?? 0;
    callOf.set(i + 1, n);
    if (f.event === 'kvm_userspace_exit') exitsSoFar.set(f.pid, n + 1);
  });
  return callOf;
}

async function mergedJittered(name: string, seed: number) {
  const dir = tempDir('hvreplay-jitter-');
  const strace = join(dir, `${name}.strace`);
  writeFileSync(strace, jitterStrace(fixtureLines(`${name}.strace.gz`), seeded(seed)).join('\n') + '\n');
  const db = openStore(join(dir, 't.db'));
  const r = await importFiles(db, { files: [strace, fixture(`${name}.ftrace.gz`)], name });
  const events = [...readEvents(db, r.trace)];
  db.close();
  return { events, strace };
}

for (const name of ['qemu-pc-64m', 'qemu-isapc']) {
  describe(`merge under ptrace jitter of 100-300 us: ${name}`, () => {
    const callOf = truth(`${name}.ftrace.gz`);
    it('at most 1% of KVM_RUN-only kernel events leave the call they happened in; exits and calls keep their order', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 0x7fffffff }), async (seed) => {
          const { events, strace } = await mergedJittered(name, seed);
          const runsSeen = new Map<number, number>();
          const lastExitLine = new Map<number, number>();
          const lastRunLine = new Map<number, number>();
          let kernel = 0;
          let misplaced = 0;
          for (const e of events) {
            const tid = e.tid!;
            if (e.src?.file === strace) {
              if (e.name !== 'KVM_RUN') continue;
              assert.ok(e.src.line > (lastRunLine.get(tid) ?? 0), `seed ${seed}: KVM_RUN ${strace}:${e.src.line} out of order`);
              lastRunLine.set(tid, e.src.line);
              runsSeen.set(tid, (runsSeen.get(tid) ?? 0) + 1);
              continue;
            }
            const expected = callOf.get(e.src!.line);
            if (expected === undefined) continue;
            kernel++;
            if ((runsSeen.get(tid) ?? 0) !== expected) misplaced++;
            if (e.name === 'kvm_userspace_exit') {
              assert.ok(e.src!.line > (lastExitLine.get(tid) ?? 0), `seed ${seed}: exit at line ${e.src!.line} out of order`);
              lastExitLine.set(tid, e.src!.line);
            }
          }
          assert.ok(kernel > 5000, `${kernel} kernel events`);
          assert.ok(misplaced <= kernel / 100, `seed ${seed}: ${misplaced} of ${kernel} kernel events in another call`);
        }),
        { numRuns: 3 },
      );
    });
  });
}

// Drift: a copy of the real isapc ftrace whose trace clock runs 300 ppm fast (every timestamp
// stretched from the first). Over its 3 s that moves the offset by 0.9 ms, more than any jitter, so
// the merge must find the drift: from the two markers, and without them from the pairs alone.
describe('merge: a trace clock that drifts 300 ppm against CLOCK_REALTIME', () => {
  const STAMP = / (\d+\.\d{6}): /;
  const lines = fixtureLines('qemu-isapc.ftrace.gz');
  const first = Number(lines.map((l) => STAMP.exec(l)?.[1]).find((t) => t !== undefined));
  const stretched = lines.map((l) => l.replace(STAMP, (_, t: string) => ` ${(first + (Number(t) - first) * 1.0003).toFixed(6)}: `));

  for (const markers of [true, false]) {
    it(markers ? 'is measured by the hvsync markers' : 'is measured by the KVM_RUN/exit pairs when there are no markers', async () => {
      const dir = tempDir('hvreplay-drift-');
      const ftrace = join(dir, 'drift.ftrace');
      writeFileSync(ftrace, stretched.filter((l) => markers || !l.includes(': hvsync ')).join('\n') + '\n');
      const db = openStore(join(dir, 't.db'));
      const r = await importFiles(db, { files: [fixture('qemu-isapc.strace.gz'), ftrace], name: 'drift' });
      db.close();
      const clock = r.trace.meta.clock as {
        alignments: { method: string; drift_ppm: number }[];
        merge: { kvm_events_outside: number; calls_paired: number };
      };
      const a = clock.alignments[0]!;
      assert.equal(a.method, markers ? 'hvsync_markers' : 'kvm_run_pairs');
      // realtime = trace clock * rate: a trace clock 300 ppm fast needs a rate 300 ppm slow (the
      // markers' own 33 ppm of jitter on this recording included).
      assert.ok(Math.abs(a.drift_ppm + 300) < 40, `drift ${a.drift_ppm} ppm`);
      assert.equal(clock.merge.kvm_events_outside, 0);
      assert.equal(clock.merge.calls_paired, 1430);
    });
  }
});

// A shell-written marker can land late under load (the real migrate recording's last one, about
// 0.4 ms): two markers then show a drift that is not there. The pairs decide: on isapc with its last
// marker 600 us late, no drift is applied and one offset still satisfies its pairs as before.
describe('merge: a late hvsync marker', () => {
  it('makes no drift when the KVM_RUN/exit pairs do not bear it out', async () => {
    const lines = fixtureLines('qemu-isapc.ftrace.gz');
    const last = lines.reduce((at, l, i) => (l.includes(': hvsync realtime_ns=') ? i : at), -1);
    const late = [...lines];
    late[last] = lines[last]!.replace(/ (\d+\.\d{6}): /, (_, t: string) => ` ${(Number(t) + 600e-6).toFixed(6)}: `);
    const dir = tempDir('hvreplay-late-marker-');
    const ftrace = join(dir, 'late.ftrace');
    writeFileSync(ftrace, late.join('\n') + '\n');
    const db = openStore(join(dir, 't.db'));
    const r = await importFiles(db, { files: [fixture('qemu-isapc.strace.gz'), ftrace], name: 'late' });
    db.close();
    const clock = r.trace.meta.clock as {
      alignments: { drift_ppm: number; pairing: { pairs: number; exits_inside_window: number } }[];
      merge: { kvm_events_outside: number; moved: { max_us: number } };
      notes: string[];
    };
    const a = clock.alignments[0]!;
    assert.equal(a.drift_ppm, 0);
    assert.match(clock.notes[0]!, /the markers' drift of -?\d+\.\d ppm is not borne out by the pairs/);
    assert.ok(a.pairing.exits_inside_window >= a.pairing.pairs - 5, `${a.pairing.exits_inside_window} of ${a.pairing.pairs}`);
    assert.equal(clock.merge.kvm_events_outside, 0);
    assert.ok(clock.merge.moved.max_us < 50, `moved up to ${clock.merge.moved.max_us} us`);
  });
});
