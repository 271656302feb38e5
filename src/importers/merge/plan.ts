import { SourceError } from '../../errors.js';
import type { FormatName } from '../format.js';
import { chooseFormat } from '../parse-source.js';
import { pairGuests, traceDatIds, type TraceDatIds } from '../tracedat/guests.js';
import { openSource } from '../source.js';
import { tokenizeStraceLine } from '../strace/tokenizer.js';
import { refuseDisjoint, refuseDuplicates, threadWarnings } from './belong-together.js';
import type { ClockAlignment } from './clock.js';
import type { CpuClockReport } from './cpu-clocks.js';
import { fitClock, type Pairing } from './fit.js';
import type { MergeInput } from './merge.js';
import type { PlacementConfig } from './placement.js';
import { scanFtrace, scanStrace, scanTraceDat, type FileScan, type FtraceScan, type StraceScan } from './scan.js';

// Before merging: which format each file is in, whether the files belong together, and how each
// ftrace file's clock becomes strace's. Each file is read as a stream, once for its head and once
// for the scan (scan.ts), before the merge reads it again.

const HEAD_LINES = 40;

async function head(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of openSource(path).batches()) {
    lines.push(...batch.lines.slice(0, HEAD_LINES - lines.length));
    if (lines.length >= HEAD_LINES) break;
  }
  return lines;
}

/** strace must print CLOCK_REALTIME (-ttt) to be merged: -t/-tt print a time of day, no date. */
function checkStraceClock(path: string, lines: readonly string[]): void {
  for (const [i, line] of lines.entries()) {
    const tok = tokenizeStraceLine(line);
    if (!tok || tok.body.type === 'tool_message') continue;
    if (tok.clock === 'epoch') return;
    throw new SourceError(
      `${path}:${i + 1}: strace ${tok.clock === 'none' ? 'printed no time' : 'printed a time of day (-t/-tt)'}; merging needs seconds since the epoch (strace -ttt)\n  hint: re-record with strace -ttt, or import the file on its own`,
    );
  }
}

/** What the merge did to one ftrace file's clock, for the trace's meta and the import output. */
export interface FtraceClock {
  alignment: ClockAlignment;
  pairing?: Pairing;
  cpuClocks: CpuClockReport;
}

export interface MergePlan {
  inputs: MergeInput[];
  /** 'strace+ftrace', 'ftrace', ... */
  format: string;
  clocks: FtraceClock[];
  /** One line per ftrace file on how its clock was aligned, and on its CPUs' clocks. */
  clockNotes: string[];
  /** Reasons to doubt that the files are of one run, short of refusing them. */
  warnings: string[];
  placement?: PlacementConfig;
}

async function hashOnly(path: string): Promise<FileScan> {
  const source = openSource(path);
  for await (const _ of source.batches());
  return { path, sha256: source.info.sha256, bytes: source.info.bytes, range: undefined, tids: new Set() };
}

/** A note on the CPUs' clocks of an ftrace file, when there were migrations to check them by. */
function cpuClockNote(scan: FtraceScan): string | undefined {
  const c = scan.cpuClocks;
  if (c.migrations === 0) return undefined;
  if (!c.worst || c.maxBehindS <= 2e-6)
    return `${scan.path}: the CPUs' trace clocks agree: ${c.migrations} task migrations between CPUs, each switch-in after its switch-out`;
  return `${scan.path}: the CPUs' trace clocks disagree: CPU ${c.worst.to} stamped a switch-in ${(c.maxBehindS * 1e6).toFixed(1)} us before CPU ${c.worst.from}'s switch-out of the same task (line ${c.worst.line}; ${c.migrations} migrations checked); events of one thread on two CPUs may be out of order by that much`;
}

export async function planMerge(files: readonly string[], format: FormatName | undefined): Promise<MergePlan> {
  if (files.includes('-'))
    throw new SourceError('stdin (-) cannot be merged with other files: the merge reads each file more than once; save it to a file first');
  const typed: { path: string; format: { name: FormatName } }[] = [];
  const dats: TraceDatIds[] = [];
  for (const path of files) {
    openSource(path); // a missing or unreadable file fails here, with its name
    const ids = format === undefined || format === 'tracedat' ? await traceDatIds(path) : undefined;
    if (ids) {
      typed.push({ path, format: { name: 'tracedat' } });
      dats.push(ids);
      continue;
    }
    const lines = await head(path);
    const chosen = chooseFormat(path, lines, format);
    if (chosen.name === 'strace') checkStraceClock(path, lines);
    typed.push({ path, format: chosen });
  }
  const straces: StraceScan[] = [];
  const ftraces: FtraceScan[] = [];
  const scans: FileScan[] = [];
  // A guest's trace.dat beside its host's: its times are moved to the host's clock by its own
  // TIME_SHIFT samples, and the host's alignment then takes both to strace's.
  const guests = pairGuests(dats);
  for (const t of typed) {
    if (t.format.name === 'strace') scans.push(straces[straces.push(await scanStrace(t.path)) - 1]!);
    else if (t.format.name === 'ftrace' && !guests.has(t.path)) scans.push(ftraces[ftraces.push(await scanFtrace(t.path)) - 1]!);
    else if (t.format.name === 'tracedat' && !guests.has(t.path)) scans.push(ftraces[ftraces.push(await scanTraceDat(t.path)) - 1]!);
    else scans.push(await hashOnly(t.path));
  }
  refuseDuplicates(scans);
  const warnings: string[] = [];
  const clockNotes: string[] = [];
  const clocks = new Map<string, FtraceClock>();
  for (const ftrace of ftraces) {
    warnings.push(...threadWarnings(straces, ftrace));
    const { fit, notes } = fitClock(ftrace.path, straces, ftrace);
    for (const strace of straces) refuseDisjoint(strace, ftrace, fit.alignment);
    clocks.set(ftrace.path, { ...fit, cpuClocks: ftrace.cpuClocks });
    clockNotes.push(...notes);
    const cpu = cpuClockNote(ftrace);
    if (cpu) clockNotes.push(cpu);
    if (cpu?.includes('disagree')) warnings.push(cpu);
  }
  const inputs: MergeInput[] = typed.map((t) => {
    const input: MergeInput = { source: openSource(t.path), format: t.format };
    const guest = guests.get(t.path);
    if (guest) {
      input.guest = guest;
      clockNotes.push(
        `${t.path}: guest${guest.name ? ` '${guest.name}'` : ''} of ${guest.host}: times moved to the host's clock by its TIME_SHIFT samples`,
      );
    }
    const clock = clocks.get(t.path);
    if (clock && clock.alignment.method !== 'none') input.alignment = clock.alignment;
    return input;
  });
  for (const input of inputs) {
    const host = input.guest && inputs.find((i) => i.source.info.path === input.guest!.host);
    if (host?.alignment) input.alignment = host.alignment;
  }
  const names = [...new Set(typed.map((t) => t.format.name))].sort((a, b) => order(a) - order(b));
  const all = [...clocks.values()];
  // One pairing for the merge: the ftrace file with the most pairs sets lag and tolerance.
  const main = all.filter((c) => c.pairing).sort((a, b) => b.pairing!.pairs - a.pairing!.pairs)[0]?.pairing;
  const placement = main && {
    threads: new Set(all.flatMap((c) => c.pairing?.threads ?? [])),
    lagS: main.lagS,
    tolS: main.tolS,
    waitS: main.waitS,
  };
  return { inputs, format: names.join('+'), clocks: all, clockNotes, warnings, ...(placement ? { placement } : {}) };
}

const order = (name: string): number => ['strace', 'ftrace', 'tracedat', 'jsonl'].indexOf(name);
