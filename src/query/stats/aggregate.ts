import { RUN_STATES } from '../../model/state.js';
import type { ExitLevel, TimelineItem, VcpuKey } from '../timeline/items.js';
import { Durations } from './durations.js';

// Adds up a trace's timeline items (src/query/timeline) at the finest grain `stats` reports: per vCPU,
// level and exit reason; per ioctl name; per vCPU and run state. Coarser tables merge these cells.
// Memory grows with the number of vCPUs, reasons and ioctl names, never with the number of events.

export interface ExitCell {
  vcpu: VcpuKey;
  level: ExitLevel;
  reason: string;
  /** Every exit counted in the window, timed or not. */
  count: number;
  /** The time of those whose end the trace shows. */
  durations: Durations;
}

export interface IoctlCell {
  name: string;
  calls: number;
  errors: Record<string, number>;
  durations: Durations;
}

export interface RunstateCell {
  vcpu: VcpuKey;
  /** Nanoseconds in running, runnable, blocked, offline (RUN_STATES order). */
  ns: [number, number, number, number];
}

export class StatsAggregator {
  readonly exits = new Map<string, ExitCell>();
  readonly ioctls = new Map<string, IoctlCell>();
  readonly runstates = new Map<string, RunstateCell>();
  /** Time of the window's first event, once the replay has reached it. */
  private windowStart: number | undefined;

  constructor(private readonly from = 0) {}

  /** The replay reached event `seq` at time `at`. */
  reached(seq: number, at: number): void {
    if (this.windowStart === undefined && seq >= this.from) this.windowStart = at;
  }

  readonly accept = (item: TimelineItem): void => {
    switch (item.type) {
      case 'exit': {
        if (item.seq < this.from) return;
        const key = `${item.vcpu.vm}/${item.vcpu.vcpu}/${item.level}/${item.reason}`;
        let cell = this.exits.get(key);
        if (!cell)
          this.exits.set(key, (cell = { vcpu: item.vcpu, level: item.level, reason: item.reason, count: 0, durations: new Durations() }));
        cell.count++;
        if (!item.open) cell.durations.add(item.end - item.start);
        return;
      }
      case 'run':
        return this.ioctl(item.seq, 'KVM_RUN', item.end - item.start, item.errno);
      case 'call':
        return this.ioctl(item.seq, item.name, item.end - item.start, item.errno);
      case 'runstate': {
        if (this.windowStart === undefined) return;
        const ns = item.end - Math.max(item.start, this.windowStart);
        if (ns <= 0) return;
        const key = `${item.vcpu.vm}/${item.vcpu.vcpu}`;
        let cell = this.runstates.get(key);
        if (!cell) this.runstates.set(key, (cell = { vcpu: item.vcpu, ns: [0, 0, 0, 0] }));
        if (item.vcpu.tid !== undefined) cell.vcpu = item.vcpu;
        const index = RUN_STATES.indexOf(item.state);
        cell.ns[index] = cell.ns[index]! + ns;
        return;
      }
      default:
        return;
    }
  };

  private ioctl(seq: number, name: string, ns: number, errno: string | undefined): void {
    if (seq < this.from) return;
    let cell = this.ioctls.get(name);
    if (!cell) this.ioctls.set(name, (cell = { name, calls: 0, errors: {}, durations: new Durations() }));
    cell.calls++;
    if (errno) cell.errors[errno] = (cell.errors[errno] ?? 0) + 1;
    cell.durations.add(ns);
  }
}
