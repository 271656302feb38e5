// How far events were moved, in whole microseconds (the resolution of both strace -ttt and
// tracefs): a histogram, so the median is exact and memory is fixed however many events move.

const BINS = 100_001; // 0 .. 100 ms; beyond goes into the last bin, and the maximum is kept exactly

export interface DistanceSummary {
  count: number;
  medianUs: number;
  maxUs: number;
}

export class Distances {
  private readonly bins = new Uint32Array(BINS);
  private count = 0;
  private max = 0;

  add(seconds: number): void {
    const us = Math.round(seconds * 1e6);
    this.bins[Math.min(us, BINS - 1)]!++;
    this.count++;
    if (us > this.max) this.max = us;
  }

  summary(): DistanceSummary {
    if (this.count === 0) return { count: 0, medianUs: 0, maxUs: 0 };
    const half = Math.ceil(this.count / 2);
    let seen = 0;
    let median = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.bins[i]!;
      if (seen >= half) {
        median = i === BINS - 1 ? this.max : i;
        break;
      }
    }
    return { count: this.count, medianUs: median, maxUs: this.max };
  }
}
