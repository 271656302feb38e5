import type { ProblemKind } from '../../importers/stats.js';
import { table } from './output.js';

// An import's problems as a person reads them: one row per kind, with how many and the first one.
// Every problem is stored with the trace (`import --json` lists them; sqlite3: the import_problems view).

export function problemSummaryLines(kinds: readonly ProblemKind[]): string[] {
  if (kinds.length === 0) return [];
  const total = kinds.reduce((n, k) => n + k.count, 0);
  const rows = kinds.map((k) => [k.stat, k.severity, k.count, `${k.first.file}:${k.first.line}: ${k.first.message}`]);
  return [
    `problems: ${total}, all stored with the trace (--json lists them; sqlite3: SELECT * FROM import_problems):`,
    ...table(['KIND', 'SEVERITY', 'COUNT', 'FIRST'], rows)
      .split('\n')
      .map((l) => `  ${l}`),
  ];
}
