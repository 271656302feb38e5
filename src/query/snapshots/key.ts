import { allPolicies } from '../../engine/policy/registry.js';
import type { PolicySet } from '../../engine/policy/policy-set.js';
import { engineFingerprint } from '../../engine/fingerprint.js';
import type { SnapshotKey } from '../../store/snapshots.js';
import type { TraceRecord } from '../../store/traces.js';

/**
 * The key snapshots of this replay are stored under, or undefined when they must not be stored. The
 * set's key names each policy; a user's file adds its content hash, so a changed file gets new
 * snapshots. A policy made in code, or a modified copy of a registered one, has nothing that would
 * tell its snapshots apart from another's under the same id, so it gets none.
 */
export function snapshotKey(trace: TraceRecord, policies: PolicySet, engine = engineFingerprint()): SnapshotKey | undefined {
  const registered = new Set<unknown>(allPolicies());
  for (const policy of policies.policies) if (!registered.has(policy) && !('file' in policy.origin)) return undefined;
  return { traceId: trace.id, policyKey: policies.key, engine };
}
