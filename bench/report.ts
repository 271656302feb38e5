// One row per figure: what was measured, against which baseline run alongside, and the target.

export interface BenchRow {
  workload: string;
  /** What the value is, e.g. "seconds", "peak RSS MB". */
  measure: string;
  value: number | undefined;
  baselineName: string;
  baseline: number | undefined;
  /** value / baseline, when both exist. */
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
  /** Why a workload was skipped, or what else a reader should know. */
  note?: string;
}

export function row(r: Omit<BenchRow, 'ratio'> & { ratio?: number }): BenchRow {
  const ratio = r.ratio ?? (r.value !== undefined && r.baseline !== undefined && r.baseline > 0 ? r.value / r.baseline : undefined);
  return { ...r, ratio };
}

export function skipped(workload: string, target: string, note: string): BenchRow {
  return {
    workload,
    measure: '-',
    value: undefined,
    baselineName: '-',
    baseline: undefined,
    ratio: undefined,
    target,
    met: undefined,
    note,
  };
}

const fmt = (x: number | undefined, digits = 3) =>
  x === undefined ? '-' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(digits);

export function renderTable(rows: readonly BenchRow[]): string {
  const head = ['WORKLOAD', 'MEASURE', 'VALUE', 'BASELINE', 'BASE VALUE', 'RATIO', 'TARGET', 'MET'];
  const body = rows.map((r) => [
    r.workload,
    r.measure,
    fmt(r.value),
    r.baselineName,
    fmt(r.baseline),
    r.ratio === undefined
      ? '-'
      : r.ratio > 0 && r.ratio < 0.01
        ? `1/${Math.round(1 / r.ratio).toLocaleString('en-US')}`
        : `${r.ratio.toFixed(3)}x`,
    r.target,
    r.met === undefined ? 'skip' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.workload}: ${r.note}`);
  return [line(head), ...body.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
