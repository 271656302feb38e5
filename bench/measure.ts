// Timing and memory of child processes. Peak RSS comes from the kernel: the child's VmHWM in
// /proc/PID/status, read just before it exits (a wrapper watches it), else from wait4's ru_maxrss as
// /usr/bin/time reports it.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ChildRun {
  seconds: number;
  /** Peak resident set size in bytes, or undefined when no way to measure it was found. */
  peakRss: number | undefined;
  /** User + system CPU seconds (from /usr/bin/time), or undefined without it: steadier than wall time on a loaded machine. */
  cpuSeconds: number | undefined;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

/** Runs `cmd args` to completion; throws with its stderr when it fails. */
export async function runChild(
  cmd: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildRun> {
  const useTime = existsSync(TIME);
  const argv = useTime ? [TIME, '-f', 'HVBENCH_CPU_S=%U+%S HVBENCH_MAXRSS_KB=%M', cmd, ...args] : [cmd, ...args];
  const start = process.hrtime.bigint();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  const code: number | null = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let peakRss: number | undefined;
  let cpuSeconds: number | undefined;
  const m = /HVBENCH_CPU_S=([\d.]+)\+([\d.]+) HVBENCH_MAXRSS_KB=(\d+)\s*$/.exec(stderr);
  if (m) {
    cpuSeconds = Number(m[1]) + Number(m[2]);
    peakRss = Number(m[3]) * 1024;
    stderr = stderr.slice(0, m.index);
  }
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${code}): ${stderr.trim().slice(-2000)}`);
  return { seconds, peakRss, cpuSeconds, stdout, stderr };
}

export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Seconds of `work`, on the monotonic clock. */
export async function timed<T>(work: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** A fixed-seed generator in [0, 1), so two runs probe the same positions. */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}
