import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  rmdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';

// A private tracefs instance (Documentation/trace/ftrace.rst, "Instances"): its own ring buffer,
// event switches and trace_marker. Nothing of the top-level tracing setup is touched, and removing
// the directory takes every setting and the buffer with it, so restoring is one rmdir.

export interface TraceInstance {
  dir: string;
  /** Writes `hvsync realtime_ns=N` to this instance's trace_marker; returns N. */
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
  const set = (file: string, value: string) => writeFileSync(`${dir}/${file}`, value);
  const instance: TraceInstance = {
    dir,
    marker() {
      // Read the clock in-process right before the write (a shell's $(date +%s%N) is ~0.2 ms early).
      const fd = openSync(`${dir}/trace_marker`, 'w');
      try {
        const ns = realtimeNs();
        writeSync(fd, `hvsync realtime_ns=${ns}\n`);
        return ns;
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
      if (removed || !existsSync(dir)) return;
      try {
        set('tracing_on', '0');
      } catch {
        // removal below decides
      }
      rmdirSync(dir);
      removed = true;
    },
  };
  try {
    set('tracing_on', '0');
    set('buffer_size_kb', '16384');
    // The events the shared recordings enable (/work/shared/traces/README.md).
    set('events/kvm/enable', '1');
    if (existsSync(`${dir}/events/kvm/kvm_emulate_insn/enable`)) set('events/kvm/kvm_emulate_insn/enable', '0');
    set('events/sched/sched_switch/enable', '1');
    set('tracing_on', '1');
  } catch (error) {
    instance.remove();
    throw error;
  }
  return instance;
}
