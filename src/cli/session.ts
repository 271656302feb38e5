import type { PolicySet } from '../engine/policy/policy-set.js';
import { resolvePolicies } from '../engine/policy/registry.js';
import { importScenario, isScenarioPath } from '../importers/import.js';
import { dbPath, openStore, storeFailure, type StoreMode } from '../store/open.js';
import type { SqlDatabase } from '../store/sql.js';
import { getTrace, type TraceRecord } from '../store/traces.js';
import type { GlobalArgs, PolicyArgs } from './options.js';
import { policyIds } from './policy-args.js';

// What most command handlers start with: the store, the trace they were given, the policies.

/**
 * Reading commands open the store for reading only (nothing created or migrated), unless one of their
 * traces is a scenario file, which they import first.
 */
export function modeFor(...refs: (string | undefined)[]): StoreMode {
  return refs.some((ref) => ref !== undefined && isScenarioPath(ref)) ? 'write' : 'read';
}

function open(args: GlobalArgs, mode: StoreMode): { path: string; db: SqlDatabase } {
  const path = dbPath(args.db);
  return { path, db: openStore(path, { mode, ...(args.wait !== undefined ? { waitSeconds: args.wait } : {}) }) };
}

export function withStore<T>(args: GlobalArgs, mode: StoreMode, work: (db: SqlDatabase) => T): T {
  const { path, db } = open(args, mode);
  try {
    return work(db);
  } catch (error) {
    throw storeFailure(path, error) ?? error;
  } finally {
    db.close();
  }
}

export async function withStoreAsync<T>(args: GlobalArgs, mode: StoreMode, work: (db: SqlDatabase) => Promise<T>): Promise<T> {
  const { path, db } = open(args, mode);
  try {
    return await work(db);
  } catch (error) {
    throw storeFailure(path, error) ?? error;
  } finally {
    db.close();
  }
}

/** A trace by name (or `#ID`); a scenario path is imported first, or reused when unchanged. */
export function openTrace(db: SqlDatabase, ref: string): TraceRecord {
  if (isScenarioPath(ref)) return importScenario(db, ref, { fromReadCommand: true }).trace;
  return getTrace(db, ref);
}

/** The run's policies from --policy, --kernel and --xen (src/cli/policy-args.ts). */
export function policiesFrom(args: PolicyArgs): PolicySet {
  return resolvePolicies(policyIds(args));
}
