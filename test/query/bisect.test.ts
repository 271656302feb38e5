import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { MAX_SKIPS, bisectPositions, bisectTrace, bisectTraceAsync, predicateOracle, type Verdict } from '../../src/query/bisect.js';
import { BisectAborted, runOracle, verdictFromExit } from '../../src/query/bisect-run.js';
import { compilePredicate } from '../../src/query/predicate.js';
import { Seeker } from '../../src/query/seek.js';
import { replayTrace } from '../../src/query/replay-trace.js';
import { prologue, randomBody, stamp, storeTrace, tempStore } from './random-trace.js';

test('on a monotone predicate bisect finds the boundary a linear scan finds, within ceil(log2 n)+2 probes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }), fc.nat(), (n, b) => {
      const boundary = b % (n + 1); // n: never true
      const result = bisectPositions(n, (seq) => (seq >= boundary ? 'bad' : 'good'));
      if (boundary === n) assert.equal(result.outcome, 'never');
      else {
        assert.equal(result.outcome, 'found');
        assert.equal(result.seq, boundary);
        assert.equal(result.notMonotone, undefined);
      }
      assert.ok(result.probes.length <= Math.ceil(Math.log2(n)) + 2, `${result.probes.length} probes for n=${n}`);
    }),
    { numRuns: 300 },
  );
});

test('a boundary that flips back is reported as not monotone when the probe past it shows it', () => {
  const result = bisectPositions(100, (seq) => (seq === 40 ? 'bad' : seq >= 60 ? 'bad' : 'good'));
  // Depending on the probes the search lands on 60, or on 40 and sees 41 good.
  assert.equal(result.outcome, 'found');
  const pulse = bisectPositions(100, (seq) => (seq >= 50 && seq <= 50 ? 'bad' : seq === 99 ? 'bad' : 'good'));
  assert.ok(pulse.seq === 99 || pulse.notMonotone);
  const flip = bisectPositions(8, (seq) => (seq === 3 || seq === 7 ? 'bad' : 'good'));
  assert.equal(flip.seq, 3);
  assert.deepEqual(flip.notMonotone, { goodAt: 4, badAt: 3 });
  void result;
});

test('skipped probes move to a neighbour, and all-skipped candidates are reported as a range', () => {
  const skipped = bisectPositions(64, (seq) => (seq >= 20 && seq <= 24 ? 'skip' : seq >= 30 ? 'bad' : 'good'));
  assert.equal(skipped.seq, 30);
  const open = bisectPositions(64, (seq): Verdict => (seq >= 25 && seq <= 29 ? 'skip' : seq >= 30 ? 'bad' : 'good'));
  assert.equal(open.outcome, 'ambiguous');
  assert.deepEqual([open.from, open.to], [25, 30]);
});

test('bisect over a stored trace agrees with a linear scan of the same predicate (property)', () => {
  const { db } = tempStore();
  const policies = defaultPolicies();
  fc.assert(
    fc.property(randomBody(150), fc.integer({ min: 1, max: 6 }), (body, k) => {
      const trace = storeTrace(db, stamp([...prologue(), ...body]));
      const expr = `state.vms[0].vcpus[0].exitCounts.KVM_EXIT_MMIO >= ${k}`;
      const predicate = compilePredicate(expr);
      let linear: number | undefined;
      replayTrace(db, trace, policies, (s) => {
        if (linear === undefined && predicate({ state: s.state, event: s.event, effects: s.effects })) linear = s.event.seq;
      });
      const seeker = new Seeker(db, trace, policies);
      const result = bisectTrace(seeker, predicateOracle(seeker, predicate));
      assert.equal(result.seq, linear);
      assert.equal(result.outcome, linear === undefined ? 'never' : 'found');
      assert.ok(result.rebuilt <= result.bound);
    }),
    { numRuns: 40 },
  );
  db.close();
});

test('a program that skips everything costs at most MAX_SKIPS + 1 probes, not one per event', () => {
  let asked = 0;
  const result = bisectPositions(100_000, () => {
    asked++;
    return 'skip';
  });
  assert.equal(result.outcome, 'ambiguous');
  assert.equal(asked, MAX_SKIPS + 1);
  const late = bisectPositions(100_000, (seq) => (seq >= 99_990 ? 'skip' : seq >= 500 ? 'bad' : 'good'));
  assert.equal(late.seq, 500, 'skips at the end still leave a bad probe to search from');
});

