import type { Subscription } from 'rxjs';
import { evolve } from '../../engine/evolve.js';
import type { PolicySet } from '../../engine/policy/policy-set.js';
import { resolvePolicies } from '../../engine/policy/registry.js';
import { initialStateFor } from '../../query/initial-state.js';
import { checkPosition, Seeker } from '../../query/seek.js';
import { MAX_GAP } from '../../query/snapshots/spacing.js';
import { readEvents } from '../../store/event-reader.js';
import type { SqlDatabase } from '../../store/sql.js';
import { StringTable } from '../../store/strings.js';
import { hasEventNamed, type TraceRecord } from '../../store/traces.js';
import type { MachineState } from '../../model/state.js';
import { DebugInputError } from './errors.js';
import { InterruptedError } from '../../errors.js';
import { locate, scanBackward$, scanForward$, type Hit, type Located, type ScanNote, type ScanSource } from './scan.js';
import { breakPoint, type StopKind, type StopPoint, watchTest } from './stop-points.js';

// The debugger's state: where we are (@N, the state after event N), the stop points, the policies.
// Commands (commands.ts) read and move it; nothing here prints.

export type Outcome =
  | { reason: 'moved' }
  | { reason: 'hit'; hits: Hit[] }
  /** Ran to the end (or start) of the trace, or to the end of a counted step, without a hit. */
  | { reason: 'bound' }
  | { reason: 'interrupted' };

export class DebugSession {
  readonly points: StopPoint[] = [];
  private nextId = 1;
  private src: ScanSource;
  private running: { subscription: Subscription; stop: () => void } | undefined;
  here: Located;

  constructor(
    private readonly db: SqlDatabase,
    readonly trace: TraceRecord,
    private policyIds: string[],
    at = 0,
    onNotice: (line: string) => void = () => {},
  ) {
    if (trace.eventCount === 0) throw new DebugInputError(`trace '${trace.name}' has no events`);
    checkPosition(trace, at);
    this.src = this.sourceFor(resolvePolicies(policyIds), onNotice);
    this.here = locate(this.src, at);
  }

  get seq(): number {
    return this.here.step.event.seq;
  }

  get last(): number {
    return this.trace.eventCount - 1;
  }

  get policies(): PolicySet {
    return this.src.policies;
  }

