// npm run bench [-- TRACE] [--json] [--runs N] [--events N] [--only a,b] [--keep] [--dat FILE]
// (workloads for --only: replay, seek, bisect, stats, export, debug, startup, tracedat, strace, scenario,
// 10m; import always runs)
//
// Every workload next to a baseline run alongside it on the same machine, as a ratio, with its target.
// Without TRACE a synthetic ftrace file with the size and event mix of the real 2.65M-event trace is
// generated in a temporary directory (bench/generate-trace.ts). With --dat, a real trace.dat is
// imported against the text importer on the same events (bench/workloads/tracedat.ts).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/open.js';
import { getTrace } from '../src/store/traces.js';
import { generateTrace, REAL_EVENTS } from './generate-trace.js';
import { haveCommand, timed } from './measure.js';
import { renderTable, type BenchRow } from './report.js';
import { importWorkload } from './workloads/import.js';
import { replayWorkload } from './workloads/replay.js';
import { debugWorkload } from './workloads/debug.js';
import { debugContinueWorkload } from './workloads/debug-continue.js';
import { bisectWorkload, seekWorkload } from './workloads/seek.js';
import { startupWorkload } from './workloads/startup.js';
import { timelineWorkload } from './workloads/timeline.js';
import { traceDatWorkload } from './workloads/tracedat.js';
import { scenarioWorkload, straceWorkload } from './workloads/inputs.js';
import { tenMillionWorkload } from './workloads/ten-million.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    events: { type: 'string', default: String(REAL_EVENTS) },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    dat: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs));
const only = values.only ? new Set(values.only.split(',')) : undefined;
const want = (w: string) => !only || only.has(w);
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** The storage floor needs the sqlite3 shell; Debian's package provides it. */
function ensureSqlite3(): void {
  if (haveCommand('sqlite3')) return;
  log('sqlite3 shell missing; installing it from Debian (apt-get install -y sqlite3)');
  const r = spawnSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'inherit' });
  if (r.status !== 0 || !haveCommand('sqlite3')) throw new Error('the import baseline needs the sqlite3 shell: apt-get install -y sqlite3');
}

// The machine is shared: its load, before and after, says how much to trust a ratio.
const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'hvreplay-bench-'));
try {
  let trace = positionals[0];
  let generated: string | undefined;
  if (!trace) {
    const g = await timed(() => generateTrace(join(dir, 'generated.ftrace'), Number(values.events)));
    trace = generated = g.value.path;
    log(
      `generated ${g.value.events.toLocaleString('en-US')} events (${(g.value.bytes / 2 ** 20).toFixed(1)} MB) in ${g.seconds.toFixed(1)} s: ${trace}`,
    );
  }
  ensureSqlite3();
  const rows: BenchRow[] = [];
  log(`import (${runs} run(s), with the sqlite3 .import floors alongside)`);
  const imported = await importWorkload(trace, dir, runs);
  rows.push(...imported.rows);
  const db = openStore(imported.db);
  try {
    const record = getTrace(db, imported.traceName);
    let replaySeconds: number | undefined;
    if (want('replay') || want('seek')) {
      log('full replay, with read+decode alongside');
      const r = await replayWorkload(db, record, runs);
      replaySeconds = r.replaySeconds;
      if (want('replay')) rows.push(...r.rows);
    }
    let seekMedian: number | undefined;
    if (want('seek') && replaySeconds !== undefined) {
      log('seek (building snapshots first)');
      const s = await seekWorkload(db, record, replaySeconds);
      seekMedian = s.median;
      rows.push(...s.rows);
    }
    if (want('bisect')) {
      log('bisect');
      rows.push(...(await bisectWorkload(db, record, seekMedian)));
    }
    if (want('stats') || want('export')) {
      log('stats and export, with a full replay alongside');
      rows.push(...(await timelineWorkload(db, imported.db, record, dir, runs)));
    }
    if (want('debug')) {
      log('debugger step, back, goto');
      rows.push(...(await debugWorkload(db, record, seekMedian)));
      log('debugger continue to a CEL breakpoint');
      rows.push(...(await debugContinueWorkload(db, record, replaySeconds)));
    }
  } finally {
    db.close();
  }
  if (want('strace')) {
    log('strace import, with the plain-table floor alongside');
    rows.push(...(await straceWorkload(dir, runs, log)));
  }
  if (want('scenario')) {
    log('scenario import, with the plain-table floor alongside');
    rows.push(...(await scenarioWorkload(dir, runs, log)));
  }
  if (want('10m')) {
    log('ten million events: import, first state --at, seek');
    rows.push(...(await tenMillionWorkload(dir, log)));
  }
  if (want('tracedat')) {
    log('trace.dat import, with the text import of the same events alongside');
    rows.push(...(await traceDatWorkload(values.dat, dir, runs)));
  }
  if (want('startup')) {
    log('start-up');
    rows.push(...(await startupWorkload()));
  }
  const load = { before: +loadBefore.toFixed(2), after: +loadavg()[0]!.toFixed(2), cores: availableParallelism() };
  const meta = {
    trace: positionals[0] ?? `generated (${values.events} events)`,
    events: imported.events,
    runs,
    node: process.version,
    when: new Date().toISOString(),
    load,
  };
  if (values.json) process.stdout.write(JSON.stringify({ ...meta, rows }, null, 2) + '\n');
  else
    process.stdout.write(
      `hvreplay bench: ${meta.trace}, ${meta.events.toLocaleString('en-US')} events, node ${meta.node}, load average ${load.before} -> ${load.after} on ${load.cores} cores\n\n${renderTable(rows)}\n`,
    );
  if (generated && values.keep) log(`kept ${dir}`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
