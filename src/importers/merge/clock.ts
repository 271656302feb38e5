import { SourceError } from '../../errors.js';
import { tokenizeFtraceLine } from '../ftrace/tokenizer.js';
import { openSource } from '../source.js';
import { scanTraceDat } from '../tracedat/guests.js';

// Clock alignment between strace and ftrace. strace -ttt prints CLOCK_REALTIME (strace(1), -ttt:
// "the time printed will include the microseconds and the leading portion will be printed as the
// number of seconds since the epoch"); a tracefs `trace` file prints its trace_clock, "local" by
// default, a per-CPU sched_clock since boot (Documentation/trace/ftrace.rst, trace_clock). The
// recorder writes `hvsync realtime_ns=N` to trace_marker before and after the run
// (/work/shared/traces/README.md): each such line pairs a trace-clock time with CLOCK_REALTIME.

/** `tracing_mark_write: hvsync realtime_ns=1795260116423523697` */
const HVSYNC = /^hvsync realtime_ns=(\d+)\s*$/;

export interface FtraceClockScan {
  markers: SyncMarker[];
  /** Trace-clock times of each thread's kvm_userspace_exit events, the first EXITS_KEPT of them. */
  exits: Map<number, number[]>;
  /** The file:line of each thread's first kvm_userspace_exit. */
  firstExitLine: Map<number, number>;
}

const EXITS_KEPT = 20_000;

export interface SyncMarker {
  line: number;
  /** The marker's trace-clock time, seconds. */
  traceTs: number;
  realtimeNs: bigint;
}

export type ClockMethod = 'hvsync_markers' | 'hvsync_marker' | 'kvm_run_pairs' | 'kvm_run_anchor';

/** How one ftrace file's times became CLOCK_REALTIME: realtime = realAt + (ts - traceAt) * rate. */
export interface ClockAlignment {
  file: string;
  method: ClockMethod;
  traceAt: number;
  /** CLOCK_REALTIME seconds at traceAt. */
  realAt: number;
  rate: number;
  /** realtime - trace clock at traceAt, seconds. */
  offsetS: number;
  /** (rate - 1) in parts per million: how much faster CLOCK_REALTIME ran than the trace clock. */
  driftPpm: number;
  markers: SyncMarker[];
  /** How the alignment was found, in words for `import` output. */
  how: string;
  /** The bounds KVM_RUN/kvm_userspace_exit pairs put on the offset, and the shift taken from them. */
  refinement?: { pairs: number; lo: number; hi: number; shift: number | null };
}

export function toRealtime(alignment: ClockAlignment, ts: number): number {
  return alignment.realAt + (ts - alignment.traceAt) * alignment.rate;
}

export function markerRealtime(payload: string): bigint | undefined {
  const m = HVSYNC.exec(payload);
  return m ? BigInt(m[1]!) : undefined;
}

/** The same scan of a trace.dat, from its decoded events; "lines" are event numbers (trace-cmd report's lines). */
async function scanTraceDatClock(path: string): Promise<FtraceClockScan> {
  const scan = await scanTraceDat(path);
  const markers: SyncMarker[] = [];
  for (const m of scan.markers) {
    const realtimeNs = markerRealtime(m.text);
    if (realtimeNs !== undefined) markers.push({ line: m.line, traceTs: m.traceTs, realtimeNs });
  }
  const exits = new Map<number, number[]>();
  const firstExitLine = new Map<number, number>();
  for (const e of scan.exits) {
    let list = exits.get(e.pid);
    if (!list) {
      exits.set(e.pid, (list = []));
      firstExitLine.set(e.pid, e.line);
    }
    if (list.length < EXITS_KEPT) list.push(e.ts);
  }
  return { markers, exits, firstExitLine };
}

/** An ftrace file's hvsync markers and kvm_userspace_exit times, read as a stream, never held whole. */
export async function scanFtraceClock(path: string, tracedat = false): Promise<FtraceClockScan> {
  if (tracedat) return scanTraceDatClock(path);
  const markers: SyncMarker[] = [];
  const exits = new Map<number, number[]>();
  const firstExitLine = new Map<number, number>();
  for await (const batch of openSource(path).batches()) {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const marker = text.indexOf('hvsync realtime_ns=') >= 0;
      if (!marker && text.indexOf(' kvm_userspace_exit:') < 0) continue;
      const f = tokenizeFtraceLine(text);
      if (!f) continue;
      if (f.event === 'tracing_mark_write') {
        const realtimeNs = markerRealtime(f.payload);
        if (realtimeNs !== undefined) markers.push({ line: batch.first + i, traceTs: f.ts, realtimeNs });
      } else if (f.event === 'kvm_userspace_exit') {
        let list = exits.get(f.pid);
        if (!list) {
          exits.set(f.pid, (list = []));
          firstExitLine.set(f.pid, batch.first + i);
        }
        if (list.length < EXITS_KEPT) list.push(f.ts);
      }
    }
  }
  return { markers, exits, firstExitLine };
}

