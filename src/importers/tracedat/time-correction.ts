import type { FileOptions, TsyncSample } from './options.js';

// From a record's raw time to the file's reported time, in trace-cmd's order (timestamp_calc,
// lib/trace-cmd/trace-input.c): first a guest file's TIME_SHIFT samples move its time to its
// host's clock (timestamp_host_sync), then a TSC2NSEC option turns TSC counts into nanoseconds
// (mul_u64_u32_shr), then DATE and OFFSET are added. trace-cmd applies the time shift whenever the
// file has one, so a guest file read alone already shows host times.

const INTERPOLATE = 1n;
const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** timestamp_correction_calc: the offset at `ts` from the samples around it, scaled. */
function corrected(ts: bigint, flags: bigint, min: TsyncSample, max: TsyncSample): bigint {
  let tscor: bigint;
  if (flags & INTERPOLATE && max.time !== min.time) {
    const delta = max.time - min.time;
    const offset = (ts - min.time) * (max.offset - min.offset);
    tscor = min.offset + (offset + delta / 2n) / delta;
  } else tscor = min.offset;
  const scaled = U64(ts * min.scaling) >> min.fraction;
  return U64(scaled + tscor);
}

function hostSync(ts: bigint, samples: TsyncSample[], flags: bigint): bigint {
  const n = samples.length;
  if (n === 0) return ts;
  if (n === 1) return U64(ts + samples[0]!.offset);
  if (n === 2 || ts <= samples[0]!.time) return corrected(ts, flags, samples[0]!, samples[1]!);
  if (ts >= samples[n - 1]!.time) return corrected(ts, flags, samples[n - 2]!, samples[n - 1]!);
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.time <= ts) lo = mid;
    else hi = mid;
  }
  return corrected(ts, flags, samples[lo]!, samples[lo + 1]!);
}

export class TimeCorrection {
  /** True when times are used as recorded: the fast path of nearly every file. */
  readonly identity: boolean;
  private readonly offset: number;

  constructor(private readonly options: FileOptions) {
    this.offset = Number(options.tsOffsetNs);
    this.identity = !options.timeShift && !options.tsc2nsec && options.tsOffsetNs === 0n;
  }

  /** Nanoseconds on the file's reported clock for a record of `cpu` at raw time `ts`. */
  ns(ts: number, cpu: number): number {
    if (this.identity) return ts;
    const { timeShift, tsc2nsec } = this.options;
    if (!timeShift && !tsc2nsec) return ts + this.offset;
    let t = BigInt(ts);
    if (timeShift) {
      const samples = timeShift.samples[cpu];
      if (samples) t = hostSync(t, samples, BigInt(timeShift.flags));
    }
    // mul_u64_u32_shr: the 96-bit product, shifted; it does not wrap.
    if (tsc2nsec) t = U64((t * BigInt(tsc2nsec.mult)) >> BigInt(tsc2nsec.shift));
    return Number(t) + this.offset;
  }
}
