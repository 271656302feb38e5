// trace.dat import against the ftrace text importer on the same events: the file is imported by
// the real CLI in a child process (wall and CPU time, peak RSS), and so is `trace-cmd report -t -N`
// of it (the text trace-cmd prints for the same events, made once, not timed), alternately, `runs`
// times. The target is the issue's: at least the text importer's events per second, memory bounded.
// On a machine other sessions load, CPU time (user + system) is the steadier of the two times.

import { createWriteStream, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { join } from 'node:path';
import { openTraceDat } from '../../src/importers/tracedat/reader.js';
import { haveCommand, median, runChild } from '../measure.js';
import { row, skipped, type BenchRow } from '../report.js';
import { CLI } from '../paths.js';

const TARGET = '<= 1.0x';

interface Run {
  seconds: number;
  cpu: number | undefined;
  peak: number;
  events: number;
}

async function importOnce(file: string, db: string): Promise<Run> {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const r = await runChild(process.execPath, [CLI, '--db', db, '--json', 'import', file, '--name', 'bench']);
  return { seconds: r.seconds, cpu: r.cpuSeconds, peak: r.peakRss ?? 0, events: (JSON.parse(r.stdout) as { events: number }).events };
}

/**
 * `trace-cmd report -t -N` into `out`: TP_printk text, nanosecond times. trace-cmd starts the lines
 * of a named instance's buffer with "NAME: ", which the text importer does not read; it is dropped.
 */
async function reportText(dat: string, out: string): Promise<void> {
  const info = await openTraceDat(dat, dat);
  const names = info.info.buffers.map((b) => b.name).filter((n) => n !== '');
  info.close();
  const prefix =
    names.length > 0 ? new RegExp(`^\\s*(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}): `) : undefined;
  const child = spawn('trace-cmd', ['report', '-t', '-N', '-i', dat], { stdio: ['ignore', 'pipe', 'pipe'] });
  const file = createWriteStream(out);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity }))
    if (!file.write((prefix ? line.replace(prefix, '') : line) + '\n')) await once(file, 'drain');
  file.end();
  await once(file, 'finish');
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`trace-cmd report -t -N -i ${dat} failed: ${stderr}`);
}

export async function traceDatWorkload(dat: string | undefined, dir: string, runs: number): Promise<BenchRow[]> {
  if (!dat) return [skipped('trace.dat import', TARGET, 'give --dat FILE (bench/record-big-tracedat.sh records a big one)')];
  if (!haveCommand('trace-cmd'))
    return [skipped('trace.dat import', TARGET, 'the text baseline is trace-cmd report of the same file: apt-get install trace-cmd')];
  const text = join(dir, 'tracedat-baseline.txt');
  await reportText(dat, text);
  const db = join(dir, 'tracedat.db');
  const binary: Run[] = [];
  const textual: Run[] = [];
  for (let i = 0; i < runs; i++) {
    // alternate which goes first, so neither always has the warmer page cache
    if (i % 2 === 0) {
      binary.push(await importOnce(dat, db));
      textual.push(await importOnce(text, db));
    } else {
      textual.push(await importOnce(text, db));
      binary.push(await importOnce(dat, db));
    }
  }
  const events = binary[0]!.events;
  const textEvents = textual[0]!.events;
  const b = median(binary.map((r) => r.seconds));
  const t = median(textual.map((r) => r.seconds));
  const cpuB = binary.every((r) => r.cpu !== undefined) ? median(binary.map((r) => r.cpu!)) : undefined;
  const cpuT = textual.every((r) => r.cpu !== undefined) ? median(textual.map((r) => r.cpu!)) : undefined;
  const peak = Math.max(...binary.map((r) => r.peak));
  const size = statSync(dat).size;
  const textSize = statSync(text).size;
  rmSync(text, { force: true });
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
  const same = events === textEvents;
  return [
    row({
      workload: 'trace.dat import',
      measure: 'seconds',
      value: b,
      baselineName: 'ftrace text import, same events',
      baseline: t,
      target: TARGET,
      met: b <= t && same,
      note: `${(size / 2 ** 20).toFixed(0)} MB trace.dat, ${events.toLocaleString('en-US')} events, ${rate(events, b)} events/s; text ${(textSize / 2 ** 20).toFixed(0)} MB, ${textEvents.toLocaleString('en-US')} events, ${rate(textEvents, t)} events/s; median of ${runs}`,
    }),
    row({
      workload: 'trace.dat import',
      measure: 'CPU seconds',
      value: cpuB,
      baselineName: 'ftrace text import, same events',
      baseline: cpuT,
      target: TARGET,
      met: cpuB === undefined || cpuT === undefined ? undefined : cpuB <= cpuT && same,
    }),
    row({
      workload: 'trace.dat import',
      measure: 'peak RSS MB',
      value: peak / 2 ** 20,
      baselineName: 'ftrace text import peak RSS',
      baseline: Math.max(...textual.map((r) => r.peak)) / 2 ** 20,
      target: '<= 300 MB',
      met: peak > 0 && peak <= 300 * 2 ** 20,
    }),
  ];
}
