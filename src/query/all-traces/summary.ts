import { resolvePolicies } from '../../engine/policy/registry.js';
import type { HostFacts } from '../../model/state.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { conformTrace } from '../conform/conform.js';
import { traceStats } from '../stats/trace-stats.js';

// One trace's line in `conform --all` and `stats --all`: the single-trace query, run as it is, cut to
// a summary small enough to send from a worker thread and to print as one row of a table.

export type AllTracesQuery = 'conform' | 'stats';

export interface ConformSummary {
  query: 'conform';
  trace: string;
  events: number;
  matches: number;
  mismatches: number;
  /** The first mismatch, as `@SEQ what: predicted P, observed O`. */
  first: string | null;
}

export interface StatsSummary {
  query: 'stats';
  trace: string;
  events: number;
  /** Exits to userspace and in the kernel, as `stats` counts them. */
  userspaceExits: number;
  kernelExits: number;
  /** The commonest exit reasons, most first, with their counts. */
  topReasons: [string, number][];
  ioctls: number;
}

/** A trace that could not be answered for (damage, say): its error, so that the others still are. */
export interface FailedSummary {
  query: AllTracesQuery;
  trace: string;
  error: string;
}

export type TraceSummary = ConformSummary | StatsSummary | FailedSummary;

/** `host`: a host profile's facts, standing in for each trace's own (conform --host). */
export function summarise(
  db: SqlDatabase,
  trace: TraceRecord,
  query: AllTracesQuery,
  policyIds: readonly string[],
  host?: HostFacts,
): TraceSummary {
  const policies = resolvePolicies(policyIds);
  try {
    if (query === 'conform') {
      const r = conformTrace(db, trace, policies, host);
      const m = r.mismatches[0];
      return {
        query,
        trace: trace.name,
        events: r.events,
        matches: r.matches,
        mismatches: r.mismatches.length,
        first: m ? `@${m.seq} ${m.what}: predicted ${m.predicted}, observed ${m.observed}` : null,
      };
    }
    const s = traceStats(db, trace, policies);
    const count = (level: string) => s.exitsByReason.filter((r) => r.level === level).reduce((n, r) => n + r.count, 0);
    return {
      query,
      trace: trace.name,
      events: s.window.events,
      userspaceExits: count('userspace'),
      kernelExits: count('kernel'),
      topReasons: s.exitsByReason.slice(0, 3).map((r) => [r.reason ?? '?', r.count]),
      ioctls: s.ioctls.reduce((n, r) => n + r.calls, 0),
    };
  } catch (error) {
    return { query, trace: trace.name, error: (error as Error).message };
  }
}
