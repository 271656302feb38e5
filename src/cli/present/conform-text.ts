import type { ConformReport } from '../../query/conform/conform.js';
import { COVERAGE_KINDS, predictedShare } from '../../query/conform/tally.js';
import { table } from './output.js';

// conform's report as a person reads it: the coverage table (what the trace observed, how much of it
// the policies predicted, how much matched), the mismatches with where they came from, then what was
// predicted and what was not, call by call.

export interface MismatchLine {
  seq: number;
  what: string;
  predicted: string;
  observed: string;
  predictedAt?: number;
  line: string;
  source: string;
}

export type ConformData = Omit<ConformReport, 'mismatches'> & { mismatchCount: number; mismatches: MismatchLine[] };

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

export function coverageTable(d: Pick<ConformReport, 'coverage' | 'exitsInFull'>): string {
  const rows = COVERAGE_KINDS.map((kind) => {
    const r = d.coverage[kind];
    return [
      kind,
      r.observed,
      r.matched + r.mismatched,
      r.observed ? percent(predictedShare(r)) : '-',
      r.matched,
      r.mismatched,
      r.unpredicted,
    ];
  });
  const exits = d.coverage['KVM_RUN exit'];
  const full = exits.observed ? percent(d.exitsInFull / exits.observed) : '-';
  rows.push(['exit in full', exits.observed, d.exitsInFull, full, d.exitsInFull, '', exits.observed - d.exitsInFull]);
  return table(['KIND', 'OBSERVED', 'PREDICTED', 'SHARE', 'MATCHED', 'MISMATCHED', 'UNPREDICTED'], rows);
}

export function conformText(d: ConformData): string {
  const lines = [
    `conform '${d.trace}' under ${d.policies}: ${d.events} events, ${d.matches} predictions match, ${d.mismatchCount} mismatch${d.mismatchCount === 1 ? '' : 'es'}`,
    'coverage:',
    coverageTable(d).replace(/^/gm, '  '),
  ];
  const notes: string[] = [];
  if (d.exitsMatchedOneOf)
    notes.push(`${d.exitsMatchedOneOf} exits matched one of several predicted reasons (kvm_run inputs no trace shows)`);
  for (const [basis, n] of Object.entries(d.exitBases)) notes.push(`${n} exit predictions rest on ${basis}`);
  if (notes.length) lines.push(...notes.map((n) => `  ${n}`));
  if (d.mismatches.length) lines.push('mismatches (predicted, observed):');
  for (const m of d.mismatches) {
    lines.push(
      `  @${m.seq} ${m.what}: predicted ${m.predicted}, observed ${m.observed}${m.predictedAt !== undefined ? ` (predicted at @${m.predictedAt})` : ''}`,
    );
    lines.push(`      ${m.line}  [${m.source}]`);
  }
  const byCall = Object.entries(d.matchesBy).sort(([, a], [, b]) => b - a);
  if (byCall.length) lines.push('predicted and observed alike:', table(['PREDICTION', 'MATCHES'], byCall).replace(/^/gm, '  '));
  const unpredicted = Object.entries(d.notPredicted).sort(([a], [b]) => a.localeCompare(b));
  if (unpredicted.length)
    lines.push('observed, not predicted by the active policies:', table(['OBSERVATION', 'COUNT'], unpredicted).replace(/^/gm, '  '));
  const unobserved = Object.entries(d.unobserved).sort(([a], [b]) => a.localeCompare(b));
  if (unobserved.length)
    lines.push('predicted, nothing observed to compare:', table(['PREDICTION', 'COUNT'], unobserved).replace(/^/gm, '  '));
  return lines.join('\n');
}
