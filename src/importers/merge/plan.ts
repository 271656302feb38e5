import { SourceError } from '../../errors.js';
import type { FormatName } from '../format.js';
import { pairGuests, traceDatIds, type TraceDatIds } from '../tracedat/guests.js';
import { chooseFormat, eventBatches } from '../parse-source.js';
import { openSource } from '../source.js';
import { ImportStats } from '../stats.js';
import { tokenizeStraceLine } from '../strace/tokenizer.js';
import { alignFromAnchor, alignFromMarkers, identityAlignment, noAlignment, scanFtraceClock, type ClockAlignment } from './clock.js';
import type { MergeInput } from './merge.js';
import { pairBounds, refineShift, shifted, type RunWindow } from './refine.js';

// Before merging: which format each file is in, and how each ftrace file's clock becomes strace's.
// Each look reads files as streams (the head, the markers and exits, the KVM_RUN windows).

const HEAD_LINES = 40;
const RUNS_KEPT = 20_000;

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

export interface MergePlan {
  inputs: MergeInput[];
  /** 'strace+ftrace', 'ftrace', ... */
  format: string;
  alignments: ClockAlignment[];
  /** One line per ftrace file on how its clock was aligned. */
  clockNotes: string[];
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
  const straces = typed.filter((t) => t.format.name === 'strace').map((t) => t.path);
  const runs = straces.length > 0 ? await kvmRunWindows(straces) : new Map<number, RunWindow[]>();
  const inputs: MergeInput[] = [];
  const alignments: ClockAlignment[] = [];
  const clockNotes: string[] = [];
  const guests = pairGuests(dats);
  for (const t of typed) {
    const input: MergeInput = { source: openSource(t.path), format: t.format };
    const guest = guests.get(t.path);
    if (guest) {
      // Its times are already on its host's clock; it is aligned as its host is, below.
      input.guest = guest;
      clockNotes.push(
        `${t.path}: guest${guest.name ? ` '${guest.name}'` : ''} of ${guest.host}: times moved to the host's clock by its TIME_SHIFT samples`,
      );
    } else if (t.format.name === 'ftrace' || t.format.name === 'tracedat') {
      const alignment = await alignFtrace(t.path, straces.length > 0, runs, t.format.name === 'tracedat');
      if (alignment) {
        input.alignment = alignment;
        alignments.push(alignment);
        clockNotes.push(alignment.how);
      } else clockNotes.push(`${t.path}: no hvsync markers and no strace: times kept on its own trace clock`);
    }
    inputs.push(input);
  }
  for (const input of inputs) {
    const host = input.guest && inputs.find((i) => i.source.info.path === input.guest!.host);
    if (host?.alignment) input.alignment = host.alignment;
  }
  const names = [...new Set(typed.map((t) => t.format.name))].sort((a, b) => order(a) - order(b));
  return { inputs, format: names.join('+'), alignments, clockNotes };
}

const order = (name: string): number => ['strace', 'ftrace', 'tracedat', 'jsonl'].indexOf(name);

const us = (s: number): string => `${(s * 1e6).toFixed(1)} us`;

async function alignFtrace(
  path: string,
  withStrace: boolean,
  runs: Map<number, RunWindow[]>,
  tracedat: boolean,
): Promise<ClockAlignment | undefined> {
  const scan = await scanFtraceClock(path, tracedat);
  const fromMarkers = alignFromMarkers(path, scan.markers);
  if (!withStrace) return fromMarkers;
  const base = fromMarkers ?? identityAlignment(path);
  const bounds = pairBounds(base, runs, scan.exits);
  if (!bounds) {
    if (fromMarkers) return fromMarkers;
    noAlignment(path);
  }
  const shift = refineShift(bounds);
  const range = `[${us(bounds.lo)}, ${us(bounds.hi)}] over ${bounds.pairs} KVM_RUN/kvm_userspace_exit pairs`;
  if (shift === undefined) {
    const note = `the KVM_RUN/kvm_userspace_exit pairs admit no common offset (${range}); the pairing is not one to one`;
    if (fromMarkers)
      return { ...fromMarkers, how: `${fromMarkers.how}; ${note}, markers used as they are`, refinement: { ...bounds, shift: null } };
    const [tid, exits] = [...scan.exits].find(([t]) => runs.has(t))!;
    const run = runs.get(tid)![0]!;
    const anchor = alignFromAnchor(path, {
      tid,
      straceReturn: run.end,
      straceLine: run.where,
      ftraceTs: exits[0]!,
      ftraceLine: scan.firstExitLine.get(tid) ?? 0,
    });
    return { ...anchor, how: `${anchor.how} (${note})`, refinement: { ...bounds, shift: null } };
  }
  const refined = shifted(base, shift);
  const refinement = { ...bounds, shift };
  if (fromMarkers) {
    const how =
      shift === 0
        ? `${fromMarkers.how}; every kvm_userspace_exit already inside its KVM_RUN (${range})`
        : `${fromMarkers.how}; corrected by ${us(shift)} to put every kvm_userspace_exit inside its KVM_RUN (feasible ${range}): realtime = trace clock + ${refined.offsetS.toFixed(6)} s`;
    return { ...refined, how, refinement };
  }
  return {
    ...refined,
    how: `no hvsync markers in ${path}: offset ${refined.offsetS.toFixed(6)} s chosen so that each thread's n-th kvm_userspace_exit falls inside its n-th KVM_RUN (feasible ${range}), no drift correction`,
    refinement,
  };
}

/** Each strace thread's KVM_RUN calls, start to start + duration (the first RUNS_KEPT of them). */
async function kvmRunWindows(straces: readonly string[]): Promise<Map<number, RunWindow[]>> {
  const runs = new Map<number, RunWindow[]>();
  for (const path of straces) {
    for await (const batch of eventBatches(openSource(path), new ImportStats(), 'strace')) {
      for (const e of batch) {
        if (e.name !== 'KVM_RUN' || e.tid === undefined || e.ts === undefined || e.result?.duration === undefined) continue;
        let list = runs.get(e.tid);
        if (!list) runs.set(e.tid, (list = []));
        if (list.length < RUNS_KEPT) list.push({ start: e.ts, end: e.ts + e.result.duration, where: `${path}:${e.src?.line}` });
      }
    }
  }
  return runs;
}
