import { tokenizeFtraceLine } from '../ftrace/tokenizer.js';
import { decodeKvmUserspaceExit, decodeSchedSwitch } from '../ftrace/payload.js';
import { eventBatches } from '../parse-source.js';
import { openSource, type LineSource } from '../source.js';
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

/** What a kernel-side scan keeps, whether it reads ftrace text or a trace.dat's decoded events. */
class KernelScan {
  readonly markers: SyncMarker[] = [];
  readonly exits = new Map<number, HeadTail<ExitSample>>();
  readonly tids = new Set<number>();
  readonly clocks = new CpuClockCheck();
  range: FileScan['range'];

  /** Any event of a task at `ts`: the file's time range and the threads it shows. */
  seen(ts: number, pid: number | undefined): void {
    this.range = widen(this.range, ts);
    if (pid !== undefined && this.tids.size < TIDS_KEPT) this.tids.add(pid);
  }

  marker(payload: string, line: number, ts: number): void {
    const marker = parseMarker(payload, line, ts);
    if (marker) this.markers.push(marker);
  }

  exit(pid: number, sample: ExitSample): void {
    let list = this.exits.get(pid);
    if (!list) this.exits.set(pid, (list = new HeadTail(SAMPLE)));
    list.push(sample);
  }

  switched(cpu: number, ts: number, prev: number, next: number, line: number): void {
    if (this.tids.size < TIDS_KEPT) this.tids.add(next);
    this.clocks.see(cpu, ts, prev, next, line);
  }

  result(source: LineSource): FtraceScan {
    const { markers, exits, tids, range } = this;
    return {
      path: source.info.path,
      sha256: source.info.sha256,
      bytes: source.info.bytes,
      range,
      tids,
      markers,
      exits,
      cpuClocks: this.clocks.result(),
    };
  }
}

/** Only the lines that matter are tokenized: markers, kvm_userspace_exit, sched_switch; and the timestamps of the rest. */
export async function scanFtrace(path: string): Promise<FtraceScan> {
  const source = openSource(path);
  const scan = new KernelScan();
  let lastLine = '';
  for await (const batch of source.batches()) {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const line = batch.first + i;
      if (
        scan.range === undefined ||
        text.indexOf('hvsync ') >= 0 ||
        text.indexOf(' kvm_userspace_exit:') >= 0 ||
        text.indexOf(' sched_switch:') >= 0
      ) {
        const f = tokenizeFtraceLine(text);
        if (!f) continue;
        scan.seen(f.ts, f.pid);
        if (f.event === 'tracing_mark_write') scan.marker(f.payload, line, f.ts);
        else if (f.event === 'kvm_userspace_exit') {
          const d = decodeKvmUserspaceExit(f.payload);
          const outcome = d?.result?.errno !== undefined ? `errno ${d.result.errno}` : d?.result?.exit;
          scan.exit(f.pid, { ts: f.ts, outcome, line });
        } else if (f.event === 'sched_switch') {
          const s = decodeSchedSwitch(f.payload);
          if (s) scan.switched(f.cpu, f.ts, Number(s.args.prev_pid), Number(s.args.next_pid), line);
        }
      } else if (text.charCodeAt(0) !== 0x23 /* # */) lastLine = text;
    }
  }
  const last = lastLine ? tokenizeFtraceLine(lastLine) : undefined;
  if (last) scan.seen(last.ts, undefined);
  return scan.result(source);
}

/** The same scan of a trace.dat, from its decoded events; "lines" are event numbers (trace-cmd report's lines). */
export async function scanTraceDat(path: string): Promise<FtraceScan> {
  const source = openSource(path);
  const scan = new KernelScan();
  const { dat, file } = await openTraceDatSource(source, false);
  try {
    for await (const batch of dat.events(new ImportStats()))
      for (const e of batch) {
        if (e.ts === undefined) continue;
        const line = e.src?.line ?? 0;
        scan.seen(e.ts, e.pid);
        if (e.kind === 'marker' && typeof e.args.text === 'string') scan.marker(e.args.text, line, e.ts);
        else if (e.name === 'kvm_userspace_exit' && e.pid !== undefined) scan.exit(e.pid, { ts: e.ts, outcome: outcomeOf(e), line });
        else if (e.name === 'sched_switch' && e.cpu !== undefined)
          scan.switched(e.cpu, e.ts, Number(e.args.prev_pid), Number(e.args.next_pid), line);
      }
  } finally {
    dat.close();
    file.remove();
  }
  return scan.result(source);
}
