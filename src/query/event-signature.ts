import type { ArgValue, TraceEvent } from '../model/event.js';

// What makes two events of two recordings "the same step": kind, name, and the arguments that the
// guest and the VMM decide. What the host decides differently on every run is left out: fds, pids
// and tids, CPUs, times and durations, host virtual addresses (mmap results, userspace_addr, rip and
// any other value above 4 GiB, which is where x86-64 Linux puts user mappings), and raw text (which
// carries all of those). A KVM_SET_USER_MEMORY_REGION keeps slot, flags, guest_phys_addr and size; a
// KVM_RUN keeps its exit reason; a failed call keeps its errno. Times are left out wherever they sit:
// an argument named for a time (`*_ns`, `timestamp`, `runtime`, ...), and the payload of the hvsync
// markers that align the clocks (`hvsync realtime_ns=... trace_ns=...`), which differ in every run.

const HOST_CHOSEN = new Set([
  'fd',
  'fdPath',
  'dirfd',
  'dirfdPath',
  'pid',
  'tid',
  'prev_pid',
  'next_pid',
  'prev_prio',
  'next_prio',
  'cpu',
  'vcpu_id',
  'ts',
  'time',
  'duration',
  'raw',
  'addr',
  'userspace_addr',
  'hva',
  'rip',
  'comm',
  'prev_comm',
  'next_comm',
]);

/** Arguments whose value is a time or a duration, whatever the event. */
const TIME_KEY = /(?:^|_)(?:ts|time|timestamp|ns|us|ms|runtime|vruntime|delay|delta|expires?|deadline|duration)$/i;

const FOUR_GIB = 0x1_0000_0000n;

/** `/proc/9875/task/9877/comm`: pids and tids inside a path are the host's too. */
const PID_IN_PATH = /\/(proc|task)\/\d+(?=\/|$)/g;

function normaliseValue(value: ArgValue): ArgValue {
  if (typeof value === 'number') return Math.abs(value) >= 2 ** 32 ? '<addr>' : value;
  if (typeof value === 'string' && value.includes('/proc/')) return value.replace(PID_IN_PATH, '/$1/<pid>');
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) return BigInt(value) >= FOUR_GIB ? '<addr>' : value.toLowerCase();
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (value !== null && typeof value === 'object') return normaliseArgs(value);
  return value;
}

function normaliseArgs(args: Record<string, ArgValue>): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const key of Object.keys(args).sort()) if (!HOST_CHOSEN.has(key) && !TIME_KEY.test(key)) out[key] = normaliseValue(args[key]!);
  return out;
}

/** `hvsync realtime_ns=R trace_clock=mono trace_ns=M err_ns=E` (src/record/instance.ts). */
const HVSYNC = /^hvsync\b/;

export function eventSignature(event: TraceEvent): string {
  if (event.kind === 'marker' && typeof event.args.text === 'string' && HVSYNC.test(event.args.text)) return 'marker hvsync';
  const r = event.result;
  const outcome = r?.errno ?? r?.exit ?? '';
  return `${event.kind} ${event.name} ${JSON.stringify(normaliseArgs(event.args))} ${outcome}`;
}
