// Import of the other inputs at scale, each by the real CLI in a child process (time and peak RSS),
// with the plain-table floor of the same events run alongside (bench/floors.ts):
//  - strace: a real recording repeated to 1.2M lines, times shifted (bench/generate-strace.ts);
//  - a scenario of 100,000 events written as a program would (bench/generate-scenario.ts).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateScenario, SCENARIO_EVENTS } from '../generate-scenario.js';
import { generateStrace, STRACE_LINES } from '../generate-strace.js';
import { median } from '../measure.js';
import { row, type BenchRow } from '../report.js';
import { plainFloor } from '../floors.js';
import { importChild } from './import.js';

const MB = 2 ** 20;

async function importAgainstFloor(file: string, dir: string, name: string, runs: number) {
  const db = join(dir, `${name}.db`);
  const floor = plainFloor(dir);
  const ours: number[] = [];
  const floors: number[] = [];
  let peak = 0;
  let events = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const r = await importChild(file, db, name);
      ours.push(r.seconds);
      peak = Math.max(peak, r.peakRss ?? 0);
      events = r.events;
      if (i === 0) floor.prepare(db, name);
      floors.push(await floor.run());
    }
  } finally {
    floor.dispose();
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  }
  return { seconds: median(ours), floor: median(floors), peak, events };
}

/** What one input's rows say: its rate against a target, and its peak RSS against a limit. */
interface RateRows {
  workload: string;
  /** The workload's name in its peak RSS row. */
  short: string;
  /** Lines or events read, and what they are called in the rate. */
  count: number;
  unit: 'lines' | 'events';
  targetRate: number;
  /** The peak RSS limit in MB, and whether it may be reached. */
  rssLimit: { mb: number; inclusive: boolean };
  note: (rate: string) => string;
}

type Measured = Awaited<ReturnType<typeof importAgainstFloor>>;

function rateRows(spec: RateRows, r: Measured): BenchRow[] {
  const rate = spec.count / r.seconds;
  const { mb, inclusive } = spec.rssLimit;
  return [
    row({
      workload: spec.workload,
      measure: 'seconds',
      value: r.seconds,
      baselineName: 'plain-table floor',
      baseline: r.floor,
      target: `>= ${spec.targetRate / 1000}K ${spec.unit}/s`,
      met: rate >= spec.targetRate,
      note: spec.note(`${Math.round(rate).toLocaleString('en-US')} ${spec.unit}/s`),
    }),
    row({
      workload: spec.short,
      measure: 'peak RSS MB',
      value: r.peak / MB,
      baselineName: '-',
      baseline: undefined,
      target: `${inclusive ? '<=' : '<'} ${mb} MB`,
      met: r.peak > 0 && (inclusive ? r.peak <= mb * MB : r.peak < mb * MB),
    }),
  ];
}

export async function straceWorkload(dir: string, runs: number, log: (msg: string) => void): Promise<BenchRow[]> {
  const g = await generateStrace(join(dir, 'repeated.strace'));
  log(`strace: ${g.lines.toLocaleString('en-US')} lines (${(g.bytes / MB).toFixed(0)} MB)`);
  try {
    const r = await importAgainstFloor(g.path, dir, 'strace', runs);
    return rateRows(
      {
        workload: `strace import, ${(STRACE_LINES / 1e6).toFixed(1)}M lines`,
        short: 'strace import',
        count: g.lines,
        unit: 'lines',
        targetRate: 300_000,
        rssLimit: { mb: 300, inclusive: true },
        note: (rate) => `${rate}, ${r.events.toLocaleString('en-US')} events; median of ${runs}`,
      },
      r,
    );
  } finally {
    rmSync(g.path, { force: true });
  }
}

export async function scenarioWorkload(dir: string, runs: number, log: (msg: string) => void): Promise<BenchRow[]> {
  const g = await generateScenario(join(dir, 'generated.yaml'));
  log(`scenario: ${g.events.toLocaleString('en-US')} events (${(g.bytes / MB).toFixed(1)} MB)`);
  try {
    const r = await importAgainstFloor(g.path, dir, 'scenario', runs);
    return rateRows(
      {
        workload: `scenario YAML, ${SCENARIO_EVENTS / 1000}k events`,
        short: 'scenario YAML',
        count: r.events,
        unit: 'events',
        targetRate: 100_000,
        rssLimit: { mb: 300, inclusive: false },
        note: (rate) => `${rate}; median of ${runs}`,
      },
      r,
    );
  } finally {
    rmSync(g.path, { force: true });
  }
}
