import type { EventShape } from '../../model/events/index.js';
import type { EventKey, EventOf } from '../../model/event.js';
import type { MachineState, Memslot, Process, Vcpu, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';

// What a policy area is made of (DESIGN.md, "PolicySet"): the event keys it reduces, the schemas of
// the events it introduces, the host facts it reads, its hooks into the core reducers, and its
// variants. An area is one folder that exports one `defineArea(...)`; the registry lists the areas.
// Every route and hook has one owner, which PolicySet checks when it is built.

export interface PolicySource {
  kind: 'commit' | 'seed' | 'patch' | 'doc' | 'source';
  /** Commit id, seed file name, list archive subject, or path in a source tree. */
  ref: string;
  note?: string;
}

/** The architectures a trace or scenario can name (`arch:`). */
export const ARCHES = ['x86_64', 's390x', 'mips64', 'aarch64'] as const;
export type Arch = (typeof ARCHES)[number];

export type EventReducer<K extends EventKey> = (state: MachineState, event: EventOf<K>, ctx: ReduceContext) => MachineState;
/** Reducers by event key; each one receives its event with the args its schema declares. */
export type EventReducers = { [K in EventKey]?: EventReducer<K> };

/**
 * KVM_CREATE_VM's answer: refused with an errno, or accepted with the fields this area adds to the new
 * VM and, where creating it changes the calling process (s390_enable_sie() converting its mm), to that.
 */
export type VmCreateDecision =
  { errno: string; why: string } | { accept: true; why?: string; vm?: Partial<Vm>; process?: Partial<Process> };

/** What makes a new mm: execve of a file replaces the caller's, fork copies it. */
export type NewMmCause = { cause: 'execve'; path: string } | { cause: 'fork' };

export interface NewMmDecision {
  /** Fields of the new process this area decides (s390: whether its page tables carry PGSTEs). */
  fields?: Partial<Process>;
  /** Why, as the kernel's behaviour would explain it. */
  log?: string;
}

export type CapabilityAnswer = (state: MachineState, vm: Vm | undefined) => number | undefined;

/** What userspace passed in struct kvm_enable_cap, as far as the trace shows it. */
export interface EnableCapRequest {
  flags: number;
  args: readonly bigint[];
}

/** KVM_ENABLE_CAP on a VM fd: refused with an errno, or accepted with what it changes in the VM. */
export type EnableCapDecision = { errno: string; why: string } | { accept: true; vm?: Partial<Vm>; why?: string };

export type EnableCapAnswer = (request: EnableCapRequest, state: MachineState, vm: Vm) => EnableCapDecision | undefined;

/**
 * An exit an area predicts for a KVM_RUN: one reason, or one of several where the kernel's choice hangs
 * on something no trace shows (kvm_run.request_interrupt_window, say). `detail` is what comes with
 * `reason` (kvm_run.io or kvm_run.mmio fields), not with an alternative; `basis` says what the
 * prediction rests on when it is more than the decoded trace (a registration strace did not print).
 */
export interface PredictedExit {
  reason: string;
  detail?: Record<string, number | string>;
  alternatives?: readonly string[];
  basis?: string;
}

/** A KVM_RUN return the kernel traced: `exit` when the call returned with an exit reason, `errno` otherwise. */
export type RunReturn = 'exit' | 'errno';

/** The area's view of a KVM_RUN return: the exit it predicts when none is pending, and the state as the next run starts. */
export interface RunReturnDecision {
  exit?: PredictedExit;
  state: MachineState;
}

/** Decision points of the core reducers that an area may own. */
export interface AreaHooks {
  /** KVM_CHECK_EXTENSION answers, by capability name: undefined means "not predicted here". */
  capabilities?: Readonly<Record<string, CapabilityAnswer>>;
  /** KVM_ENABLE_CAP on a VM fd, by capability name: undefined means "not predicted here". */
  enableCap?: Readonly<Record<string, EnableCapAnswer>>;
  /**
   * A KVM_RUN return that ftrace's kvm_userspace_exit shows. Called before the exit reason is looked
   * at: the area is told only whether the call returned an exit or an errno (a signal's EINTR is no
   * guest event), predicts which exit when the vCPU has none pending, and closes its run bookkeeping.
   */
  runReturn?(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, returned: RunReturn): RunReturnDecision;
  /** How a guest write into this memslot is handled: through to memory, or emulated and handed on as MMIO. */
  memslotWrite?(slot: Memslot): 'memory' | 'mmio';
  /** KVM_CREATE_VM on the area's architectures. */
  vmCreate?(type: number, state: MachineState, process: Process): VmCreateDecision | undefined;
  /** Memslot flag bits this area's kernel accepts, or 'unchecked' for a kernel that stored any flags as given. */
  memslotFlags?: number | 'unchecked';
  /**
   * The guest switched between kernel and user mode (`guest: guest_mode`, the core's) on the area's
   * architectures; `state` has the new mode already. Xen retries a runstate update here for a 64-bit PV guest.
   */
  guestMode?(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, ctx: ReduceContext): MachineState;
  /** A new mm made for `caller` (execve, fork) on the area's architectures. */
  newMm?(caller: Process, state: MachineState, how: NewMmCause): NewMmDecision | undefined;
}

/** An area's behaviour with one variant's parameters fixed. */
export interface Behaviour {
  reducers?: EventReducers;
  hooks?: AreaHooks;
}

/** The systems whose releases decide an area: Linux for KVM and the host, Xen for the hypervisor. */
export const RELEASE_SYSTEMS = ['linux', 'xen'] as const;
export type ReleaseSystem = (typeof RELEASE_SYSTEMS)[number];

/**
 * Consecutive releases of one system, both ends included (src/engine/policy/release/version.ts): `from:
 * '4.19.147'` starts at that stable release, `to: '4.19'` takes every 4.19.y, `to: '4.19.146'` ends at
 * that one. No `from`: since the first release; no `to`: to this day.
 */
export interface ReleaseRange {
  from?: string;
  to?: string;
}

/** The releases a variant models, stable backports included: one range, or several where a backport splits a series. */
export type Releases = { [S in ReleaseSystem]?: ReleaseRange | readonly ReleaseRange[] };

/** Releases of the area's system that no variant models, and why (the sources were not read there, or disagree). */
export interface ReleaseGap extends ReleaseRange {
  system: ReleaseSystem;
  why: string;
}

export interface VariantSpec<P> {
  variant: string;
  isDefault?: boolean;
  summary: string;
  sources: readonly PolicySource[];
  releases?: Releases;
  params: P;
}

export interface AreaSpec<P> {
  area: string;
  summary: string;
  /** Where its routes and hooks apply; the same event may belong to another area on another architecture. */
  arches: readonly Arch[] | 'all';
  /** The events this area introduces, with their argument schemas (declare their types in EventArgsMap too). */
  events?: Readonly<Record<string, EventShape>>;
  /** The host facts it reads (a scenario's `host:` keys), with their schemas. */
  hostFacts?: EventShape;
  behaviour(params: P): Behaviour;
  variants: readonly VariantSpec<P>[];
  /** Releases between its variants' ranges that none models; a test holds every other release to exactly one variant. */
  releaseGaps?: readonly ReleaseGap[];
}

/**
 * Where a policy came from: built in; a user's file, whose content hash keys its snapshots; or made
 * in a library user's own code, which nothing identifies across runs, so its replays store no snapshots.
 */
export type PolicyOrigin = { builtin: true } | { file: string; sha256: string } | { code: true };

/** One policy: a variant of an area with its behaviour built. */
export interface Policy<P = unknown> {
  /** `area/variant`, the form --policy takes. */
  id: string;
  area: string;
  variant: string;
  isDefault: boolean;
  summary: string;
  sources: readonly PolicySource[];
  releases?: Releases;
  params: P;
  arches: readonly Arch[] | 'all';
  events: Readonly<Record<string, EventShape>>;
  hostFacts?: EventShape;
  reducers: EventReducers;
  hooks: AreaHooks;
  origin: PolicyOrigin;
}

export interface Area<P = unknown> {
  spec: AreaSpec<P>;
  policies: readonly Policy<P>[];
}

export function buildPolicy<P>(spec: AreaSpec<P>, variant: VariantSpec<P>, origin: PolicyOrigin = { builtin: true }): Policy<P> {
  const behaviour = spec.behaviour(variant.params);
  return {
    id: `${spec.area}/${variant.variant}`,
    area: spec.area,
    variant: variant.variant,
    isDefault: variant.isDefault ?? false,
    summary: variant.summary,
    sources: variant.sources,
    ...(variant.releases ? { releases: variant.releases } : {}),
    params: variant.params,
    arches: spec.arches,
    events: spec.events ?? {},
    ...(spec.hostFacts ? { hostFacts: spec.hostFacts } : {}),
    reducers: behaviour.reducers ?? {},
    hooks: behaviour.hooks ?? {},
    origin,
  };
}

/** An area and its variants; exactly one variant is the default. */
export function defineArea<P>(spec: AreaSpec<P>): Area<P> {
  const defaults = spec.variants.filter((v) => v.isDefault);
  if (defaults.length !== 1) throw new Error(`area '${spec.area}' must have exactly one default variant, has ${defaults.length}`);
  return { spec, policies: spec.variants.map((v) => buildPolicy(spec, v)) };
}
