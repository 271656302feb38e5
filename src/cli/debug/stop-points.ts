import { isDeepStrictEqual } from 'node:util';
import type { ReplayStep } from '../../engine/replay.js';
import type { EffectKind } from '../../model/effect.js';
import { EVENT_KINDS } from '../../model/event.js';
import { KVM_EXIT_REASONS } from '../../model/kvm-abi.js';
import type { MachineState } from '../../model/state.js';
import { compilePredicate } from '../../query/predicate.js';
import { getPath, parsePath } from '../../query/state-path.js';
import { diffValues } from '../../query/state-diff.js';
import { valueText } from '../present/diff-text.js';
import { DebugInputError } from './errors.js';

// Breakpoints and watches, gdb's two kinds of stop point. Both are tested at one event with the state
// before it and the step (event, state after it, predicted effects); a hit belongs to the event, so
// `continue` and `reverse-continue` both stop at @k for the event k that hit, and `where`/`diff` there
// show the event and what it changed.

export type StopKind = 'breakpoint' | 'watch';

export interface StopPoint {
  id: number;
  kind: StopKind;
  /** As the user typed it after `break` or `watch`. */
  what: string;
  /** Stops the session made at it. */
  hits: number;
  /** A one-line reason when event `step` hits, else undefined. */
  test: (before: MachineState, step: ReplayStep) => string | undefined;
}

export const EFFECT_KINDS: readonly EffectKind[] = ['result', 'exit', 'crash', 'memslot', 'log', 'guest_write', 'exception', 'unmodelled'];

/** Event kinds that `break KIND NAME` takes; `exit` is the exit-reason form below, not the event kind. */
export const EVENT_BREAK_KINDS = EVENT_KINDS.filter((k) => k !== 'exit');

type Test = StopPoint['test'];

export function exitReason(word: string): string {
  const reason = word.toUpperCase().startsWith('KVM_EXIT_') ? word.toUpperCase() : `KVM_EXIT_${word.toUpperCase()}`;
  if (!KVM_EXIT_REASONS.includes(reason)) throw new DebugInputError(`unknown exit reason '${word}'; known: ${KVM_EXIT_REASONS.join(', ')}`);
  return reason;
}

/**
 * `break exit REASON`: the event after which some vCPU has made one more exit to userspace with that
 * reason, i.e. the event where its lastExit becomes REASON (again). That is a KVM_RUN whose predicted
 * `exit` effect, or failing one its observed exit (strace --kvm=vcpu), is REASON; or an ftrace
 * kvm_userspace_exit with it. The reducers count each exit once even when a trace has both the
 * kvm_userspace_exit and the KVM_RUN return of the same exit (src/engine/reducers/kvm-run.ts,
 * countedExit), so counting is what decides: one exit, one hit. An `exit` effect with REASON hits too.
 */
export function exitTest(reason: string): Test {
  return (before, step) => {
    // A prediction of one of several reasons is no stop of its own: the exit the state counts decides.
    const predicted = step.effects.find((e) => e.kind === 'exit' && e.reason === reason && !e.alternatives?.length);
    if (predicted?.kind === 'exit') return `vm ${predicted.vm} vcpu ${predicted.vcpu} exit ${reason} (predicted)`;
    if (before.vms === step.state.vms) return undefined;
    for (const vm of step.state.vms) {
      if (vm.vcpus === before.vms.find((v) => v.id === vm.id)?.vcpus) continue;
      for (const vcpu of vm.vcpus) {
        const old = before.vms.find((v) => v.id === vm.id)?.vcpus.find((c) => c.id === vcpu.id);
        if ((vcpu.exitCounts[reason] ?? 0) > (old?.exitCounts[reason] ?? 0)) return `vm ${vm.id} vcpu ${vcpu.id} exit ${reason}`;
      }
    }
    return undefined;
  };
}

function eventTest(kind: string, name: string): Test {
  return (_before, step) => (step.event.kind === kind && step.event.name === name ? `${kind} ${name}` : undefined);
}

function effectTest(kind: EffectKind): Test {
  return (_before, step) => {
    const effect = step.effects.find((e) => e.kind === kind);
    return effect ? `effect ${valueText(effect, 120)}` : undefined;
  };
}

function predicateTest(expr: string): Test {
  const predicate = compilePredicate(expr);
  return (_before, step) => (predicate({ state: step.state, event: step.event, effects: step.effects }) ? expr : undefined);
}

/** Parses what follows `break`: `KIND NAME`, `exit REASON`, `effect KIND`, or a CEL predicate. */
export function breakPoint(spec: string): { test: Test; what: string } {
  const [head, arg, ...rest] = spec.trim().split(/\s+/);
  if (head === 'exit' && arg && rest.length === 0) {
    const reason = exitReason(arg);
    return { test: exitTest(reason), what: `exit ${reason}` };
  }
  return { test: breakTest(spec), what: spec.trim() };
}

function breakTest(spec: string): Test {
  const words = spec.trim().split(/\s+/);
  const [head, arg, ...rest] = words;
  if (!head)
    throw new DebugInputError('break needs a condition: `break ioctl NAME`, `break exit REASON`, `break effect KIND` or a CEL predicate');
  if (head === 'exit' && arg && rest.length === 0) return exitTest(exitReason(arg));
  if (head === 'effect' && arg && rest.length === 0) {
    if (!(EFFECT_KINDS as readonly string[]).includes(arg))
      throw new DebugInputError(`unknown effect kind '${arg}'; known: ${EFFECT_KINDS.join(', ')}`);
    return effectTest(arg as EffectKind);
  }
  if ((EVENT_BREAK_KINDS as readonly string[]).includes(head) && arg && rest.length === 0 && /^[A-Za-z_][\w.-]*$/.test(arg))
    return eventTest(head, arg);
  return predicateTest(spec.trim());
}

/** `watch PATH`: the event after which the value at PATH differs from the value before it. */
export function watchTest(path: string): Test {
  parsePath(path); // reject a malformed path now, not at the first event
  return (before, step) => {
    if (before === step.state) return undefined;
    const old = getPath(before, path);
    const now = getPath(step.state, path);
    if (old === now || isDeepStrictEqual(old, now)) return undefined;
    if (typeof old === 'object' && old !== null && typeof now === 'object' && now !== null) {
      // Two structures: name what changed inside rather than print both truncated.
      const inside = diffValues(old, now, 2);
      const shown = inside.differences.map(
        (d) => `${d.path.startsWith('[') ? path + d.path : `${path}.${d.path}`}: ${valueText(d.a, 40)} -> ${valueText(d.b, 40)}`,
      );
      const more = inside.omitted ? `; ${inside.omitted} more (diff lists them)` : '';
      return shown.join('; ') + more;
    }
    return `${path}: ${valueText(old, 80)} -> ${valueText(now, 80)}`;
  };
}
