import { PolicyError } from '../../errors.js';
import type { EventShape } from '../../model/events/index.js';
import type { EventKey, EventOf, TraceEvent } from '../../model/event.js';
import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import {
  buildPolicy,
  type AreaHooks,
  type AreaSpec,
  type Arch,
  type EventReducer,
  type EventReducers,
  type Policy,
  type PolicySource,
  type Releases,
} from './define.js';
import { AREAS, findPolicy } from './registry.js';

// The public way to write a policy (README "Writing a policy"): a variant of a built-in area, which
// starts from one of its variants and changes parameters, reducers or hooks; or a new area with
// events and reducers of its own. What a policy may claim is checked when a run puts it in a
// PolicySet, like every built-in one.

/** Each built-in area's parameters, by area id. Areas declare theirs in their own index.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in the areas
export interface AreaParamsMap {}

interface Common {
  variant: string;
  summary: string;
  /** The patch, commit or thread it models: a list archive URL or subject, say. */
  sources: readonly PolicySource[];
  releases?: Releases;
  hooks?: AreaHooks;
}

/**
 * A variant's reducers: each gets, after the usual three arguments, the reducer its base variant has
 * for the same event (built with the variant's parameters), to hand on the cases it does not change.
 */
export type VariantReducer<K extends EventKey> = (
  state: MachineState,
  event: EventOf<K>,
  ctx: ReduceContext,
  inherited: EventReducer<K>,
) => MachineState;
export type VariantReducers = { [K in EventKey]?: VariantReducer<K> };

/** A variant of a built-in area. */
export type VariantOf<A extends keyof AreaParamsMap> = Common & {
  area: A;
  /** The built-in variant it starts from (default: the area's default variant). */
  base?: string;
  params?: Partial<AreaParamsMap[A]>;
  reducers?: VariantReducers;
};

/** An area no built-in policy covers, with its own events. */
export type NewArea = Common & {
  area: string;
  reducers?: EventReducers;
  arches: readonly Arch[] | 'all';
  events?: Readonly<Record<string, EventShape>>;
  hostFacts?: EventShape;
};

export function definePolicy<A extends keyof AreaParamsMap>(spec: VariantOf<A>): Policy<AreaParamsMap[A]>;
export function definePolicy(spec: NewArea): Policy;
export function definePolicy(
  spec: (Common & { area: string; base?: string; params?: object; reducers?: VariantReducers }) | NewArea,
): Policy {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(spec.variant))
    throw new PolicyError(`variant '${spec.variant}': expected lower-case letters, digits, . and -`);
  const builtin = AREAS.find((a) => a.spec.area === spec.area);
  if (!builtin) {
    if (!('arches' in spec)) throw new PolicyError(`area '${spec.area}' is not a built-in area; a new area needs \`arches\``);
    const area: AreaSpec<undefined> = {
      area: spec.area,
      summary: spec.summary,
      arches: spec.arches,
      ...(spec.events ? { events: spec.events } : {}),
      ...(spec.hostFacts ? { hostFacts: spec.hostFacts } : {}),
      behaviour: () => ({ reducers: spec.reducers ?? {}, hooks: spec.hooks ?? {} }),
      variants: [],
    };
    return buildPolicy(area, variantSpec(spec, undefined), { code: true });
  }
  const baseName = 'base' in spec && spec.base !== undefined ? spec.base : undefined;
  const base = builtin.policies.find((p) => (baseName === undefined ? p.isDefault : p.variant === baseName));
  if (!base)
    throw new PolicyError(`area '${spec.area}' has no variant '${baseName}'; it has ${builtin.policies.map((p) => p.variant).join(', ')}`);
  const params = { ...(base.params as object), ...('params' in spec ? spec.params : {}) };
  const area: AreaSpec<unknown> = {
    ...builtin.spec,
    behaviour: (p) => {
      const inherited = builtin.spec.behaviour(p);
      return {
        reducers: overridden(inherited.reducers ?? {}, (spec.reducers ?? {}) as VariantReducers),
        hooks: mergeHooks(inherited.hooks ?? {}, spec.hooks ?? {}),
      };
    },
  };
  return buildPolicy(area, variantSpec(spec, params), { code: true });
}

function variantSpec<P>(spec: Common, params: P) {
  return {
    variant: spec.variant,
    summary: spec.summary,
    sources: spec.sources,
    ...(spec.releases ? { releases: spec.releases } : {}),
    params,
  };
}

type AnyReducer = (state: MachineState, event: TraceEvent, ctx: ReduceContext) => MachineState;
type AnyOverride = (state: MachineState, event: TraceEvent, ctx: ReduceContext, inherited: AnyReducer) => MachineState;

/** The base's reducers with the variant's in their place, each handed what it replaces (or the unchanged state). */
function overridden(base: EventReducers, own: VariantReducers): EventReducers {
  const out: Record<string, AnyReducer> = { ...(base as Record<string, AnyReducer>) };
  for (const [key, fn] of Object.entries(own as Record<string, AnyOverride>)) {
    const inherited: AnyReducer = out[key] ?? ((state) => state);
    out[key] = (state, event, ctx) => fn(state, event, ctx, inherited);
  }
  return out as EventReducers;
}

/** A variant's hooks replace its base's, except capabilities and KVM_ENABLE_CAP rules, which are merged capability by capability. */
function mergeHooks(base: AreaHooks, own: AreaHooks): AreaHooks {
  const capabilities = base.capabilities || own.capabilities ? { ...base.capabilities, ...own.capabilities } : undefined;
  const enableCap = base.enableCap || own.enableCap ? { ...base.enableCap, ...own.enableCap } : undefined;
  return { ...base, ...own, ...(capabilities ? { capabilities } : {}), ...(enableCap ? { enableCap } : {}) };
}

/** The reducer a policy has for `key`: for a variant that handles some cases itself and hands the rest on. */
export function reducerOf<K extends EventKey>(id: string, key: K): EventReducer<K> {
  const reducer = findPolicy(id).reducers[key] as EventReducer<K> | undefined;
  if (!reducer) throw new PolicyError(`policy ${id} has no reducer for ${key}`);
  return reducer;
}
