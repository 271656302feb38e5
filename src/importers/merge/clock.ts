import { SourceError } from '../../errors.js';

// Clock alignment between strace and ftrace. strace -ttt prints CLOCK_REALTIME (strace(1), -ttt:
// "the time printed will include the microseconds and the leading portion will be printed as the
// number of seconds since the epoch"); a tracefs `trace` file prints its trace_clock, "local" by
// default, a per-CPU sched_clock since boot (Documentation/trace/ftrace.rst, trace_clock).
//
// hvsync markers written to trace_marker pair the trace clock with CLOCK_REALTIME. Two shapes:
//   hvsync realtime_ns=R                                      (the shared recordings: a shell's `date`)
//   hvsync realtime_ns=R trace_clock=mono trace_ns=M err_ns=E  (`hvreplay record`)
// The first pairs R with the time the marker line was stamped, which is later than R by however long
// the write took to land. The second carries the trace clock's own reading M, taken together with R
// (within E), so where the line lands does not matter: realtime = trace clock + (R - M) exactly.

const HVSYNC = /^hvsync realtime_ns=(\d+)(?: trace_clock=(\w+) trace_ns=(\d+)(?: err_ns=(\d+))?)?\s*$/;

export interface SyncMarker {
  line: number;
  /** The marker line's trace-clock time, seconds. */
  traceTs: number;
  realtimeNs: bigint;
  /** Set when the marker carries the trace clock's reading taken with realtime_ns. */
  clock?: { name: string; ns: bigint; errNs: number };
}

export function parseMarker(payload: string, line: number, traceTs: number): SyncMarker | undefined {
  const m = HVSYNC.exec(payload);
  if (!m) return undefined;
  const marker: SyncMarker = { line, traceTs, realtimeNs: BigInt(m[1]!) };
  if (m[2] !== undefined) marker.clock = { name: m[2], ns: BigInt(m[3]!), errNs: Number(m[4] ?? 0) };
  return marker;
}

export type ClockMethod = 'hvsync_clock_pairs' | 'hvsync_markers' | 'hvsync_marker' | 'kvm_run_pairs' | 'kvm_run_anchor' | 'none';

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
}

export function toRealtime(alignment: ClockAlignment, ts: number): number {
  return alignment.realAt + (ts - alignment.traceAt) * alignment.rate;
}

/** A moment of the recording on both clocks, so an offset of 1.8e9 s reads as a date: `trace clock 605.815 s is 2026-11-21T08:01:53.085Z`. */
export function whenOf(alignment: ClockAlignment, ts: number): string {
  return `trace clock ${ts.toFixed(3)} s is ${new Date(toRealtime(alignment, ts) * 1000).toISOString()}`;
}

/** The same alignment moved by `shift` seconds at `at` (trace clock), its rate changed by `dRate`. */
export function adjusted(alignment: ClockAlignment, shift: number, at = alignment.traceAt, dRate = 0): ClockAlignment {
  const realAt = toRealtime(alignment, at) + shift;
  const rate = alignment.rate + dRate;
  return { ...alignment, traceAt: at, realAt, rate, offsetS: realAt - at, driftPpm: (rate - 1) * 1e6 };
}

/** The trace clock as it is; the starting point when a file has no marker. */
export function identityAlignment(file: string): ClockAlignment {
  return { file, method: 'none', traceAt: 0, realAt: 0, rate: 1, offsetS: 0, driftPpm: 0, markers: [], how: '' };
}

const NS = 1_000_000_000n;

/** Seconds as a double, split so that the integer part of a 19-digit ns value is exact. */
export function nsToSeconds(ns: bigint): number {
  return Number(ns / NS) + Number(ns % NS) / 1e9;
}

/**
 * NTP disciplines CLOCK_REALTIME by at most 500 ppm (adjtimex(2), "frequency ... limited to
 * +/-500 ppm"; MAXFREQ in include/linux/timex.h); a larger apparent drift is measurement error.
 */
