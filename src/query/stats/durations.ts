import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

// Streaming percentiles of durations in bounded memory: DDSketch (Masson, Rim, Lee, VLDB 2019, Datadog's
// own implementation). Every quantile it returns is within 1% of the true value (relative error); min,
// max, count and sum are exact. Its store keeps at most 2,048 bins (16 KiB), which at 1% spans
// durations from 1 ns to far beyond any trace, so nothing is collapsed in practice.

export const RELATIVE_ACCURACY = 0.01;
const BIN_LIMIT = 2048;

export const ESTIMATOR = `DDSketch (@datadog/sketches-js): p50 and p99 within ${RELATIVE_ACCURACY * 100}% of the true value; min, max, mean exact; at most ${BIN_LIMIT} bins each`;

export interface DurationSummary {
  count: number;
  totalNs: number;
  minNs: number;
  maxNs: number;
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
}

/**
 * The sketch's quantile q reads the value of rank q * (n - 1), rounded down: of 2 exits, p99 would be
 * the shorter. Percentiles here are nearest-rank (rank ceil(q * n), as perf and the bench report them),
 * so p99 of a handful of exits is their longest.
 */
function nearestRank(q: number, n: number): number {
  return n <= 1 ? 0 : (Math.ceil(q * n) - 1) / (n - 1);
}

export class Durations {
  private readonly sketch = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: RELATIVE_ACCURACY, binLimit: BIN_LIMIT });

  add(ns: number): void {
    this.sketch.accept(Math.max(0, ns));
  }

  /** Adds another's durations to these (a vCPU's into the whole VM's, say). */
  merge(other: Durations): void {
    if (other.sketch.count > 0) this.sketch.merge(other.sketch);
  }

  get count(): number {
    return this.sketch.count;
  }

  summary(): DurationSummary | null {
    const s = this.sketch;
    if (s.count === 0) return null;
    // The sketch's estimate can stray 1% past the exact extremes; a p99 above the max would read wrong.
    const clamp = (v: number) => Math.min(s.max, Math.max(s.min, v));
    return {
      count: s.count,
      totalNs: s.sum,
      minNs: s.min,
      maxNs: s.max,
      meanNs: s.sum / s.count,
      p50Ns: clamp(s.getValueAtQuantile(nearestRank(0.5, s.count))),
      p99Ns: clamp(s.getValueAtQuantile(nearestRank(0.99, s.count))),
    };
  }
}
