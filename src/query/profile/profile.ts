import { z } from 'zod';
import { CAPABILITY_KINDS, type CapabilityKind } from '../../engine/kvm/capability-kinds.js';
import { SETUP_HOST_FACTS } from '../../engine/policy/kvm-x86-setup/events.js';
import type { HostFacts } from '../../model/state.js';

// A host profile: what a recording's host answered that no trace line of another run on it would
// otherwise predict. KVM_CHECK_EXTENSION answers are kept by what decides them (capability-kinds.ts),
// so a run under another kernel's policies takes the build's, CPU's and machine's answers from here and
// the release's from its policies; and the host facts the areas read (TSC rate, CONFIG_KVM_IOAPIC, the
// sizes of the MSR and CPUID lists).

const answers = z.record(z.string(), z.number().int());
const byFd = z.strictObject({ system: answers, vm: answers });

export const HOST_PROFILE_FORMAT = 'hvreplay host profile 1';

export const hostProfileSchema = z.strictObject({
  format: z.literal(HOST_PROFILE_FORMAT),
  /** The trace it was taken from, and its source files. */
  from: z.strictObject({ trace: z.string(), sources: z.array(z.string()) }),
  /** KVM_CHECK_EXTENSION answers by what decides them, on /dev/kvm and on a VM fd. */
  capabilities: z.strictObject(Object.fromEntries(CAPABILITY_KINDS.map((k) => [k, byFd])) as Record<CapabilityKind, typeof byFd>),
  /** Host facts read from the host's answers, each with the call it came from. */
  facts: z.strictObject({
    tsc_khz: z.number().int().positive().optional(),
    tsc_control: z.boolean().optional(),
    kvm_ioapic: z.boolean().optional(),
    /** The MSR lists' sizes as the host's answers bound them (kvm-x86-setup's host facts). */
    msr_index_count: SETUP_HOST_FACTS.msr_index_count,
    msr_feature_count: SETUP_HOST_FACTS.msr_feature_count,
  }),
  /** Where each fact came from (seq, call, answer), so a reader can check it. */
  evidence: z.record(z.string(), z.string()),
  /** KVM_GET_SUPPORTED_CPUID's entry count on this host, where the trace shows a successful call. */
  supportedCpuidEntries: z.number().int().nonnegative().optional(),
  /** Capabilities this host answered differently on two calls of one fd kind: the first answer is kept. */
  conflicts: z.array(z.string()),
});

export type HostProfile = z.infer<typeof hostProfileSchema>;

/** What a profile gives another trace: the facts, and the non-release capability answers. */
export function hostFactsOf(profile: HostProfile): HostFacts {
  const system: Record<string, number> = {};
  const vm: Record<string, number> = {};
  for (const kind of CAPABILITY_KINDS) {
    if (kind === 'version') continue;
    Object.assign(system, profile.capabilities[kind].system);
    Object.assign(vm, profile.capabilities[kind].vm);
  }
  const cpuid = profile.supportedCpuidEntries;
  return { ...profile.facts, ...(cpuid === undefined ? {} : { supported_cpuid_entries: cpuid }), kvm_caps: { system, vm } };
}
