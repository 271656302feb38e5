import type { TraceEvent } from '../../model/event.js';
import { encodeTs } from '../../store/event-codec.js';
import type { TraceRecord } from '../../store/traces.js';

// Timeline time: integer nanoseconds relative to the trace's t0 (its first timed event), exactly as the
// store keeps them (event-codec.ts), so no nanosecond is lost to doubles. A trace without times (a
// scenario) gets one microsecond per event, so its timeline still reads in order.

export const UNTIMED_STEP_NS = 1000;

export class TimelineClock {
  /** Absolute nanoseconds of relative time 0 on the trace's clock (CLOCK_REALTIME once sources are aligned). */
  readonly originNs: bigint;
  readonly timed: boolean;
  private last = 0;

  constructor(private readonly trace: Pick<TraceRecord, 't0'>) {
    const t0 = trace.t0;
    this.timed = t0 !== null;
    if (t0 === null) this.originNs = 0n;
    else {
      // A boot-clock t0 is exact in nanoseconds; a realtime one (1.8e18 ns) is not a safe integer, and
      // its sources (strace -ttt) print microseconds, which are.
      const ns = Math.round(t0 * 1e9);
      this.originNs = Number.isSafeInteger(ns) ? BigInt(ns) : BigInt(Math.round(t0 * 1e6)) * 1000n;
    }
  }

  /** The event's time; an event without one is placed at the last time seen. */
  at(event: Pick<TraceEvent, 'ts' | 'seq'>): number {
    if (!this.timed) return (this.last = event.seq * UNTIMED_STEP_NS);
    if (event.ts !== undefined) this.last = this.ofSeconds(event.ts);
    return this.last;
  }

  /** Trace seconds (a state's stateEntryTime, say) as timeline nanoseconds. */
  ofSeconds(seconds: number): number {
    return this.trace.t0 === null ? this.last : encodeTs(seconds, this.trace.t0);
  }

  /** A duration in seconds (strace -T) as nanoseconds. */
  static duration(seconds: number | undefined): number {
    return seconds === undefined ? 0 : Math.round(seconds * 1e9);
  }

  /** Absolute nanoseconds of a timeline time. */
  absolute(ns: number): bigint {
    return this.originNs + BigInt(ns);
  }
}
