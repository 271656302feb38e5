// Perfetto's trace_processor model: a line that cannot be used is counted under a named statistic and
// remembered with its file:line, never silently skipped. Whole-import failures are thrown instead.
// Every problem goes to `onProblem` (an import stores them all, src/store/trace-writer.ts); memory
// keeps the first few for messages, and a summary by kind.

import type { ProblemRecord } from '../store/traces.js';
import { IMPORT_STATS, type StatName, type StatSeverity } from './stat-registry.js';

/** A problem as the store keeps it: a line that could not be read, or a finding about the trace. */
export type ImportProblem = ProblemRecord;

/** Per kind of problem: how many, and the first one's place and words. */
export interface ProblemKind {
  stat: string;
  severity: StatSeverity;
  /** What the statistic means (src/importers/stat-registry.ts). */
  description: string;
  finding: boolean;
  count: number;
  first: { file: string; line: number; message: string };
}

/** Problems kept in memory for messages; all of them go to `onProblem`. */
const KEPT_PROBLEMS = 200;
/** ...and how much of each line: enough to recognise it, never a megabyte of a garbled one. */
const KEPT_TEXT = 240;

function kept(text: string): string {
  return text.length > KEPT_TEXT ? `${text.slice(0, KEPT_TEXT)}... (${text.length} characters)` : text;
}

export class ImportStats {
  readonly counts = new Map<string, number>();
  readonly problems: ImportProblem[] = [];
  private readonly kinds = new Map<string, ProblemKind>();
  /** Hears every problem, however many; an import stores them with its trace. */
  onProblem: ((problem: ImportProblem) => void) | undefined;

  count(stat: StatName, n = 1): void {
    this.counts.set(stat, (this.counts.get(stat) ?? 0) + n);
  }

  /** Input the parser could not read: the line is not in the trace, or only as a generic event. */
  problem(stat: StatName, file: string, line: number, message: string, text: string): void {
    this.add({ stat, file, line, message, text: kept(text) });
  }

  /** Something about the trace worth a file:line that is not bad input; the event is kept. */
  finding(stat: StatName, file: string, line: number, message: string, text: string): void {
    this.add({ stat, file, line, message, text: kept(text), finding: true });
  }

  /** A problem counted elsewhere (an import's parsing thread), as it was kept there. */
  record(p: ImportProblem): void {
    this.add(p);
  }

  private add(p: ImportProblem): void {
    if (!p.finding) {
      if (IMPORT_STATS[p.stat as StatName].keptAsGeneric) this.keptAsGeneric++;
      else this.unreadable++;
    }
    this.count(p.stat as StatName);
    if (this.problems.length < KEPT_PROBLEMS) this.problems.push(p);
    const kind = this.kinds.get(p.stat);
    if (kind) kind.count++;
    else
      this.kinds.set(p.stat, {
        stat: p.stat,
        ...IMPORT_STATS[p.stat as StatName],
        finding: p.finding === true,
        count: 1,
        first: { file: p.file, line: p.line, message: p.message },
      });
    this.onProblem?.(p);
  }

  /** How many lines could not be read and are not in the trace, however many problems are kept. */
  unreadable = 0;
  /** How many were read only in part: in the trace as generic events that no reducer reads. */
  keptAsGeneric = 0;

  /** Every problem counted, also those not kept in memory. */
  get problemCount(): number {
    let n = 0;
    for (const k of this.kinds.values()) n += k.count;
    return n;
  }

  /** Kinds of problem, the most frequent first. */
  summary(): ProblemKind[] {
    return [...this.kinds.values()].sort((a, b) => b.count - a.count || a.stat.localeCompare(b.stat));
  }

  /** What `traces.stats` keeps: the counts and the kinds of problem (the problems themselves are in their table). */
  toJSON(): { counts: Record<string, number>; problemKinds: ProblemKind[] } {
    return { counts: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))), problemKinds: this.summary() };
  }
}

/** How many lines could not be read, and how many only in part, in words. */
export function unreadLines(stats: ImportStats): string {
  const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (stats.unreadable > 0)
    parts.push(`${lines(stats.unreadable)} could not be read and ${stats.unreadable === 1 ? 'is' : 'are'} not in the trace`);
  if (stats.keptAsGeneric > 0)
    parts.push(
      `${lines(stats.keptAsGeneric)} could be read only in part and ${stats.keptAsGeneric === 1 ? 'is' : 'are'} kept as generic events`,
    );
  return parts.join('; ');
}
