import type { HostFacts } from '../model/state.js';
import type { AllTracesQuery } from '../query/all-traces/summary.js';
import { EXIT } from './exit-codes.js';
import type { GlobalArgs, PolicyArgs } from './options.js';

// The --all of `conform` and `stats`: every trace of the store, summarised on worker threads
// (src/query/all-traces/). Exit 1 when a trace does not conform, 2 when one could not be answered
// (a damaged trace), as for one trace.

/** `host`: a host profile's facts (conform --host), standing in for every trace's own. */
export async function runForAllTraces(query: AllTracesQuery, args: GlobalArgs & PolicyArgs, host?: HostFacts): Promise<void> {
  const { withStoreAsync, policiesFrom } = await import('./session.js');
  const { dbPath } = await import('../store/open.js');
  const { policyIds } = await import('./policy-args.js');
  const { summariseAll } = await import('../query/all-traces/run.js');
  const { allTracesText } = await import('./present/all-traces-text.js');
  const { emit } = await import('./present/output.js');
  const ids = policyIds(args);
  const policies = policiesFrom(args).key;
  const summaries = await withStoreAsync(args, 'read', (db) => summariseAll(db, dbPath(args.db), query, ids, host ? { host } : {}));
  emit(args.json, { policies, traces: summaries }, (d) => allTracesText(d.traces, d.policies));
  if (summaries.some((s) => 'error' in s)) process.exitCode = EXIT.usage;
  else if (summaries.some((s) => 'mismatches' in s && s.mismatches > 0)) process.exitCode = EXIT.negative;
}
