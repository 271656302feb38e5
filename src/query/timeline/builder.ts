import type { Effect } from '../../model/effect.js';
import type { Args, TraceEvent } from '../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../model/state.js';
import type { ReplayStep } from '../../engine/replay.js';
import { processOf, resolveFd } from '../../engine/lookup.js';
import { TimelineClock } from './clock.js';
import { countedExits, forEachChangedVcpu } from './exit-count.js';
import type { Fields, TimelineSink } from './items.js';
import { VcpuLane } from './vcpu-lane.js';

// Turns replay steps into timeline items (items.ts). It reads the states before and after each event
// and the effects the policies predicted; the only raw-event facts it adds are those no state keeps:
// a call's start and duration, and the fields of kvm_exit, kvm_pio and kvm_mmio.

/** Effects that mean something on a timeline; results and exits are drawn as calls and exits. */
const SHOWN_EFFECTS = new Set<Effect['kind']>(['crash', 'log', 'guest_write']);

/** kvm_exit's fields, as perf and trace-cmd name them. */
const EXIT_FIELDS = ['rip', 'info1', 'info2', 'intr_info', 'error_code', 'isa'] as const;

function exitFields(args: Args): Fields {
  const all = flatFields(args);
  const fields: Fields = {};
  for (const key of EXIT_FIELDS) if (all[key] !== undefined) fields[key] = all[key];
  return fields;
}

