// Perfetto's trace_processor model: a line that cannot be used is counted under a named statistic and
// remembered with its file:line, never silently skipped. Whole-import failures are thrown instead.

export interface ImportProblem {
  stat: string;
  file: string;
  line: number;
  message: string;
  text: string;
}

/** How many problems are kept verbatim; the rest are only counted, so memory stays bounded. */
const KEPT_PROBLEMS = 200;

export class ImportStats {
  readonly counts = new Map<string, number>();
  readonly problems: ImportProblem[] = [];

  count(stat: string, n = 1): void {
    this.counts.set(stat, (this.counts.get(stat) ?? 0) + n);
  }

  problem(stat: string, file: string, line: number, message: string, text: string): void {
    this.count(stat);
    if (this.problems.length < KEPT_PROBLEMS) this.problems.push({ stat, file, line, message, text });
  }

  toJSON(): { counts: Record<string, number>; problems: ImportProblem[] } {
    return { counts: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))), problems: this.problems };
  }
}
