import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

// How many cores are idle right now, to decide whether a helper thread would run beside the caller
// or only take turns with it. Linux: the idle share of all CPU time over a short window, from the
// aggregate "cpu" line of /proc/stat (proc(5): user nice system idle iowait irq softirq steal ...).
// Elsewhere: the 1-minute load average, which lags (it still counts work that just finished).

const WINDOW_MS = 30;

function cpuTimes(): { idle: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!;
    if (!line.startsWith('cpu ')) return undefined;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { idle: f[3]! + (f[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/** Idle cores, measured over WINDOW_MS (blocking the caller that long). */
export function idleCores(): number {
  const cores = availableParallelism();
  const a = cpuTimes();
  if (a) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WINDOW_MS);
    const b = cpuTimes();
    if (b && b.total > a.total) return (cores * (b.idle - a.idle)) / (b.total - a.total);
  }
  return Math.max(0, cores - loadavg()[0]!);
}
