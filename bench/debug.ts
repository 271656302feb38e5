// Latency of the debugger's moves, as a user at the prompt sees them: each move is one command line
// run through the interpreter (the seek or fold, and the text it prints). On a trace already imported
// into a store; snapshots are built first if missing (the session does that when it opens).
// Prints median and p99 over random moves of: step, back, goto N, then step and back with a
// breakpoint set (which go through the scans), and a reverse-continue that crosses many windows.
// Usage: node dist/bench/debug.js STORE TRACE [MOVES]
import { performance } from 'node:perf_hooks';
import { runLine } from '../src/cli/debug/commands.js';
import { DebugSession } from '../src/cli/debug/session.js';
import { openStore } from '../src/store/open.js';
import { getTrace } from '../src/store/traces.js';

const [store, name, count = '200'] = process.argv.slice(2);
if (!store || !name) {
  console.error('usage: debug STORE TRACE [MOVES]');
  process.exit(2);
}
const moves = Number(count);
const db = openStore(store);
const trace = getTrace(db, name);
let t0 = performance.now();
const session = new DebugSession(db, trace, [], 0, (line) => console.error(line));
console.log(`open: ${(performance.now() - t0).toFixed(1)} ms (${trace.eventCount} events; includes building snapshots if they were missing)`);

// A fixed LCG so two runs make the same moves.
let seed = 12345;
const random = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

async function timed(label: string, before: () => Promise<unknown> | unknown, line: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < moves; i++) {
    await before();
    const start = performance.now();
    await runLine(session, line);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  console.log(`${label.padEnd(28)} median ${pct(0.5).toFixed(2).padStart(7)} ms   p99 ${pct(0.99).toFixed(2).padStart(7)} ms   max ${times[times.length - 1]!.toFixed(2).padStart(7)} ms`);
}

const somewhere = () => session.goto(1 + random(trace.eventCount - 2));
await timed('step (from a random @N)', somewhere, 'step');
await timed('back (from a random @N)', somewhere, 'back');
// goto needs a fresh target per move, so it is timed by hand.
{
  const times: number[] = [];
  for (let i = 0; i < moves; i++) {
    const line = `goto ${random(trace.eventCount)}`;
    const start = performance.now();
    await runLine(session, line);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  console.log(`${'goto N (random N)'.padEnd(28)} median ${pct(0.5).toFixed(2).padStart(7)} ms   p99 ${pct(0.99).toFixed(2).padStart(7)} ms   max ${times[times.length - 1]!.toFixed(2).padStart(7)} ms`);
}

// A breakpoint that never hits makes step/back go through the scans, and reverse-continue cross
// every window between here and the start.
await runLine(session, 'break ioctl NO_SUCH_IOCTL');
await timed('step with a breakpoint', somewhere, 'step');
await timed('back with a breakpoint', somewhere, 'back');
const far = Math.min(trace.eventCount - 1, 200_000);
t0 = performance.now();
session.goto(far);
await runLine(session, 'reverse-continue');
const rc = performance.now() - t0;
console.log(`reverse-continue over ${far} events with no hit: ${rc.toFixed(0)} ms (${((far / rc) * 1000).toFixed(0)} events/s)`);
session.goto(0);
const forward = Math.min(trace.eventCount - 1, 200_000);
await runLine(session, `delete`);
await runLine(session, `break event.seq == ${forward}`);
t0 = performance.now();
await runLine(session, 'continue');
const fc = performance.now() - t0;
console.log(`continue over ${forward} events to a CEL breakpoint: ${fc.toFixed(0)} ms (${((forward / fc) * 1000).toFixed(0)} events/s)`);
db.close();
