import type { TraceSummary } from '../../query/all-traces/summary.js';
import { table } from './output.js';

// `conform --all` and `stats --all` as text: one row per trace, then the totals.

export function allTracesText(summaries: readonly TraceSummary[], policies: string): string {
  const failed = summaries.filter((s) => 'error' in s);
  const lines: string[] = [];
  const conform = summaries.filter((s) => s.query === 'conform' && !('error' in s));
  const stats = summaries.filter((s) => s.query === 'stats' && !('error' in s));
  if (conform.length) {
    const rows = conform.map((s) => ('matches' in s ? [s.trace, s.events, s.matches, s.mismatches, s.first ?? ''] : []));
    const mismatched = conform.filter((s) => 'mismatches' in s && s.mismatches > 0).length;
    lines.push(
      `conform --all under ${policies}: ${conform.length} trace${conform.length === 1 ? '' : 's'}, ${mismatched} with mismatches`,
      table(['TRACE', 'EVENTS', 'MATCHES', 'MISMATCHES', 'FIRST MISMATCH'], rows),
    );
  }
  if (stats.length) {
    const rows = stats.map((s) =>
      'userspaceExits' in s
        ? [s.trace, s.events, s.userspaceExits, s.kernelExits, s.ioctls, s.topReasons.map(([r, n]) => `${r} ${n}`).join(', ')]
        : [],
    );
    lines.push(
      `stats --all under ${policies}: ${stats.length} trace${stats.length === 1 ? '' : 's'}`,
      table(['TRACE', 'EVENTS', 'USERSPACE EXITS', 'KERNEL EXITS', 'IOCTLS', 'COMMONEST EXITS'], rows),
    );
  }
  if (failed.length) lines.push('not answered:', ...failed.map((s) => `  ${s.trace}: ${'error' in s ? s.error : ''}`));
  return lines.join('\n');
}
