import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { clockPair } from './clock-pair.js';
import { addIoctlProbe, type IoctlProbe } from './ioctl-probe.js';

// A private tracefs instance (Documentation/trace/ftrace.rst, "Instances"): its own ring buffer,
// event switches and trace_marker. Nothing of the top-level tracing setup is touched, and removing
// the directory takes every setting and the buffer with it, so restoring is one rmdir.
//
// Its trace_clock is set to "mono", CLOCK_MONOTONIC (kernel/trace/trace.c trace_clocks[]:
// ktime_get_mono_fast_ns), which every CPU shares; the default "local" is per CPU and "may not be in
// sync across CPUs" (Documentation/trace/ftrace.rst, trace_clock). Each hvsync marker then carries
// CLOCK_REALTIME and CLOCK_MONOTONIC read together (clock-pair.ts), so the import aligns the clocks
// exactly, however late the marker's line is stamped.

export interface TraceInstance {
  dir: string;
  /** The instance's trace_clock: 'mono', or 'local' on a kernel without it. */
  clock: string;
  /** The ioctl argument probe's event (ioctl-probe.ts), or why this machine could not have it. */
  ioctlProbe: { event: string; place: string } | { missing: string };
  /** Writes `hvsync realtime_ns=R trace_clock=mono trace_ns=M err_ns=E` to this instance's trace_marker; returns R. */
  marker(): bigint;
  /** Stops the buffer and streams `trace` to `path`. */
  saveTrace(path: string): Promise<void>;
  /** Stops the buffer. */
  stop(): void;
  /** Removes the instance; safe to call more than once, and from an exit handler. */
  remove(): void;
}

/** CLOCK_REALTIME in ns with microsecond resolution: node's time origin plus its monotonic clock. */
export function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

export function createInstance(tracefs: string, name = `hvreplay-${process.pid}`): TraceInstance {
  const dir = `${tracefs}/instances/${name}`;
  mkdirSync(dir);
  let removed = false;
  let probe: IoctlProbe | undefined;
  const set = (file: string, value: string) => writeFileSync(`${dir}/${file}`, value);
  const instance: TraceInstance = {
    dir,
    clock: 'local',
    ioctlProbe: { missing: 'not placed yet' },
    marker() {
      const fd = openSync(`${dir}/trace_marker`, 'w');
      try {
        if (instance.clock !== 'mono') {
          // Without a shared clock to pair with, the realtime read right before the write.
          const ns = realtimeNs();
          writeSync(fd, `hvsync realtime_ns=${ns}\n`);
          return ns;
        }
        const pair = clockPair();
        writeSync(fd, `hvsync realtime_ns=${pair.realtimeNs} trace_clock=mono trace_ns=${pair.monoNs} err_ns=${pair.errNs}\n`);
        return pair.realtimeNs;
      } finally {
        closeSync(fd);
      }
    },
    stop() {
      set('tracing_on', '0');
    },
    async saveTrace(path) {
      set('tracing_on', '0');
      await pipeline(createReadStream(`${dir}/trace`), createWriteStream(path));
    },
    remove() {
      if (!removed && existsSync(dir)) {
        try {
          set('tracing_on', '0');
        } catch {
          // removal below decides
        }
        rmdirSync(dir);
      }
      removed = true;
      // Only once no instance has it enabled can the probe's definition go (trace-cmd extract -B
      // removes the instance itself).
      probe?.remove();
    },
  };
  try {
    set('tracing_on', '0');
    set('buffer_size_kb', '16384');
    if (
      readFileSync(`${dir}/trace_clock`, 'utf8')
        .split(/\s+/)
        .some((c) => c.replace(/[[\]]/g, '') === 'mono')
    ) {
      set('trace_clock', 'mono');
      instance.clock = 'mono';
    }
    // The events the shared recordings enable (/work/shared/traces/README.md).
    set('events/kvm/enable', '1');
    if (existsSync(`${dir}/events/kvm/kvm_emulate_insn/enable`)) set('events/kvm/kvm_emulate_insn/enable', '0');
    set('events/sched/sched_switch/enable', '1');
    const placed = addIoctlProbe(tracefs, dir, name.replace(/\W/g, '_'));
    if (typeof placed === 'string') instance.ioctlProbe = { missing: placed };
    else {
      probe = placed;
      instance.ioctlProbe = { event: placed.event, place: placed.place };
    }
    set('tracing_on', '1');
  } catch (error) {
    instance.remove();
    throw error;
  }
  return instance;
}