test('--run exit statuses: 0 good, 125 skip, 1-127 bad, 128 and above or a signal abort', async () => {
  assert.equal(verdictFromExit(0), 'good');
  assert.equal(verdictFromExit(125), 'skip');
  assert.equal(verdictFromExit(1), 'bad');
  assert.equal(verdictFromExit(127), 'bad');
  assert.equal(verdictFromExit(128), 'abort');
  assert.equal(verdictFromExit(255), 'abort');
  assert.equal(verdictFromExit(null), 'abort');

  const dir = tempDir('hvreplay-bisect-');
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const { db } = tempStore();
  const trace = storeTrace(
    db,
    stamp([...prologue(), ...Array.from({ length: 40 }, (_, i) => ({ kind: 'marker' as const, name: 'tick', args: { i } }))]),
  );
  const seeker = new Seeker(db, trace, defaultPolicies());
  // Bad from event 20 on, read from the environment; and the state arrives on stdin.
  const byEnv = script('by-env.sh', 'grep -q \'"vms"\' || exit 200\n[ "$HVREPLAY_SEQ" -ge 20 ] && exit 3\nexit 0');
  assert.equal((await bisectTraceAsync(seeker, runOracle(seeker, byEnv))).seq, 20);
  // 125 on the way: git's skip moves to a neighbour.
  const skips = script(
    'skips.sh',
    'cat >/dev/null\ncase "$HVREPLAY_SEQ" in 9|14) exit 125;; esac\n[ "$HVREPLAY_SEQ" -ge 20 ] && exit 1\nexit 0',
  );
  const skipped = await bisectTraceAsync(seeker, runOracle(seeker, skips));
  assert.equal(skipped.seq, 20);
  assert.ok(skipped.probes.some((p) => p.verdict === 'skip'));
  // 125 just before the boundary leaves two candidates.
  const open = script(
    'open.sh',
    'cat >/dev/null\ncase "$HVREPLAY_SEQ" in 19) exit 125;; esac\n[ "$HVREPLAY_SEQ" -ge 20 ] && exit 1\nexit 0',
  );
  const undecided = await bisectTraceAsync(seeker, runOracle(seeker, open));
  assert.deepEqual([undecided.outcome, undecided.from, undecided.to], ['ambiguous', 19, 20]);
  // 128 and above aborts, as does a signal; a command that ignores stdin still counts.
  const aborts = script('aborts.sh', 'exit 129');
  await assert.rejects(bisectTraceAsync(seeker, runOracle(seeker, aborts)), BisectAborted);
  // A script killed by a signal reaches us as its shell's 128+n; the shell itself killed, as a signal.
  await assert.rejects(bisectTraceAsync(seeker, runOracle(seeker, script('killed.sh', 'kill -KILL $$'))), /exited with 137/);
  await assert.rejects(bisectTraceAsync(seeker, runOracle(seeker, 'kill -TERM $$')), /killed by SIGTERM/);
  const never = script('never.sh', 'exit 0');
  assert.equal((await bisectTraceAsync(seeker, runOracle(seeker, never))).outcome, 'never');
  db.close();
});

describe('bisect --run keeps its command in a process group of its own', () => {
  const dir = tempDir('hvreplay-bisect-group-');
  const db = join(dir, 's.db');
  /** A command that starts a grandchild and waits for it, writing both pids down. */
  const hanging = (pids: string) => `echo $$ > ${pids}; sleep 300 & echo $! >> ${pids}; wait`;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  async function gone(pids: string): Promise<boolean> {
    const all = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    for (let i = 0; i < 50 && all.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    return !all.some(alive);
  }

  it('--timeout ends the command and what it started, and aborts the bisect with exit 2', async () => {
    const pids = join(dir, 'timeout.pids');
    const run = hvreplay(db, ['bisect', 'scenarios/mini-readonly-slot.yaml', '--run', hanging(pids), '--timeout', '1']);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /ran longer than --timeout 1 s, and a timeout is not a verdict/);
    assert.ok(await gone(pids), 'the command and its child were ended');
  });

  it('SIGINT to hvreplay ends the command and its children, and exits 130', async () => {
    const pids = join(dir, 'sigint.pids');
    const child = spawn(
      process.execPath,
      [REPO + 'dist/src/cli/main.js', '--db', db, 'bisect', 'scenarios/mini-readonly-slot.yaml', '--run', hanging(pids)],
      {
        cwd: REPO,
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !(existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === 2); i++)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.ok(await gone(pids), 'the command and its child were ended');
  });
});
