// hvreplay as a library (README "The library API"): write policies, and script what the commands do.
//
//   import { definePolicy, openStore, importFiles, resolvePolicies, diffTracePolicies } from 'hvreplay';

// The vocabulary: events, their argument schemas and types, effects, and the machine state.
export type {
  Args,
  ArgValue,
  EventArgsMap,
  EventKey,
  EventKind,
  EventOf,
  EventWho,
  NewEvent,
  ObservedResult,
  TraceEvent,
} from './model/event.js';
export { EVENT_KINDS, eventKey } from './model/event.js';
export {
  CORE_EVENTS,
  address,
  fdArgs,
  int,
  memslotFlags,
  type ArgsOfShapes,
  type EventShape,
  type ShapeArgs,
} from './model/events/index.js';
export type { Effect, EffectKind } from './model/effect.js';
export type { CpuState, FdTarget, HostFacts, MachineState, Memslot, Process, Runstate, RunState, Vcpu, Vm, Vma } from './model/state.js';
export { initialState } from './model/state.js';
export { hex, toBig } from './model/address.js';
export { z } from 'zod';

// Writing a policy: definePolicy, the hooks and reducers it may declare, and the helpers the built-in areas use.
export {
  definePolicy,
  reducerOf,
  type AreaParamsMap,
  type NewArea,
  type VariantOf,
  type VariantReducer,
  type VariantReducers,
} from './engine/policy/define-policy.js';
export type {
  AreaHooks,
  Arch,
  CapabilityAnswer,
  EnableCapAnswer,
  EnableCapDecision,
  EnableCapRequest,
  EventReducer,
  EventReducers,
  NewMmCause,
  NewMmDecision,
  Policy,
  PolicyOrigin,
  PolicySource,
  PredictedExit,
  ReleaseGap,
  ReleaseRange,
  Releases,
  ReleaseSystem,
  RunReturn,
  RunReturnDecision,
  VmCreateDecision,
} from './engine/policy/define.js';
export { releaseChoices, type AreaChoice, type Release } from './engine/policy/release/resolve.js';
export { choosePolicyIds, type PolicyChoice } from './query/policy-choice.js';
export type { ReduceContext } from './engine/context.js';
export { PolicySet } from './engine/policy/policy-set.js';
export { allPolicies, defaultPolicies, findPolicy, resolvePolicies } from './engine/policy/registry.js';
export { evolve, type Step } from './engine/evolve.js';
export { fold, replay$, type ReplayStep } from './engine/replay.js';
export { increment, replaceAt, withProcess, withVcpu, withVm } from './engine/update.js';
export { eventPid, newFd, processOf, vcpuOf, type VcpuRef } from './engine/lookup.js';
export { vcpuForTraceEvent } from './engine/reducers/vcpu-thread.js';
export { ioctlTarget, onFd, type IoctlOn } from './engine/reducers/ioctl-target.js';
export { guestMemoryAt, memslotAt, writable, type GuestMemoryHit } from './engine/kvm/guest-memory.js';
export { stateHash } from './engine/hash.js';

// The store and the commands' work, as functions.
export { openStore, dbPath } from './store/open.js';
export type { SqlDatabase } from './store/sql.js';
export { getTrace, listTraces, type TraceRecord } from './store/traces.js';
export { readEvents } from './store/event-reader.js';
export { importFiles, importScenario, type ImportOptions, type ImportResult } from './importers/import.js';
export { loadPolicyFile, loadPolicyFiles } from './query/policy-files.js';
export { stateAt } from './query/state-at.js';
export { Seeker } from './query/seek.js';
export { replayTrace, type ReplaySummary } from './query/replay-trace.js';
export { diffStoredTraces, diffTracePolicies } from './query/diff-stored.js';
export type { Divergence, PolicyDiffReport } from './query/diff-policies.js';
export type { Hunk, TraceDiffReport } from './query/diff-traces.js';
export { bisectTrace, predicateOracle, type BisectResult, type Verdict } from './query/bisect.js';
export { compilePredicate, type Predicate } from './query/predicate.js';
export { conformTrace, type ConformReport, type Mismatch } from './query/conform/conform.js';
export type { Coverage, CoverageRow } from './query/conform/tally.js';
export { buildProfile } from './query/profile/build.js';
export { hostFactsOf, hostProfileSchema, type HostProfile } from './query/profile/profile.js';
export { checkExpectations, type ExpectationResult } from './query/expectations.js';

// Errors: each carries the exit status the CLI gives it.
export { EXIT, HvreplayError, PolicyError, PolicyFailure, SourceError, StoreError } from './errors.js';