/** Arguments as flat fields: numbers and strings as they are, a decoded struct as its JSON. */
export function flatFields(args: Args, skip: readonly string[] = []): Fields {
  const fields: Fields = {};
  for (const [key, value] of Object.entries(args)) {
    if (skip.includes(key) || value === null || value === undefined) continue;
    fields[key] = typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}

/** kvm_pio and kvm_mmio say which port or address an exit was about. */
function ioFieldsOf(event: TraceEvent): Fields | undefined {
  return event.name === 'kvm_pio' || event.name === 'kvm_mmio' ? flatFields(event.args) : undefined;
}

export class TimelineBuilder {
  private readonly lanes = new Map<string, VcpuLane>();
  private readonly byTid = new Map<number, VcpuLane>();
  private readonly totals = new Map<string, number>();
  private lastAt = 0;

  constructor(
    readonly clock: TimelineClock,
    private readonly emit: TimelineSink,
  ) {}

  /** Hands on the items of one replay step; returns the step's timeline time. */
  step(prev: MachineState, { event, state, effects }: ReplayStep): number {
    const at = this.clock.at(event);
    this.lastAt = at;
    // vCPUs first: a kernel event may be the one that made its vCPU known.
    forEachChangedVcpu(prev, state, (vm, vcpu) => {
      const lane = this.lane(vm, vcpu);
      lane.runstateAt(vcpu.runstate.state, vcpu.runstate.stateEntryTime === null ? at : this.clock.ofSeconds(vcpu.runstate.stateEntryTime));
    });
    let callEnd = at;
    if (event.kind === 'ioctl') callEnd = this.call(prev, event, at);
    const lane = event.tid === undefined || event.kind === 'ioctl' || event.kind === 'syscall' ? undefined : this.byTid.get(event.tid);
    const io = lane && ioFieldsOf(event);
    if (lane && io) lane.ioFields(io);
    if (lane) lane.kernelEvent(at);
    for (const counted of countedExits(prev, state)) {
      const exitLane = this.lane(counted.vm, counted.vcpu);
      // Strace shows the exit when KVM_RUN returns; ftrace at the kernel's own event.
      const start = counted.level === 'userspace' && event.kind === 'ioctl' ? callEnd : at;
      const fields = counted.level === 'kernel' ? exitFields(event.args) : { ...counted.vcpu.lastExitDetail };
      for (let i = 0; i < counted.count; i++) {
        exitLane.exitCounted(event.seq, counted.level, counted.reason, start, fields);
        const key = `${counted.vm.id}/${counted.level}/${counted.reason}`;
        const total = (this.totals.get(key) ?? 0) + 1;
        this.totals.set(key, total);
        this.emit({
          type: 'exit-total',
          seq: event.seq,
          vm: counted.vm.id,
          pid: counted.vm.pid,
          level: counted.level,
          reason: counted.reason,
          at: start,
          total,
        });
      }
    }
    if (lane && event.name === 'kvm_entry') lane.entered(event.seq, at);
    this.memslots(prev, state, event.seq, at);
    for (const effect of effects) if (SHOWN_EFFECTS.has(effect.kind)) this.effect(state, event, effect, at);
    return at;
  }

  /** Closes what is still open at the last event's time. */
  finish(): void {
    for (const lane of this.lanes.values()) lane.finish(this.lastAt);
  }

  private lane(vm: Vm, vcpu: Vcpu): VcpuLane {
    const id = `${vm.id}/${vcpu.id}`;
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = new VcpuLane({ vm: vm.id, vcpu: vcpu.id, pid: vm.pid }, this.emit);
      this.lanes.set(id, lane);
    }
    if (vcpu.tid !== undefined && lane.key.tid !== vcpu.tid) {
      if (lane.key.tid !== undefined) this.byTid.delete(lane.key.tid);
      lane.boundTo(vcpu.tid);
      this.byTid.set(vcpu.tid, lane);
    }
    return lane;
  }

  /** An ioctl: KVM_RUN on its vCPU's lane, any other on its thread. Returns when it returned. */
  private call(prev: MachineState, event: TraceEvent, at: number): number {
    const end = at + TimelineClock.duration(event.result?.duration);
    const fd = event.args.fd;
    const process = processOf(prev, event);
    const target =
      typeof fd === 'number'
        ? resolveFd(prev, process, fd, typeof event.args.fdPath === 'string' ? event.args.fdPath : undefined)
        : undefined;
    const { errno, ret, exit } = event.result ?? {};
    if (event.name === 'KVM_RUN' && target?.type === 'vcpu') {
      const vm = prev.vms[target.vm];
      const vcpu = vm?.vcpus.find((v) => v.id === target.vcpu);
      if (vm && vcpu) {
        const lane = this.lane(vm, vcpu);
        lane.runStarted(at);
        this.emit({ type: 'run', seq: event.seq, vcpu: lane.key, start: at, end, ...(exit ? { exit } : {}), ...(errno ? { errno } : {}) });
        return end;
      }
    }
    const kind = target?.type === 'kvm' || target?.type === 'vm' || target?.type === 'vcpu' ? target.type : 'other';
    this.emit({
      type: 'call',
      seq: event.seq,
      thread: { pid: process.pid, tid: event.tid ?? process.pid, ...(event.comm ? { comm: event.comm } : {}) },
      name: event.name,
      target: kind,
      start: at,
      end,
      ...(ret !== undefined ? { ret } : {}),
      ...(errno ? { errno } : {}),
      fields: flatFields(event.args, ['fd', 'fdPath']),
    });
    return end;
  }

  private memslots(prev: MachineState, state: MachineState, seq: number, at: number): void {
    if (prev.vms === state.vms) return;
    for (const vm of state.vms) {
      if (prev.vms[vm.id]?.memslots.length !== vm.memslots.length)
        this.emit({ type: 'memslots', seq, vm: vm.id, pid: vm.pid, at, count: vm.memslots.length });
    }
  }

  private effect(state: MachineState, event: TraceEvent, effect: Effect, at: number): void {
    const vmId = 'vm' in effect ? effect.vm : undefined;
    const vm = vmId === undefined ? undefined : state.vms[vmId];
    const pid = vm?.pid ?? event.pid ?? event.tid ?? 0;
    const vcpu = vm && 'vcpu' in effect ? vm.vcpus.find((v) => v.id === effect.vcpu) : undefined;
    const lane = vm && vcpu ? this.lane(vm, vcpu) : undefined;
    this.emit({ type: 'effect', seq: event.seq, pid, ...(lane ? { vcpu: lane.key } : {}), at, effect });
  }
}