  get chosenPolicies(): readonly string[] {
    return this.policyIds;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  private sourceFor(policies: PolicySet, onNotice: (line: string) => void): ScanSource {
    const seeker = new Seeker(this.db, this.trace, policies);
    // Seeks fold at most the snapshot gap once snapshots exist; build them now, once, rather than in
    // the middle of the first long `goto`.
    if (!seeker.snapshots && this.trace.eventCount > MAX_GAP) {
      onNotice(`building snapshots for '${this.trace.name}' (one replay of ${this.trace.eventCount} events)...`);
      seeker.ensureSnapshots();
    }
    return { db: this.db, trace: this.trace, strings: new StringTable(this.db), policies, seeker, initial: initialStateFor(this.trace) };
  }

  /** Switch one area's policy (or several) and rebuild the position under them. */
  setPolicies(ids: string[], onNotice: (line: string) => void = () => {}): void {
    const policies = resolvePolicies(ids);
    this.src = this.sourceFor(policies, onNotice);
    this.policyIds = ids;
    this.here = locate(this.src, this.seq);
  }

  goto(seq: number): void {
    checkPosition(this.trace, seq);
    if (seq === this.seq) return;
    if (seq > this.seq && seq - this.seq <= 64) this.foldTo(seq);
    else this.here = locate(this.src, seq);
  }

  /** A short hop forwards: fold the few events from here instead of seeking. */
  private foldTo(seq: number): void {
    let here = this.here;
    for (const event of readEvents(this.db, this.trace, { from: this.seq + 1, to: seq }, this.src.strings)) {
      const { state, effects } = evolve(here.step.state, event, this.src.policies);
      here = { step: { event, state, effects }, before: here.step.state };
    }
    this.here = here;
  }

  /** Whether the trace has any event of this kind and name (a breakpoint on one it has not can never hit). */
  hasEvent(kind: string, name: string): boolean {
    return hasEventNamed(this.db, this.trace.id, kind, name);
  }

  /** The state after the last event, where a path that exists nowhere else might still appear. */
  get finalState(): MachineState {
    return this.src.seeker.stateAt(this.last);
  }

  addPoint(kind: StopKind, what: string): StopPoint {
    const parsed = kind === 'watch' ? { test: watchTest(what.trim()), what: what.trim() } : breakPoint(what);
    const point: StopPoint = { id: this.nextId++, kind, what: parsed.what, hits: 0, test: parsed.test };
    this.points.push(point);
    return point;
  }

  deletePoints(ids: number[]): number[] {
    const gone = ids.length === 0 ? this.points.map((p) => p.id) : ids;
    for (const id of ids) if (!this.points.some((p) => p.id === id)) throw new DebugInputError(`no breakpoint or watch number ${id}`);
    for (const id of gone)
      this.points.splice(
        this.points.findIndex((p) => p.id === id),
        1,
      );
    return gone;
  }

  private hitsAt = (before: Located['before'], step: Located['step']): Hit[] => {
    const hits: Hit[] = [];
    for (const p of this.points) {
      const reason = p.test(before, step);
      if (reason !== undefined) hits.push({ id: p.id, reason });
    }
    return hits;
  };

  /** `step n` / `back n`: n events, or fewer when a stop point hits on the way (as gdb's `step N`). */
  async move(direction: 1 | -1, n: number): Promise<Outcome> {
    if (!Number.isInteger(n) || n < 1) throw new DebugInputError(`a count must be a positive integer, not '${n}'`);
    const target = Math.min(this.last, Math.max(0, this.seq + direction * n));
    if (target === this.seq) return { reason: 'bound' };
    if (this.points.length === 0) {
      this.goto(target);
      return { reason: 'moved' };
    }
    return this.run(direction, target);
  }

  /** `continue` / `reverse-continue`: to the next (previous) hit, else to the end (start) of the trace. */
  async continue(direction: 1 | -1): Promise<Outcome> {
    return this.run(direction, direction > 0 ? this.last : 0);
  }

  private run(direction: 1 | -1, bound: number): Promise<Outcome> {
    if (this.running) throw new DebugInputError('already running');
    const stream =
      direction > 0 ? scanForward$(this.src, this.here, bound, this.hitsAt) : scanBackward$(this.src, this.here, bound, this.hitsAt);
    return new Promise<Outcome>((resolve, reject) => {
      let outcome: Outcome = { reason: 'bound' };
      const finish = (): void => {
        this.running = undefined;
        resolve(outcome);
      };
      const subscription = stream.subscribe({
        next: (note: ScanNote) => {
          this.here = { step: note.step, before: note.before };
          if (note.kind === 'hit') {
            outcome = { reason: 'hit', hits: note.hits };
            for (const hit of note.hits) {
              const point = this.points.find((p) => p.id === hit.id);
              if (point) point.hits++;
            }
          }
        },
        error: (error: unknown) => {
          // Ctrl-C in the middle of a batch (SIGINT stops even a predicate that is still running).
          if (error instanceof InterruptedError) {
            outcome = { reason: 'interrupted' };
            finish();
            return;
          }
          this.running = undefined;
          reject(error);
        },
        complete: finish,
      });
      if (!subscription.closed) {
        this.running = {
          subscription,
          stop: () => {
            subscription.unsubscribe();
            outcome = { reason: 'interrupted' };
            finish();
          },
        };
      }
    });
  }

  /** Ctrl-C: stop a running scan where it got to. False when nothing runs. */
  interrupt(): boolean {
    if (!this.running) return false;
    this.running.stop();
    return true;
  }
}
