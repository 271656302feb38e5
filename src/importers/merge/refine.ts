import { toRealtime, type ClockAlignment } from './clock.js';

// The kernel's own ordering bounds the clock offset: kvm_userspace_exit fires inside the KVM_RUN
// ioctl, just before it returns (virt/kvm/kvm_main.c kvm_vcpu_ioctl(), KVM_RUN case), so once the
// clocks agree every exit lies between its run's strace start and start + -T duration. Pairing the
// n-th kvm_userspace_exit of a thread with its n-th KVM_RUN, each pair bounds the error e of an
// alignment: start - exit <= e <= end - exit. The markers are written by a shell that reads the
// clock (`date +%s%N`) before the write reaches trace_marker, so they are late by that latency
// (about 0.2 ms on the shared pc pair); the bounds expose and remove it.

export interface RunWindow {
  start: number;
  end: number;
  /** file:line of the strace line. */
  where: string;
}

export interface PairBounds {
  pairs: number;
  /** Smallest and largest shift (seconds) that keeps every paired exit inside its run. */
  lo: number;
  hi: number;
}

export function pairBounds(
  alignment: ClockAlignment,
  runs: Map<number, RunWindow[]>,
  exits: Map<number, number[]>,
): PairBounds | undefined {
  let lo = -Infinity;
  let hi = Infinity;
  let pairs = 0;
  for (const [tid, list] of exits) {
    const windows = runs.get(tid);
    if (!windows) continue;
    const n = Math.min(list.length, windows.length);
    for (let i = 0; i < n; i++) {
      const at = toRealtime(alignment, list[i]!);
      lo = Math.max(lo, windows[i]!.start - at);
      hi = Math.min(hi, windows[i]!.end - at);
      pairs++;
    }
  }
  return pairs === 0 ? undefined : { pairs, lo, hi };
}

/**
 * No shift when the alignment already keeps every pair consistent; else the middle of the feasible
 * range, the shift with the largest margin on both sides (strace stamps a call after the task stops
 * at entry and again after it stops at exit, so the kernel's work lies strictly inside, away from
 * both edges). Returns undefined when no shift can (lo > hi): then the pairing is not one to
 * one (a run without an exit, sources of different runs), and the alignment is left as it was.
 */
export function refineShift(b: PairBounds): number | undefined {
  if (b.lo > b.hi) return undefined;
  if (b.lo <= 0 && 0 <= b.hi) return 0;
  return (b.lo + b.hi) / 2;
}

export function shifted(alignment: ClockAlignment, shift: number): ClockAlignment {
  return { ...alignment, realAt: alignment.realAt + shift, offsetS: alignment.offsetS + shift };
}
