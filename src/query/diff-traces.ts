import { diffArrays } from 'diff';
import type { TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import { eventSignature } from './event-signature.js';
import { diffValues, type PathDifference } from './state-diff.js';

// Two recordings of the same VMM, aligned as a sequence diff (jsdiff's Myers diffArrays) over event
// signatures (src/query/event-signature.ts). Memory stays bounded on traces of millions of events:
// both traces stream through, an identical run is skipped by direct comparison, and only a window of
// WINDOW events per side is handed to diffArrays at a time. A window is consumed up to the end of its
// last common run, so a hunk is never cut where the window happens to end; a window with nothing in
// common is reported as one replaced block.

export const WINDOW = 2048;

export interface Hunk {
  /** Events of A that B lacks (removed) and of B that A lacks (added), as seq ranges, inclusive. */
  a: { from: number; to: number; count: number };
  b: { from: number; to: number; count: number };
  /** The first event on each side of the hunk (for the report of the first difference). */
  firstA?: TraceEvent;
  firstB?: TraceEvent;
}

export interface TraceDiffReport {
  eventsA: number;
  eventsB: number;
  common: number;
  onlyA: number;
  onlyB: number;
  hunks: number;
  first?: Hunk;
}

interface Item {
  sig: string;
  event: TraceEvent;
}

class Stream {
  readonly buffer: Item[] = [];
  private done = false;
  count = 0;
  constructor(private readonly events: Iterator<TraceEvent>) {}
  fill(size: number): void {
    while (!this.done && this.buffer.length < size) {
      const next = this.events.next();
      if (next.done) this.done = true;
      else {
        this.count++;
        this.buffer.push({ sig: eventSignature(next.value), event: next.value });
      }
    }
  }
  take(n: number): Item[] {
    return this.buffer.splice(0, n);
  }
}

export function diffTraces(
  eventsA: Iterable<TraceEvent>,
  eventsB: Iterable<TraceEvent>,
  onHunk?: (h: Hunk) => void,
  window = WINDOW,
): TraceDiffReport {
  const a = new Stream(eventsA[Symbol.iterator]());
  const b = new Stream(eventsB[Symbol.iterator]());
  const report: TraceDiffReport = { eventsA: 0, eventsB: 0, common: 0, onlyA: 0, onlyB: 0, hunks: 0 };
  const emit = (removed: Item[], added: Item[]) => {
    if (removed.length === 0 && added.length === 0) return;
    const range = (items: Item[]) => ({ from: items[0]?.event.seq ?? -1, to: items.at(-1)?.event.seq ?? -1, count: items.length });
    const hunk: Hunk = {
      a: range(removed),
      b: range(added),
      ...(removed[0] ? { firstA: removed[0].event } : {}),
      ...(added[0] ? { firstB: added[0].event } : {}),
    };
    report.onlyA += removed.length;
    report.onlyB += added.length;
    report.hunks++;
    report.first ??= hunk;
    onHunk?.(hunk);
  };

  for (;;) {
    a.fill(window);
    b.fill(window);
    if (a.buffer.length === 0 && b.buffer.length === 0) break;
    let same = 0;
    while (same < a.buffer.length && same < b.buffer.length && a.buffer[same]!.sig === b.buffer[same]!.sig) same++;
    if (same > 0) {
      a.take(same);
      b.take(same);
      report.common += same;
      continue;
    }
    if (a.buffer.length === 0 || b.buffer.length === 0) {
      emit(a.take(a.buffer.length), b.take(b.buffer.length));
      continue;
    }
    const changes = diffArrays(
      a.buffer.map((i) => i.sig),
      b.buffer.map((i) => i.sig),
    );
    // Consume through the last common run; what lies after it may match beyond the window.
    let lastCommon = -1;
    changes.forEach((c, i) => {
      if (!c.added && !c.removed) lastCommon = i;
    });
    if (lastCommon < 0) {
      emit(a.take(a.buffer.length), b.take(b.buffer.length));
      continue;
    }
    let removed: Item[] = [];
    let added: Item[] = [];
    for (const change of changes.slice(0, lastCommon + 1)) {
      if (change.removed) removed = removed.concat(a.take(change.count ?? change.value.length));
      else if (change.added) added = added.concat(b.take(change.count ?? change.value.length));
      else {
        emit(removed, added);
        removed = [];
        added = [];
        const n = change.count ?? change.value.length;
        a.take(n);
        b.take(n);
        report.common += n;
      }
    }
  }
  report.eventsA = a.count;
  report.eventsB = b.count;
  return report;
}

/**
 * The final states of two recordings, compared on what the guest and VMM decide: VMs with their type,
 * status, memslots (without host addresses) and vCPUs (exit reasons and counts, run state, guest mode),
 * and sysctls. Pids, fds, tids, host addresses, times and seqs differ between any two runs.
 */
export function comparableState(state: MachineState): unknown {
  return {
    vms: state.vms.map((vm) => ({
      type: vm.type,
      arch: vm.arch,
      origin: vm.origin,
      status: vm.status,
      ...(vm.crash ? { crash: vm.crash.reason } : {}),
      memslots: vm.memslots.map(({ userspaceAddr: _host, ...slot }) => slot),
      vcpus: vm.vcpus.map((v) => ({
        id: v.id,
        lastExit: v.lastExit,
        exitCounts: v.exitCounts,
        hwExitCounts: v.hwExitCounts,
        guestMode: v.guestMode,
        runstate: v.runstate.state,
      })),
    })),
    sysctls: state.host.sysctls,
  };
}

export function diffFinalStates(a: MachineState, b: MachineState): PathDifference[] {
  return diffValues(comparableState(a), comparableState(b), 200).differences;
}
