import type { TraceEvent } from '../../model/event.js';
import type { TraceRecord } from '../../store/traces.js';

// Timeline time: integer nanoseconds relative to the trace's t0 (its first timed event), safe integers
// for any trace shorter than 104 days. The absolute time of 0 is `originNs`, on the trace's own clock.
// A trace without times (a scenario) gets one microsecond per event, so its timeline still reads in order.

export const UNTIMED_STEP_NS = 1000;

/**
 * Seconds as exact nanoseconds. A boot-clock time times 1e9 is a safe integer and rounds exactly; a
 * CLOCK_REALTIME one (1.8e18 ns) is not, so it is read from the shortest decimal that gives the same
 * double back, which is what the source printed (strace -ttt's microseconds, say), not the double's
 * binary expansion, which is up to 119 ns off.
 */
export function secondsToNs(seconds: number): bigint {
  const scaled = seconds * 1e9;
  if (Number.isSafeInteger(Math.round(scaled)) && Math.abs(scaled) < 2 ** 52) return BigInt(Math.round(scaled));
  const text = String(seconds).includes('e') ? seconds.toFixed(9) : String(seconds);
  const negative = text.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? text.slice(1) : text).split('.');
  const ns = BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
  return negative ? -ns : ns;
}

export class TimelineClock {
  /** Absolute nanoseconds of relative time 0 on the trace's clock (CLOCK_REALTIME once sources are aligned). */
  readonly originNs: bigint;
  readonly timed: boolean;
  /** originNs as a number, where it is a safe integer (boot clocks): the common case stays off BigInt. */
  private readonly originSafe: number | undefined;
  private last = 0;

  constructor(trace: Pick<TraceRecord, 't0'>) {
    this.timed = trace.t0 !== null;
    this.originNs = trace.t0 === null ? 0n : secondsToNs(trace.t0);
    this.originSafe = this.originNs <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(this.originNs) : undefined;
  }

  /** The event's time; an event without one is placed at the last time seen. */
  at(event: Pick<TraceEvent, 'ts' | 'seq'>): number {
    if (!this.timed) return (this.last = event.seq * UNTIMED_STEP_NS);
    if (event.ts !== undefined) this.last = this.ofSeconds(event.ts);
    return this.last;
  }

  /** Trace seconds (an event's ts, a state's stateEntryTime) as timeline nanoseconds. */
  ofSeconds(seconds: number): number {
    if (!this.timed) return this.last;
    const scaled = seconds * 1e9;
    if (this.originSafe !== undefined && Math.abs(scaled) < 2 ** 52) return Math.round(scaled) - this.originSafe;
    return Number(secondsToNs(seconds) - this.originNs);
  }

  /** A duration in seconds (strace -T) as nanoseconds. */
  static duration(seconds: number | undefined): number {
    return seconds === undefined ? 0 : Math.round(seconds * 1e9);
  }
}
