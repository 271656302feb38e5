import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PredicateBudgetError } from '../../src/errors.js';
import { initialState } from '../../src/model/state.js';
import { compilePredicate } from '../../src/query/predicate.js';
import { debugScript } from '../cli/debug/run.js';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';

// A predicate's cost is bounded: a backtracking regular expression, comprehensions nested over a
// thousand items, and a list grown until the heap gives out each end with a budget error (exit 2),
// and Ctrl-C stops a scan while a predicate is running.

const MINI = 'scenarios/mini-readonly-slot.yaml';
const L = `[${Array.from({ length: 1000 }, (_, i) => i).join(',')}]`;
const RUNAWAYS = {
  'a backtracking regular expression': `"${'a'.repeat(40)}!".matches("^(a+)+$")`,
  'comprehensions nested three deep over 1,000 items': `cel.bind(L, ${L}, L.all(a, L.all(b, L.all(c, true))))`,
  'a list of lists of lists': `cel.bind(L, ${L}, size(L.map(a, L.map(b, L.map(c, L)))) > 0)`,
  'a list doubled twenty times': `cel.bind(X0, ${L} + ${L}, ${Array.from({ length: 19 }, (_, i) => `cel.bind(X${i + 1}, X${i} + X${i}, `).join('')}size(X19) > 0${')'.repeat(20)}`,
};

describe('predicate budget', () => {
  for (const [what, expr] of Object.entries(RUNAWAYS)) {
    it(`stops ${what} with a budget error`, () => {
      const predicate = compilePredicate(expr);
      assert.throws(() => predicate({ state: initialState() }), PredicateBudgetError);
    });
  }

  it('a predicate stopped once still answers afterwards', () => {
    const predicate = compilePredicate('event.seq > 2.0 && "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a+)+$")');
    assert.throws(() => predicate({ state: initialState(), event: { seq: 5, kind: 'marker', name: 'x', args: {} } }), PredicateBudgetError);
    assert.equal(predicate({ state: initialState(), event: { seq: 1, kind: 'marker', name: 'x', args: {} } }), false);
  });

  it('bisect --when with a runaway predicate exits 2 with the predicate named, instead of hanging or running out of heap', () => {
    const db = join(tempDir(), 's.db');
    for (const expr of Object.values(RUNAWAYS)) {
      const run = hvreplay(db, ['bisect', MINI, '--when', expr]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /ran past its budget of 1 s/);
    }
  });

  it('a runaway breakpoint in a debugger script is an error line; the session goes on and exits 2', () => {
    const db = join(tempDir(), 's.db');
    const run = debugScript(db, MINI, [`break ${RUNAWAYS['a backtracking regular expression']}`, 'continue', 'delete', 'goto 3', 'where']);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stdout, /error: predicate .* ran past its budget/);
    assert.match(run.stdout, /^@3 of 0\.\.10$/m);
  });

  it('Ctrl-C (SIGINT) stops a debugger script in the middle of a slow predicate', async () => {
    const db = join(tempDir(), 's.db');
    assert.equal(hvreplay(db, ['import', 'test/fixtures/traces/qemu-pc-64m.ftrace.gz', '--name', 'pc']).status, 0);
    // A million comparisons an event (tens of milliseconds, inside the budget), never true: a continue
    // over 29,782 events would take most of an hour.
    const slow = `cel.bind(L, ${L.replace(/(\d+)/g, '$1.0')}, L.exists(x, L.exists(y, x + y == event.seq + 100000000.0)))`;
    const child = spawn(process.execPath, [REPO + 'dist/src/cli/main.js', '--db', db, 'debug', 'pc'], {
      cwd: REPO,
      env: { ...process.env, HVREPLAY_HISTORY: '/dev/null' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(`break ${slow}\ncontinue\nwhere\n`);
    child.stdin.end();
    await new Promise((r) => setTimeout(r, 2500));
    const sent = Date.now();
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const status = await exited;
    clearTimeout(timer);
    assert.match(out, /^Interrupted at @\d+\.$/m, out);
    assert.match(out, /^@\d+ of 0\.\.29781$/m);
    assert.equal(status, 0);
    assert.ok(Date.now() - sent < 10_000);
  });
});
