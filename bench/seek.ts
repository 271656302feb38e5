// Seeks against a full replay, on a trace already imported into a store (the benchmark issue runs it
// on the 2.65M-event qemu-seabios-big trace). Prints the full replay time, the median and p99 of
// random seeks, their ratio to the replay, and a bisect's rebuilt states and time.
// Usage: node dist/bench/seek.js STORE TRACE [SEEKS]
import { performance } from 'node:perf_hooks';
import { defaultPolicies } from '../src/engine/policy/registry.js';
import { bisectTrace, predicateOracle } from '../src/query/bisect.js';
import { compilePredicate } from '../src/query/predicate.js';
import { replayTrace } from '../src/query/replay-trace.js';
import { Seeker } from '../src/query/seek.js';
import { openStore } from '../src/store/open.js';
import { getTrace } from '../src/store/traces.js';

const [store, name, count = '200'] = process.argv.slice(2);
if (!store || !name) {
  console.error('usage: seek STORE TRACE [SEEKS]');
  process.exit(2);
}
const db = openStore(store);
const trace = getTrace(db, name);
const policies = defaultPolicies();

let t0 = performance.now();
replayTrace(db, trace, policies); // builds the snapshots if they are missing
const replayMs = performance.now() - t0;

const seeker = new Seeker(db, trace, policies);
const times: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const at = Math.floor(Math.random() * trace.eventCount);
  t0 = performance.now();
  seeker.stepAt(at);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;

const boundary = Math.floor(trace.eventCount * 0.7);
t0 = performance.now();
const bisect = bisectTrace(seeker, predicateOracle(seeker, compilePredicate(`event.seq >= ${boundary}`)));
const bisectMs = performance.now() - t0;

console.log(`events ${trace.eventCount}; snapshots ${seeker.snapshots?.count} (${seeker.snapshots?.bytes} bytes, max gap ${seeker.snapshots?.maxGap})`);
console.log(`full replay ${replayMs.toFixed(0)} ms`);
console.log(`seek median ${pct(0.5).toFixed(2)} ms (1/${(replayMs / pct(0.5)).toFixed(0)} of a replay), p99 ${pct(0.99).toFixed(2)} ms`);
console.log(`bisect ${bisect.seq === boundary ? 'ok' : 'WRONG'}: ${bisect.rebuilt} states rebuilt (bound ${bisect.bound}), ${bisectMs.toFixed(0)} ms`);
db.close();
