import type { TraceEvent } from '../../model/event.js';
import type { MachineState, Memslot, Process, Vcpu, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { CORE_CLAIMS, CORE_REDUCERS } from '../reducers/core.js';
import { PolicyError } from '../../errors.js';
import type {
  Arch,
  EnableCapAnswer,
  EnableCapDecision,
  EnableCapRequest,
  NewMmCause,
  NewMmDecision,
  Policy,
  RunReturn,
  RunReturnDecision,
  VmCreateDecision,
} from './define.js';
import { guardUserPolicy } from './user-failure.js';

// The policies of one run, one per area, and the routing they declare. Every event key, capability,
// KVM_CREATE_VM decision and new-mm decision has exactly one owner per architecture: the core
// reducers or one area. Two owners of one claim are refused here, when the set is built, naming both.

type Handler = (state: MachineState, event: TraceEvent, ctx: ReduceContext) => MachineState;
type Arches = readonly Arch[] | 'all';

interface Claim<T> {
  owner: string;
  arches: Arches;
  value: T;
}

const CORE = 'the core reducers';

/** Event names whose route is remembered per kind, before that memory is dropped and started again. */
const ROUTES_PER_KIND = 4096;

function overlaps(a: Arches, b: Arches): boolean {
  return a === 'all' || b === 'all' || a.some((arch) => b.includes(arch));
}

function applies(arches: Arches, arch: string): boolean {
  return arches === 'all' || (arches as readonly string[]).includes(arch);
}

/** One owner per claim and architecture; claims are few, so a list per key is enough. */
class Claims<T> {
  private readonly byKey = new Map<string, Claim<T>[]>();

  add(what: string, key: string, claim: Claim<T>): void {
    const list = this.byKey.get(key) ?? [];
    const clash = list.find((c) => overlaps(c.arches, claim.arches));
    if (clash)
      throw new PolicyError(`${what} ${key} is claimed by both ${clash.owner} and ${claim.owner}; an area may not take what another owns`);
    list.push(claim);
    this.byKey.set(key, list);
  }

  find(key: string, arch: string): Claim<T> | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    for (const claim of list) if (applies(claim.arches, arch)) return claim;
    return undefined;
  }
}

export class PolicySet {
  /** PolicySet in area order. */
  readonly policies: readonly Policy[];
  /** A stable name for the set, for snapshot tables and reports: the ids in area order, user files with their content hash. */
  readonly key: string;
  private readonly routes = new Claims<Handler>();
  private readonly capabilities = new Claims<(state: MachineState, vm: Vm | undefined) => number | undefined>();
  private readonly enableCaps = new Claims<EnableCapAnswer>();
  private readonly runReturns = new Claims<(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, returned: RunReturn) => RunReturnDecision>();
  private readonly memslotWrites = new Claims<(slot: Memslot) => 'memory' | 'mmio'>();
  private readonly vmCreators = new Claims<(type: number, state: MachineState, process: Process) => VmCreateDecision | undefined>();
  private readonly newMms = new Claims<(caller: Process, state: MachineState, how: NewMmCause) => NewMmDecision | undefined>();
  private readonly guestModes = new Claims<(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, ctx: ReduceContext) => MachineState>();
  private readonly memslotBits: { bits: number | 'unchecked'; owner: string }[] = [];

  constructor(policies: readonly Policy[]) {
    this.policies = [...policies].sort((a, b) => (a.area < b.area ? -1 : a.area > b.area ? 1 : 0));
    this.key = this.policies.map(policyLabel).sort().join(',');
    for (const [key, reducer] of Object.entries(CORE_REDUCERS))
      this.routes.add('event', key, { owner: CORE, arches: 'all', value: reducer as Handler });
    for (const [kind, key, arches] of CORE_CLAIMS) this.claimCore(kind, key, arches);
    for (const policy of this.policies) this.add(policy);
  }

  private claimCore(kind: 'capability' | 'vmCreate', key: string, arches: Arches): void {
    // The core answers these itself (src/engine/reducers/kvm-system.ts); the claim only keeps areas off them.
    if (kind === 'capability') this.capabilities.add('capability', key, { owner: CORE, arches, value: () => undefined });
    else this.vmCreators.add('KVM_CREATE_VM on', key, { owner: CORE, arches, value: () => undefined });
  }

