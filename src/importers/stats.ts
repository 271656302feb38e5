// Perfetto's trace_processor model: a line that cannot be used is counted under a named statistic and
// remembered with its file:line, never silently skipped. Whole-import failures are thrown instead.

export interface ImportProblem {
  stat: string;
  /** A fact about the trace (an event outside its KVM_RUN, a call cut off by the end), not input the parser could not read. */
  finding?: boolean;
  file: string;
  line: number;
  message: string;
  text: string;
}

/** How many problems are kept verbatim; the rest are only counted, so memory stays bounded. */
const KEPT_PROBLEMS = 200;
/** ...and how much of each line: enough to recognise it, never a megabyte of a garbled one. */
const KEPT_TEXT = 240;

function kept(text: string): string {
  return text.length > KEPT_TEXT ? `${text.slice(0, KEPT_TEXT)}... (${text.length} characters)` : text;
}

export class ImportStats {
  readonly counts = new Map<string, number>();
  readonly problems: ImportProblem[] = [];

  count(stat: string, n = 1): void {
    this.counts.set(stat, (this.counts.get(stat) ?? 0) + n);
  }

  /** Input the parser could not read: the line is not in the trace. */
  problem(stat: string, file: string, line: number, message: string, text: string): void {
    this.count(stat);
    this.unreadable++;
    if (this.problems.length < KEPT_PROBLEMS) this.problems.push({ stat, file, line, message, text: kept(text) });
  }

  /** Something about the trace worth a file:line that is not bad input; the event is kept. */
  finding(stat: string, file: string, line: number, message: string, text: string): void {
    this.count(stat);
    if (this.problems.length < KEPT_PROBLEMS) this.problems.push({ stat, file, line, message, text: kept(text), finding: true });
  }

  /** How many lines could not be read, all of them, however many problems are kept. */
  unreadable = 0;

  toJSON(): { counts: Record<string, number>; problems: ImportProblem[] } {
    return { counts: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))), problems: this.problems };
  }
}
