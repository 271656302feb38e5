import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';

// What `record` needs of the machine, each checked with an error that says what to do (exit 3).

export const TRACEFS = '/sys/kernel/tracing';

const missing = (message: string): EnvironmentError => new EnvironmentError(message);

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw missing('record needs root: tracefs and its kvm events are root-only (run it with sudo)');
}

export function requireKvm(): void {
  if (!existsSync('/dev/kvm'))
    throw missing('/dev/kvm is missing: load the kvm module (modprobe kvm_intel or kvm_amd) or enable nested virtualization');
}

export function requireStrace(): void {
  const r = spawnSync('strace', ['-V'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw missing('strace is not installed or not on PATH (Debian: apt-get install strace)');
}

export function requireTraceCmd(): void {
  const r = spawnSync('trace-cmd', ['--version'], { stdio: 'ignore' });
  if (r.error) throw missing('record --format dat needs trace-cmd (Debian: apt-get install trace-cmd)');
}

/** tracefs mounted at /sys/kernel/tracing; mounted here if it is not (Documentation/trace/ftrace.rst). */
export function requireTracefs(root = TRACEFS): string {
  if (existsSync(`${root}/instances`)) return root;
  const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', root], { stdio: 'ignore' });
  if (r.status === 0 && existsSync(`${root}/instances`)) return root;
  throw missing(`tracefs is not mounted at ${root} and mounting it failed: mount -t tracefs nodev ${root} (needs CONFIG_TRACING)`);
}
