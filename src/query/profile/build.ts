import { capabilityKind, CAPABILITY_KINDS } from '../../engine/kvm/capability-kinds.js';
import type { CountBounds } from '../../engine/policy/kvm-x86-setup/events.js';
import type { PolicySet } from '../../engine/policy/policy-set.js';
import { ioctlTarget } from '../../engine/reducers/ioctl-target.js';
import { fold } from '../../engine/replay.js';
import { toBig } from '../../model/address.js';
import type { TraceEvent } from '../../model/event.js';
import { capName } from '../../model/kvm-abi.js';
import type { MachineState } from '../../model/state.js';
import { readEvents } from '../../store/event-reader.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { initialStateFor } from '../initial-state.js';
import { HOST_PROFILE_FORMAT, type HostProfile } from './profile.js';

// `hvreplay profile TRACE`: a host's answers, read from a recording of it. The replay is only there to
// know what each fd is; every value comes from what the trace observed the kernel return.

/** `if (n < count) r = -E2BIG;`: an E2BIG for room n says count > n, a success says count <= n. */
function bound(known: CountBounds | undefined, room: number, fits: boolean): CountBounds {
  const atLeast = Math.max(known?.atLeast ?? 0, fits ? 0 : room + 1);
  const atMost = fits ? Math.min(known?.atMost ?? room, room) : known?.atMost;
  return atMost === undefined ? { atLeast } : { atLeast, atMost };
}

const where = (e: TraceEvent): string => `@${e.seq} ${e.name}${e.src ? ` (${e.src.file.split('/').pop()}:${e.src.line})` : ''}`;

export function buildProfile(db: SqlDatabase, trace: TraceRecord, policies: PolicySet): HostProfile {
  const profile: HostProfile = {
    format: HOST_PROFILE_FORMAT,
    from: { trace: trace.name, sources: trace.sources.map((s) => s.path.split('/').pop() ?? s.path) },
    capabilities: Object.fromEntries(CAPABILITY_KINDS.map((k) => [k, { system: {}, vm: {} }])) as HostProfile['capabilities'],
    facts: {},
    evidence: {},
    conflicts: [],
  };
  const tscSet = new Set<string>();
  let before: MachineState = initialStateFor(trace);
  fold(readEvents(db, trace), policies, before, ({ event, state }) => {
    if (event.kind === 'ioctl') read(profile, event, before, tscSet);
    before = state;
  });
  return profile;
}

function read(profile: HostProfile, event: TraceEvent, state: MachineState, tscSet: Set<string>): void {
  const r = event.result;
  if (!r) return;
  const ret = typeof r.ret === 'number' ? r.ret : undefined;
  const target = ioctlTarget(state, event).target;
  switch (event.name) {
    case 'KVM_CHECK_EXTENSION': {
      if (ret === undefined || r.errno || (target?.type !== 'kvm' && target?.type !== 'vm')) return;
      const cap = capName(event.args.cap as string | number);
      const on = target.type === 'kvm' ? 'system' : 'vm';
      const table = profile.capabilities[capabilityKind(cap)][on];
      const known = table[cap];
      if (known === undefined) table[cap] = ret;
      else if (known !== ret) profile.conflicts.push(`${cap} on ${on}: ${known}, then ${ret} at ${where(event)}`);
      if (cap === 'KVM_CAP_TSC_CONTROL' && profile.facts.tsc_control === undefined) {
        profile.facts.tsc_control = ret !== 0;
        profile.evidence.tsc_control = `${where(event)} = ${ret}`;
      }
      return;
    }
    case 'KVM_GET_TSC_KHZ': {
      // A vCPU's rate before any KVM_SET_TSC_KHZ on it is the VM's default, the host's (kvm_arch_init_vm()).
      const key = target?.type === 'vcpu' ? `${target.vm}/${target.vcpu}` : undefined;
      if (ret === undefined || r.errno || key === undefined || tscSet.has(key) || profile.facts.tsc_khz !== undefined) return;
      profile.facts.tsc_khz = ret;
      profile.evidence.tsc_khz = `${where(event)} = ${ret}, before any KVM_SET_TSC_KHZ on that vCPU`;
      return;
    }
    case 'KVM_SET_TSC_KHZ':
      if (target?.type === 'vcpu') tscSet.add(`${target.vm}/${target.vcpu}`);
      return;
    case 'KVM_CREATE_IRQCHIP':
    case 'KVM_CREATE_PIT2':
      // Built without CONFIG_KVM_IOAPIC these are unknown ioctls (-ENOTTY); any other answer means it is there.
      if (profile.facts.kvm_ioapic !== undefined || (ret === undefined && !r.errno)) return;
      profile.facts.kvm_ioapic = r.errno !== 'ENOTTY';
      profile.evidence.kvm_ioapic = `${where(event)} = ${r.errno ?? ret}`;
      return;
    case 'KVM_GET_MSR_INDEX_LIST':
    case 'KVM_GET_MSR_FEATURE_INDEX_LIST': {
      const room = event.args.nmsrs;
      if (target?.type !== 'kvm' || typeof room !== 'number' || !(ret === 0 || r.errno === 'E2BIG')) return;
      const fact = event.name === 'KVM_GET_MSR_INDEX_LIST' ? 'msr_index_count' : 'msr_feature_count';
      profile.facts[fact] = bound(profile.facts[fact], room, ret === 0);
      profile.evidence[fact] =
        `${profile.evidence[fact] ? `${profile.evidence[fact]}; ` : ''}${where(event)} with room for ${room} = ${r.errno ?? ret}`;
      return;
    }
    case 'KVM_GET_SUPPORTED_CPUID': {
      const nent = toBig(event.args.nent);
      if (ret === 0 && nent !== undefined && profile.supportedCpuidEntries === undefined) profile.supportedCpuidEntries = Number(nent);
      return;
    }
  }
}