/** The trace clock as it is; the starting point when a file has no marker. */
export function identityAlignment(file: string): ClockAlignment {
  return { file, method: 'kvm_run_pairs', traceAt: 0, realAt: 0, rate: 1, offsetS: 0, driftPpm: 0, markers: [], how: '' };
}

const NS = 1_000_000_000n;

/** Seconds as a double, split so that the integer part of a 19-digit ns value is exact. */
function nsToSeconds(ns: bigint): number {
  return Number(ns / NS) + Number(ns % NS) / 1e9;
}

/**
 * The first and last marker give offset and drift; one marker gives an offset only. The first and
 * last are used (not a fit over all) because they are furthest apart, so the per-marker write
 * latency weighs least on the rate.
 */
export function alignFromMarkers(file: string, markers: SyncMarker[]): ClockAlignment | undefined {
  const first = markers[0];
  const last = markers.at(-1);
  if (!first || !last) return undefined;
  const realAt = nsToSeconds(first.realtimeNs);
  const offsetS = realAt - first.traceTs;
  const spanTrace = last.traceTs - first.traceTs;
  if (markers.length < 2 || spanTrace <= 0) {
    const how = `one hvsync marker at ${file}:${first.line}: realtime = trace clock + ${offsetS.toFixed(6)} s, no drift correction`;
    return { file, method: 'hvsync_marker', traceAt: first.traceTs, realAt, rate: 1, offsetS, driftPpm: 0, markers: [first], how };
  }
  const rate = Number(last.realtimeNs - first.realtimeNs) / 1e9 / spanTrace;
  const driftPpm = (rate - 1) * 1e6;
  const where = `hvsync markers at ${file}:${first.line} and :${last.line}`;
  if (Math.abs(driftPpm) > MAX_SLEW_PPM) {
    // Two markers close together: their write latencies, not the clocks, make the difference.
    const lastOffset = nsToSeconds(last.realtimeNs) - last.traceTs;
    const mean = (offsetS + lastOffset) / 2;
    const how = `${where} (${(spanTrace * 1e3).toFixed(1)} ms apart): their ${driftPpm.toFixed(0)} ppm exceeds what CLOCK_REALTIME can slew, so it is marker latency; realtime = trace clock + ${mean.toFixed(6)} s (mean of both), no drift correction`;
    return {
      file,
      method: 'hvsync_markers',
      traceAt: first.traceTs,
      realAt: first.traceTs + mean,
      rate: 1,
      offsetS: mean,
      driftPpm: 0,
      markers: [first, last],
      how,
    };
  }
  const how = `${where}: realtime = trace clock + ${offsetS.toFixed(6)} s, drift ${driftPpm.toFixed(3)} ppm`;
  return { file, method: 'hvsync_markers', traceAt: first.traceTs, realAt, rate, offsetS, driftPpm, markers: [first, last], how };
}

/**
 * NTP disciplines CLOCK_REALTIME by at most 500 ppm (adjtimex(2), "frequency ... limited to
 * +/-500 ppm"; MAXFREQ in include/linux/timex.h); a larger apparent drift is measurement error.
 */
const MAX_SLEW_PPM = 500;

/**
 * Without markers: the first strace KVM_RUN of a thread returns when that thread's first
 * kvm_userspace_exit fires (kvm_vcpu_ioctl() traces it just before returning to userspace,
 * include/trace/events/kvm.h trace_kvm_userspace_exit; virt/kvm/kvm_main.c), so the two times are
 * taken as equal. Good to the scheduling latency of the return, typically tens of microseconds.
 */
export function alignFromAnchor(
  file: string,
  anchor: { tid: number; straceReturn: number; straceLine: string; ftraceTs: number; ftraceLine: number },
): ClockAlignment {
  const offsetS = anchor.straceReturn - anchor.ftraceTs;
  return {
    file,
    method: 'kvm_run_anchor',
    traceAt: anchor.ftraceTs,
    realAt: anchor.straceReturn,
    rate: 1,
    offsetS,
    driftPpm: 0,
    markers: [],
    how: `no hvsync markers in ${file}: the first KVM_RUN return of tid ${anchor.tid} (${anchor.straceLine}) taken as its first kvm_userspace_exit (${file}:${anchor.ftraceLine}): realtime = trace clock + ${offsetS.toFixed(6)} s, no drift correction`,
  };
}

export function noAlignment(file: string): never {
  throw new SourceError(
    `${file}: cannot align its trace clock with strace's CLOCK_REALTIME: it has no 'hvsync realtime_ns=N' marker, and no thread has both a KVM_RUN in the strace and a kvm_userspace_exit here.\n` +
      `  hint: record with markers (echo "hvsync realtime_ns=$(date +%s%N)" > /sys/kernel/tracing/trace_marker before and after), use 'hvreplay record', or import the files as separate traces`,
  );
}
