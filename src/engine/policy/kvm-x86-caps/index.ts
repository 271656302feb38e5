import type { CapabilityAnswer } from '../define.js';
import { defineArea } from '../define.js';
import { linux61 } from './linux-6-1.js';

// kvm-x86-caps: the KVM_CHECK_EXTENSION answers of x86 KVM that came or changed with a release, by
// release range. Answers older than the releases the policies model are the core's
// (src/engine/kvm/capabilities.ts); those of the host's build and CPU come from a host profile
// (src/engine/kvm/capability-kinds.ts); a capability with its own behaviour belongs to its area
// (KVM_CAP_READONLY_MEM to kvm-readonly, KVM_CAP_X86_USER_SPACE_MSR to kvm-x86-msr-exit, ...).

export interface CapsParams {
  /** The answers of the releases the variant models. */
  answers: Readonly<Record<string, number>>;
}

const VARIANTS = [linux61];

/** The union of every variant's capabilities: each variant claims them all and answers 0 for those its releases lack. */
const CAPABILITIES = [...new Set(VARIANTS.flatMap((v) => Object.keys(v.params.answers)))];

function answers(params: CapsParams): Record<string, CapabilityAnswer> {
  const all: Record<string, CapabilityAnswer> = {};
  for (const cap of CAPABILITIES) all[cap] = () => params.answers[cap] ?? 0;
  return all;
}

export const kvmX86CapsArea = defineArea<CapsParams>({
  area: 'kvm-x86-caps',
  summary: 'KVM_CHECK_EXTENSION answers that depend on the kernel release alone, by release range',
  arches: ['x86_64'],
  behaviour: (params) => ({ hooks: { capabilities: answers(params) } }),
  variants: VARIANTS,
  releaseGaps: [
    {
      system: 'linux',
      to: '6.0',
      why: 'only 6.1.192 and 6.18 were read: which answers came or changed before 6.1 was not followed back (docs/upstream/x86-issue16.md, point 4)',
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-x86-caps': CapsParams;
  }
}
