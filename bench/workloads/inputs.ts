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

export async function straceWorkload(dir: string, runs: number, log: (msg: string) => void): Promise<BenchRow[]> {
  const g = await generateStrace(join(dir, 'repeated.strace'));
  log(`strace: ${g.lines.toLocaleString('en-US')} lines (${(g.bytes / MB).toFixed(0)} MB)`);
  try {
    const r = await importAgainstFloor(g.path, dir, 'strace', runs);
    const rate = g.lines / r.seconds;
    return [
      row({
        workload: `strace import, ${(STRACE_LINES / 1e6).toFixed(1)}M lines`,
        measure: 'seconds',
        value: r.seconds,
        baselineName: 'plain-table floor',
        baseline: r.floor,
        target: '>= 300K lines/s',
        met: rate >= 300_000,
        note: `${Math.round(rate).toLocaleString('en-US')} lines/s, ${r.events.toLocaleString('en-US')} events; median of ${runs}`,
      }),
      row({
        workload: 'strace import',
        measure: 'peak RSS MB',
        value: r.peak / MB,
        baselineName: '-',
        baseline: undefined,
        target: '<= 300 MB',
        met: r.peak > 0 && r.peak <= 300 * MB,
      }),
    ];
  } finally {
    rmSync(g.path, { force: true });
  }
}

export async function scenarioWorkload(dir: string, runs: number, log: (msg: string) => void): Promise<BenchRow[]> {
  const g = await generateScenario(join(dir, 'generated.yaml'));
  log(`scenario: ${g.events.toLocaleString('en-US')} events (${(g.bytes / MB).toFixed(1)} MB)`);
  try {
    const r = await importAgainstFloor(g.path, dir, 'scenario', runs);
    const rate = r.events / r.seconds;
    return [
      row({
        workload: `scenario YAML, ${SCENARIO_EVENTS / 1000}k events`,
        measure: 'seconds',
        value: r.seconds,
        baselineName: 'plain-table floor',
        baseline: r.floor,
        target: '>= 100K events/s',
        met: rate >= 100_000,
        note: `${Math.round(rate).toLocaleString('en-US')} events/s; median of ${runs}`,
      }),
      row({
        workload: 'scenario YAML',
        measure: 'peak RSS MB',
        value: r.peak / MB,
        baselineName: '-',
        baseline: undefined,
        target: '< 300 MB',
        met: r.peak > 0 && r.peak < 300 * MB,
      }),
    ];
  } finally {
    rmSync(g.path, { force: true });
  }
}