const MAX_SLEW_PPM = 500;

/**
 * How late a shell-written marker lands after the realtime it carries varies by this much (the
 * shared recordings' markers put the rate 8 to 33 ppm apart over 3 s, i.e. up to 0.1 ms); a drift
 * is believed only where it moves the offset by more than that over the markers' span.
 */
export const MARKER_JITTER_S = 200e-6;

/** A drift is applied only where, over `span` seconds, it moves the offset by more than `jitter`. */
export function driftMatters(driftPpm: number, span: number, jitter: number): boolean {
  return Math.abs(driftPpm) <= MAX_SLEW_PPM && Math.abs(driftPpm * 1e-6 * span) > jitter;
}

export function alignFromMarkers(file: string, all: SyncMarker[]): ClockAlignment | undefined {
  const paired = all.filter((m) => m.clock);
  const markers = paired.length > 0 ? paired : all;
  const first = markers[0];
  const last = markers.at(-1);
  if (!first || !last) return undefined;
  // A clock-pair marker stands for the moment its trace clock was read; a plain one for its line's stamp.
  const traceOf = (m: SyncMarker) => (m.clock ? nsToSeconds(m.clock.ns) : m.traceTs);
  const realAt = nsToSeconds(first.realtimeNs);
  const traceAt = traceOf(first);
  const offsetS = realAt - traceAt;
  const where =
    markers.length > 1 ? `hvsync markers at ${file}:${first.line} and :${last.line}` : `one hvsync marker at ${file}:${first.line}`;
  const kind = first.clock ? `carrying trace_clock=${first.clock.name} and CLOCK_REALTIME` : 'carrying CLOCK_REALTIME';
  const base: ClockAlignment = {
    file,
    method: first.clock ? 'hvsync_clock_pairs' : markers.length > 1 ? 'hvsync_markers' : 'hvsync_marker',
    traceAt,
    realAt,
    rate: 1,
    offsetS,
    driftPpm: 0,
    markers: markers.length > 1 ? [first, last] : [first],
    how: `${where} (${kind}): realtime = trace clock + ${offsetS.toFixed(6)} s`,
  };
  const span = traceOf(last) - traceAt;
  if (markers.length < 2 || span <= 0) return { ...base, how: `${base.how}, no drift correction (one marker)` };
  const rate = Number(last.realtimeNs - first.realtimeNs) / 1e9 / span;
  const driftPpm = (rate - 1) * 1e6;
  // A clock pair is read within err_ns; a shell's marker lands up to MARKER_JITTER_S late.
  const jitter = first.clock ? (first.clock.errNs + last.clock!.errNs) / 1e9 + 2e-6 : MARKER_JITTER_S;
  if (!driftMatters(driftPpm, span, jitter)) {
    const why =
      Math.abs(driftPpm) > MAX_SLEW_PPM
        ? `more than the ${MAX_SLEW_PPM} ppm NTP may slew CLOCK_REALTIME, so a marker was late`
        : `within the markers' own jitter (${(jitter * 1e6).toFixed(0)} us)`;
    return {
      ...base,
      how: `${base.how}; their rates differ by ${driftPpm.toFixed(1)} ppm over ${span.toFixed(3)} s, ${(Math.abs(driftPpm) * span).toFixed(1)} us, ${why}: no drift correction`,
    };
  }
  return { ...base, rate, driftPpm, how: `${base.how}, drift ${driftPpm.toFixed(3)} ppm over ${span.toFixed(3)} s` };
}

export function noAlignment(file: string): never {
  throw new SourceError(
    `${file}: cannot align its trace clock with strace's CLOCK_REALTIME: it has no 'hvsync realtime_ns=N' marker, and no thread has both a KVM_RUN in the strace and a kvm_userspace_exit here.\n` +
      `  hint: record with markers (echo "hvsync realtime_ns=$(date +%s%N)" > /sys/kernel/tracing/trace_marker before and after), use 'hvreplay record', or import the files as separate traces`,
  );
}
