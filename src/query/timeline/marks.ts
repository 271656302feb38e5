import type { PolicySet } from '../../engine/policy/policy-set.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { bisectTrace, predicateOracle } from '../bisect.js';
import { conformTrace } from '../conform/conform.js';
import { diffTracePolicies } from '../diff-stored.js';
import { compilePredicate } from '../predicate.js';
import { Seeker } from '../seek.js';
import type { Fields } from './items.js';

// What other commands found in a trace, as marks at the events where they found it, for a timeline to
// show beside the replay: conform's mismatches, bisect's first bad event, where two policy sets part.
// Each is that command's own query, run first; only the positions and a line about each are kept.

export interface Mark {
  seq: number;
  source: 'conform' | 'bisect' | 'diff';
  name: string;
  fields: Fields;
}

export interface MarkRequest {
  /** Mark every prediction the kernel disagreed with. */
  conform?: boolean;
  /** Mark the first event after which this predicate (bisect --when) holds. */
  bisect?: string;
  /** Mark every event where the replay's policies and these part (diff --policy A --policy B). */
  diff?: PolicySet;
}

export function collectMarks(db: SqlDatabase, trace: TraceRecord, policies: PolicySet, request: MarkRequest): Map<number, Mark[]> {
  const marks = new Map<number, Mark[]>();
  const add = (mark: Mark) => marks.set(mark.seq, [...(marks.get(mark.seq) ?? []), mark]);
  if (request.conform) {
    for (const m of conformTrace(db, trace, policies).mismatches)
      add({
        seq: m.seq,
        source: 'conform',
        name: `conform: ${m.what} predicted ${m.predicted}, observed ${m.observed}`,
        fields: { predicted: m.predicted, observed: m.observed, ...(m.predictedAt !== undefined ? { predictedAt: m.predictedAt } : {}) },
      });
  }
  if (request.bisect !== undefined && trace.eventCount > 0) {
    const seeker = new Seeker(db, trace, policies);
    const result = bisectTrace(seeker, predicateOracle(seeker, compilePredicate(request.bisect)));
    if (result.seq !== undefined)
      add({
        seq: result.seq,
        source: 'bisect',
        name: `bisect: first bad event`,
        fields: { when: request.bisect, probes: result.probes.length },
      });
  }
  if (request.diff) {
    const b = request.diff;
    diffTracePolicies(db, trace, policies, b, {
      pathLimit: 20,
      onDivergence: (d) =>
        add({
          seq: d.seq,
          source: 'diff',
          name: `diff: policies part`,
          fields: {
            a: policies.key,
            b: b.key,
            ...(d.appeared.length ? { appeared: d.appeared.join(' ') } : {}),
            ...(d.resolved.length ? { resolved: d.resolved.join(' ') } : {}),
            ...(d.effects.onlyA.length ? { onlyA: JSON.stringify(d.effects.onlyA) } : {}),
            ...(d.effects.onlyB.length ? { onlyB: JSON.stringify(d.effects.onlyB) } : {}),
          },
        }),
    });
  }
  return marks;
}
