import { tokenizeFtraceLine } from '../ftrace/tokenizer.js';
import { decodeKvmUserspaceExit, decodeSchedSwitch } from '../ftrace/payload.js';
import { eventBatches } from '../parse-source.js';
import { openSource } from '../source.js';
import { ImportStats } from '../stats.js';
import { parseMarker, type SyncMarker } from './clock.js';
import { CpuClockCheck, type CpuClockReport } from './cpu-clocks.js';
import { outcomeOf } from './outcome.js';
import type { CallSample, ExitSample } from './pair-fit.js';
import { HeadTail } from './sample.js';
import { openTraceDatSource } from '../tracedat/source-file.js';

// One streaming pass over each file before the merge: what the clock fit and the "do these files
// belong together" checks need. Memory is bounded: per thread the first and last SAMPLE KVM_RUN
// calls or exits, and sets of thread ids (at most a few thousand tasks on one host).

const SAMPLE = 4096;
const TIDS_KEPT = 100_000;

export interface FileScan {
  path: string;
  sha256: string;
  bytes: number;
  /** First and last timestamp in the file, on its own clock. */
  range: { first: number; last: number } | undefined;
  /** Thread ids the file shows (strace's pid column; ftrace's task pids and sched_switch pids). */
  tids: Set<number>;
}

export interface StraceScan extends FileScan {
  /** Each thread's KVM_RUN calls. */
  runs: Map<number, HeadTail<CallSample>>;
}

export interface FtraceScan extends FileScan {
  markers: SyncMarker[];
  /** Each thread's kvm_userspace_exit events. */
  exits: Map<number, HeadTail<ExitSample>>;
  cpuClocks: CpuClockReport;
}

function widen(range: FileScan['range'], ts: number): FileScan['range'] {
  if (!range) return { first: ts, last: ts };
  return { first: Math.min(range.first, ts), last: Math.max(range.last, ts) };
}

export async function scanStrace(path: string): Promise<StraceScan> {
  const source = openSource(path);
  const runs = new Map<number, HeadTail<CallSample>>();
  const tids = new Set<number>();
  let range: FileScan['range'];
  for await (const batch of eventBatches(source, new ImportStats(), 'strace')) {
    for (const e of batch) {
      if (e.ts !== undefined) range = widen(range, e.ts + (e.result?.duration ?? 0));
      if (e.tid === undefined) continue;
      if (tids.size < TIDS_KEPT) tids.add(e.tid);
      if (e.name !== 'KVM_RUN' || e.ts === undefined) continue;
      let list = runs.get(e.tid);
      if (!list) runs.set(e.tid, (list = new HeadTail(SAMPLE)));
      const duration = e.result?.duration;
      list.push({
        start: e.ts,
        end: duration === undefined ? undefined : e.ts + duration,
        outcome: outcomeOf(e),
        line: e.src?.line ?? 0,
      });
    }
  }
  return { path, sha256: source.info.sha256, bytes: source.info.bytes, range, tids, runs };
}

/** Only the lines that matter are tokenized: markers, kvm_userspace_exit, sched_switch; and the timestamps of the rest. */
export async function scanFtrace(path: string): Promise<FtraceScan> {
  const source = openSource(path);
  const markers: SyncMarker[] = [];
  const exits = new Map<number, HeadTail<ExitSample>>();
  const tids = new Set<number>();
  const clocks = new CpuClockCheck();
  let range: FileScan['range'];
  let lastLine = '';
  for await (const batch of source.batches()) {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const line = batch.first + i;
      if (
        range === undefined ||
        text.indexOf('hvsync ') >= 0 ||
        text.indexOf(' kvm_userspace_exit:') >= 0 ||
        text.indexOf(' sched_switch:') >= 0
      ) {
        const f = tokenizeFtraceLine(text);
        if (!f) continue;
        range = widen(range, f.ts);
        if (tids.size < TIDS_KEPT) tids.add(f.pid);
        if (f.event === 'tracing_mark_write') {
          const marker = parseMarker(f.payload, line, f.ts);
          if (marker) markers.push(marker);
        } else if (f.event === 'kvm_userspace_exit') {
          let list = exits.get(f.pid);
          if (!list) exits.set(f.pid, (list = new HeadTail(SAMPLE)));
          const d = decodeKvmUserspaceExit(f.payload);
          const outcome = d?.result?.errno !== undefined ? `errno ${d.result.errno}` : d?.result?.exit;
          list.push({ ts: f.ts, outcome, line });
        } else if (f.event === 'sched_switch') {
          const s = decodeSchedSwitch(f.payload);
          if (!s) continue;
          const prev = Number(s.args.prev_pid);
          const next = Number(s.args.next_pid);
          if (tids.size < TIDS_KEPT) tids.add(next);
          clocks.see(f.cpu, f.ts, prev, next, line);
        }
      } else if (text.charCodeAt(0) !== 0x23 /* # */) lastLine = text;
    }
  }
  const last = lastLine ? tokenizeFtraceLine(lastLine) : undefined;
  if (last) range = widen(range, last.ts);
  return { path, sha256: source.info.sha256, bytes: source.info.bytes, range, tids, markers, exits, cpuClocks: clocks.result() };
}

/** The same scan of a trace.dat, from its decoded events; "lines" are event numbers (trace-cmd report's lines). */
export async function scanTraceDat(path: string): Promise<FtraceScan> {
  const source = openSource(path);
  const markers: SyncMarker[] = [];
  const exits = new Map<number, HeadTail<ExitSample>>();
  const tids = new Set<number>();
  const clocks = new CpuClockCheck();
  let range: FileScan['range'];
  const { dat, file } = await openTraceDatSource(source, false);
  try {
    for await (const batch of dat.events(new ImportStats()))
      for (const e of batch) {
        if (e.ts === undefined) continue;
        const line = e.src?.line ?? 0;
        range = widen(range, e.ts);
        if (e.pid !== undefined && tids.size < TIDS_KEPT) tids.add(e.pid);
        if (e.kind === 'marker' && typeof e.args.text === 'string') {
          const marker = parseMarker(e.args.text, line, e.ts);
          if (marker) markers.push(marker);
        } else if (e.name === 'kvm_userspace_exit' && e.pid !== undefined) {
          let list = exits.get(e.pid);
          if (!list) exits.set(e.pid, (list = new HeadTail(SAMPLE)));
          list.push({ ts: e.ts, outcome: outcomeOf(e), line });
        } else if (e.name === 'sched_switch' && e.cpu !== undefined) {
          const next = Number(e.args.next_pid);
          if (tids.size < TIDS_KEPT) tids.add(next);
          clocks.see(e.cpu, e.ts, Number(e.args.prev_pid), next, line);
        }
      }
  } finally {
    dat.close();
    file.remove();
  }
  return { path, sha256: source.info.sha256, bytes: source.info.bytes, range, tids, markers, exits, cpuClocks: clocks.result() };
}
