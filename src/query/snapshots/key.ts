import { allPolicies, policyKey, type AreaId, type Policies } from '../../engine/policy/registry.js';
import { engineFingerprint } from '../../engine/fingerprint.js';
import type { SnapshotKey } from '../../store/snapshots.js';
import type { TraceRecord } from '../../store/traces.js';

/**
 * The key snapshots of this replay are stored under, or undefined when they must not be stored: a
 * policy object that is not the registered one of its id (a test's modified copy, a library user's
 * own variant) would otherwise share the registered policy's snapshots under the same id.
 */
export function snapshotKey(trace: TraceRecord, policies: Policies, engine = engineFingerprint()): SnapshotKey | undefined {
  const registered = new Set<unknown>(allPolicies());
  for (const area of Object.keys(policies) as AreaId[]) if (!registered.has(policies[area])) return undefined;
  return { traceId: trace.id, policyKey: policyKey(policies), engine };
}