  private add(policy: Policy): void {
    const owner = `${policy.id}${'file' in policy.origin ? ` (${policy.origin.file})` : ''}`;
    const guard = guardUserPolicy(policy);
    const arches = policy.arches;
    for (const [key, reducer] of Object.entries(policy.reducers)) {
      this.routes.add('event', key, { owner, arches, value: guard(reducer as Handler) });
    }
    const hooks = policy.hooks;
    for (const [cap, answer] of Object.entries(hooks.capabilities ?? {}))
      this.capabilities.add('capability', cap, { owner, arches, value: guard(answer) });
    for (const [cap, answer] of Object.entries(hooks.enableCap ?? {}))
      this.enableCaps.add('KVM_ENABLE_CAP of', cap, { owner, arches, value: guard(answer) });
    if (hooks.runReturn) this.runReturns.add('a KVM_RUN return on', 'runReturn', { owner, arches, value: guard(hooks.runReturn) });
    if (hooks.memslotWrite)
      this.memslotWrites.add('a guest write into a memslot on', 'memslotWrite', { owner, arches, value: guard(hooks.memslotWrite) });
    if (hooks.vmCreate) this.vmCreators.add('KVM_CREATE_VM on', 'vmCreate', { owner, arches, value: guard(hooks.vmCreate) });
    if (hooks.newMm) this.newMms.add('a new mm on', 'newMm', { owner, arches, value: guard(hooks.newMm) });
    if (hooks.guestMode) this.guestModes.add('a guest mode switch on', 'guestMode', { owner, arches, value: guard(hooks.guestMode) });
    if (hooks.memslotFlags !== undefined) {
      const bits = hooks.memslotFlags;
      const clash = this.memslotBits.find((m) => m.bits !== 'unchecked' && bits !== 'unchecked' && (m.bits & bits) !== 0);
      if (clash)
        throw new PolicyError(
          `memslot flag bits 0x${((clash.bits as number) & (bits as number)).toString(16)} are claimed by both ${clash.owner} and ${owner}`,
        );
      this.memslotBits.push({ bits, owner });
    }
  }

  /** The reducer that owns this event key on this architecture, if any. */
  route(key: string, arch: string): Handler | undefined {
    return this.routes.find(key, arch)?.value;
  }

  /** Per architecture, kind and name: the owner found by route(), or null; names beyond ROUTES_PER_KIND are not kept. */
  private readonly routeCache = new Map<string, Map<string, Map<string, Handler | null>>>();

  /**
   * route() of `kind:name`, remembered without making the key: a replay asks once per event, and most
   * events have no owner (a guest's kvm_emulate_insn: 99.7% of the big ftrace trace).
   */
  routeOf(kind: string, name: string, arch: string): Handler | undefined {
    let kinds = this.routeCache.get(arch);
    if (!kinds) this.routeCache.set(arch, (kinds = new Map()));
    let names = kinds.get(kind);
    if (!names || names.size >= ROUTES_PER_KIND) kinds.set(kind, (names = new Map()));
    let handler = names.get(name);
    if (handler === undefined) names.set(name, (handler = this.route(`${kind}:${name}`, arch) ?? null));
    return handler ?? undefined;
  }

  /** The area that answers KVM_CHECK_EXTENSION for `cap`; undefined when no area claims it. */
  capability(cap: string, state: MachineState, vm: Vm | undefined): { answer: number | undefined } | undefined {
    const claim = this.capabilities.find(cap, state.host.arch);
    if (!claim || claim.owner === CORE) return undefined;
    return { answer: claim.value(state, vm) };
  }

  /** The area that decides KVM_ENABLE_CAP(cap) on a VM; undefined when no area claims the capability. */
  enableCap(cap: string, request: EnableCapRequest, state: MachineState, vm: Vm): { decision: EnableCapDecision | undefined } | undefined {
    const claim = this.enableCaps.find(cap, state.host.arch);
    return claim ? { decision: claim.value(request, state, vm) } : undefined;
  }

  /** What the area that follows KVM_RUN returns on this architecture makes of one; undefined when none does. */
  runReturn(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, returned: RunReturn): RunReturnDecision | undefined {
    return this.runReturns.find('runReturn', state.host.arch)?.value(state, ref, returned);
  }

  /** How a guest write into `slot` is handled on this architecture; undefined when no area says. */
  memslotWrite(slot: Memslot, arch: string): 'memory' | 'mmio' | undefined {
    return this.memslotWrites.find('memslotWrite', arch)?.value(slot);
  }

  /** The area that decides KVM_CREATE_VM on this architecture; undefined when the core does. */
  vmCreate(type: number, state: MachineState, process: Process): { decision: VmCreateDecision | undefined } | undefined {
    const claim = this.vmCreators.find('vmCreate', state.host.arch);
    if (!claim || claim.owner === CORE) return undefined;
    return { decision: claim.value(type, state, process) };
  }

  /** What the area that claims guest mode switches on this architecture makes of one; the state as it is otherwise. */
  guestMode(state: MachineState, ref: { vm: Vm; vcpu: Vcpu }, ctx: ReduceContext): MachineState {
    const claim = this.guestModes.find('guestMode', state.host.arch);
    return claim ? claim.value(state, ref, ctx) : state;
  }

  newMm(caller: Process, state: MachineState, how: NewMmCause): NewMmDecision | undefined {
    return this.newMms.find('newMm', state.host.arch)?.value(caller, state, how);
  }

  /** The flags check_memory_region_flags() accepts: `base` plus what each area adds, or every bit when one area's kernel did not check. */
  memslotFlags(base: number): number {
    let valid = base;
    for (const { bits } of this.memslotBits) {
      if (bits === 'unchecked') return 0xffffffff;
      valid |= bits;
    }
    return valid;
  }

  /** The active policy of an area. */
  of(area: string): Policy | undefined {
    return this.policies.find((p) => p.area === area);
  }
}

/** A policy's id, with the content hash of the file it came from when it is a user's. */
export function policyLabel(policy: Policy): string {
  return 'file' in policy.origin ? `${policy.id}@${policy.origin.sha256.slice(0, 12)}` : policy.id;
}
