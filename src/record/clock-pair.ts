// CLOCK_REALTIME and CLOCK_MONOTONIC read at one moment, for the hvsync markers of `record`.
//
// Node reads CLOCK_MONOTONIC in ns (process.hrtime.bigint(): libuv's uv_hrtime(), clock_gettime(
// CLOCK_MONOTONIC) in src/unix/linux.c uv__hrtime) but CLOCK_REALTIME only in whole milliseconds
// (Date.now()). So this waits for the millisecond to tick: at that edge CLOCK_REALTIME is exactly
// the new millisecond, and CLOCK_MONOTONIC read around the two Date.now() calls that saw the tick
// brackets the edge. Each turn takes well under a microsecond, but the process can be scheduled out
// in the middle of one, so the narrowest of a few edges is kept (errNs says how narrow), whatever
// the write to trace_marker costs later.

export interface ClockPair {
  realtimeNs: bigint;
  monoNs: bigint;
  /** Half the bracket around the edge: the pair is exact to within this. */
  errNs: number;
}

/** Edges tried: a few milliseconds in all. */
const EDGES = 5;

export function clockPair(): ClockPair {
  let best = edge();
  for (let i = 1; i < EDGES && best.errNs > 1000; i++) {
    const next = edge();
    if (next.errNs < best.errNs) best = next;
  }
  return best;
}

function edge(): ClockPair {
  let before = process.hrtime.bigint();
  let ms = Date.now();
  for (;;) {
    const now = Date.now();
    const after = process.hrtime.bigint();
    if (now !== ms) {
      const half = (after - before) / 2n;
      return { realtimeNs: BigInt(now) * 1_000_000n, monoNs: before + half, errNs: Number(half) };
    }
    ms = now;
    before = after;
  }
}
