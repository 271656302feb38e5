import { CAPABILITY_KINDS } from '../../engine/kvm/capability-kinds.js';
import type { HostProfile } from '../../query/profile/profile.js';

// A host profile in a few lines: how many answers of each kind, the facts and where they came from.

export function profileText(p: HostProfile): string {
  const lines = [`host profile of '${p.from.trace}' (${p.from.sources.join(', ')})`];
  for (const kind of CAPABILITY_KINDS) {
    const n = Object.keys(p.capabilities[kind].system).length + Object.keys(p.capabilities[kind].vm).length;
    lines.push(
      `  ${kind.padEnd(8)} ${n} capability answer${n === 1 ? '' : 's'}${kind === 'version' ? ' (kept for reference: the policies answer these)' : ''}`,
    );
  }
  for (const [fact, value] of Object.entries(p.facts)) lines.push(`  ${fact} = ${factText(value)}  (${p.evidence[fact] ?? ''})`);
  if (p.supportedCpuidEntries !== undefined) lines.push(`  KVM_GET_SUPPORTED_CPUID entries: ${p.supportedCpuidEntries}`);
  for (const c of p.conflicts) lines.push(`  conflicting answers: ${c}`);
  return lines.join('\n');
}

function factText(value: HostProfile['facts'][keyof HostProfile['facts']]): string {
  if (typeof value !== 'object') return String(value);
  if (value.atMost === undefined) return `at least ${value.atLeast}`;
  return value.atMost === value.atLeast ? String(value.atLeast) : `${value.atLeast} to ${value.atMost}`;
}
