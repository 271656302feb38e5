// Coverage: of what the trace observed, how much the active policies predicted, and how much of that
// matched. One row per kind of observation, and the same figures per event name.

export interface CoverageRow {
  /** Observations of this kind in the trace. */
  observed: number;
  matched: number;
  mismatched: number;
  /** Observed, and no active policy predicted them. */
  unpredicted: number;
}

/** The kinds conform reports, in the order it prints them. */
export const COVERAGE_KINDS = ['KVM_RUN exit', 'exit port/gpa', 'ioctl result', 'syscall result'] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];

export type Coverage = Record<CoverageKind, CoverageRow>;

export const emptyRow = (): CoverageRow => ({ observed: 0, matched: 0, mismatched: 0, unpredicted: 0 });

export function emptyCoverage(): Coverage {
  return { 'KVM_RUN exit': emptyRow(), 'exit port/gpa': emptyRow(), 'ioctl result': emptyRow(), 'syscall result': emptyRow() };
}

export type Verdict = 'matched' | 'mismatched' | 'unpredicted';

export function count(row: CoverageRow, verdict: Verdict): void {
  row.observed++;
  row[verdict]++;
}

/** Predicted = matched + mismatched: the share of what was observed that the model put to the test. */
export function predictedShare(row: CoverageRow): number {
  return row.observed === 0 ? 1 : (row.matched + row.mismatched) / row.observed;
}
