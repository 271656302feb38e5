import type { PolicySet } from '../engine/policy/policy-set.js';
import { resolvePolicies } from '../engine/policy/registry.js';
import { importScenario, isScenarioPath } from '../importers/import.js';
import { dbPath, openStore, storeFailure } from '../store/open.js';
import type { SqlDatabase } from '../store/sql.js';
import { getTrace, type TraceRecord } from '../store/traces.js';
import type { GlobalArgs, PolicyArgs } from './options.js';
import { policyIds } from './policy-args.js';

// What most command handlers start with: the store, the trace they were given, the policies.

export function withStore<T>(args: GlobalArgs, work: (db: SqlDatabase) => T): T {
  const path = dbPath(args.db);
  const db = openStore(path);
  try {
    return work(db);
  } catch (error) {
    throw storeFailure(path, error) ?? error;
  } finally {
    db.close();
  }
}

export async function withStoreAsync<T>(args: GlobalArgs, work: (db: SqlDatabase) => Promise<T>): Promise<T> {
  const path = dbPath(args.db);
  const db = openStore(path);
  try {
    return await work(db);
  } catch (error) {
    throw storeFailure(path, error) ?? error;
  } finally {
    db.close();
  }
}

/** A trace by name or id; a scenario path is imported first, or reused when unchanged. */
export function openTrace(db: SqlDatabase, ref: string): TraceRecord {
  if (isScenarioPath(ref)) return importScenario(db, ref).trace;
  return getTrace(db, ref);
}

/** The run's policies from --policy, --kernel and --xen (src/cli/policy-args.ts). */
export function policiesFrom(args: PolicyArgs): PolicySet {
  return resolvePolicies(policyIds(args));
}
