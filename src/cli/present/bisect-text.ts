import type { BisectResult } from '../../query/bisect.js';
import type { TraceEvent } from '../../model/event.js';
import { eventLine, sourceRef } from './event-line.js';

// What `hvreplay bisect` prints: where the predicate first held, with its neighbours, as git bisect
// names the first bad commit, then the probes and how many states were rebuilt.

export interface BisectReport extends BisectResult {
  trace: string;
  events: number;
  rebuilt: number;
  bound: number;
  snapshotsBuilt: boolean;
  neighbours: TraceEvent[];
}

export function bisectText(d: BisectReport): string {
  const lines: string[] = [];
  if (d.outcome === 'never')
    lines.push(
      `the predicate does not hold after the last event (@${d.events - 1}); bisect assumes that once it holds it keeps holding, so a condition true only for a while is not found this way`,
    );
  if (d.outcome === 'ambiguous') lines.push(`skipped probes leave it open: the first bad event is one of @${d.from}..@${d.to}`);
  if (d.outcome === 'found' && d.seq !== undefined) {
    const seq = d.seq;
    const at = d.neighbours.find((e) => e.seq === seq)!;
    lines.push(`first bad event: @${seq} [${sourceRef(at)}]${seq === 0 ? ' (it holds from the first event)' : ''}`);
    for (const e of d.neighbours)
      lines.push(
        `${e.seq === seq ? '=>' : '  '} ${eventLine(e).trim()}${e.seq === seq - 1 ? '   (good)' : e.seq === seq ? '   (bad)' : ''}`,
      );
    if (d.notMonotone)
      lines.push(
        `warning: not monotone: bad at @${d.notMonotone.badAt} but good again at @${d.notMonotone.goodAt}; this is a first bad event, maybe not the only boundary`,
      );
  }
  const shown = d.probes.slice(0, 20).map((p) => `@${p.seq} ${p.verdict}`);
  if (d.probes.length > 20) shown.push(`... ${d.probes.length - 20} more (--json lists them)`);
  lines.push(`probes: ${shown.join(', ')}`);
  const skipped = d.probes.filter((p) => p.verdict === 'skip').length;
  const bound = skipped
    ? `the bound ceil(log2 ${d.events}) + 2 = ${d.bound} holds without skips; ${skipped} probe${skipped === 1 ? ' was' : 's were'} skipped`
    : `bound ceil(log2 ${d.events}) + 2 = ${d.bound}`;
  lines.push(`${d.rebuilt} states rebuilt (${bound})${d.snapshotsBuilt ? '; snapshots were built first' : ''}`);
  return lines.join('\n');
}
