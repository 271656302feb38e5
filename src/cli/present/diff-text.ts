import type { Divergence, PolicyDiffReport } from '../../query/diff-policies.js';
import type { Hunk, TraceDiffReport } from '../../query/diff-traces.js';
import type { PathDifference } from '../../query/state-diff.js';
import { eventLine, sourceRef } from './event-line.js';
import { table } from './output.js';

// Text for `hvreplay diff`: the first difference in full, the rest as a summary, the way diff(1) and
// `perf kvm stat` users scan output.

export function valueText(value: unknown, width = 100): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > width ? text.slice(0, width - 3) + '...' : text;
}

export function pathLines(differences: readonly PathDifference[], omitted = 0, indent = '    '): string[] {
  const lines = differences.flatMap((d) => [`${indent}${d.path}`, `${indent}  A: ${valueText(d.a)}`, `${indent}  B: ${valueText(d.b)}`]);
  if (omitted) lines.push(`${indent}... and ${omitted} more differing paths`);
  return lines;
}

export function divergenceText(d: Divergence, full: boolean): string {
  const lines = [`@${d.seq} [${sourceRef(d.event)}]`, `  ${eventLine(d.event).trim()}`];
  if (full) {
    lines.push(d.state.length ? '  state after it differs at:' : '  states are equal after it');
    lines.push(...pathLines(d.state, d.omitted));
  } else {
    if (d.appeared.length) lines.push(`  now differs: ${d.appeared.join(', ')}`);
    if (d.resolved.length) lines.push(`  equal again: ${d.resolved.join(', ')}`);
  }
  if (d.effects.onlyA.length || d.effects.onlyB.length) {
    lines.push('  effects:');
    for (const e of d.effects.onlyA) lines.push(`    A only: ${valueText(e, 140)}`);
    for (const e of d.effects.onlyB) lines.push(`    B only: ${valueText(e, 140)}`);
  }
  return lines.join('\n');
}

export function policyDiffText(trace: string, a: string, b: string, r: PolicyDiffReport): string {
  const head = `A = ${a}\nB = ${b}\n`;
  if (!r.first) return `${head}no divergence over the ${r.events} events of '${trace}' (final state hash ${r.finalHashA})`;
  const lines = [
    head + `first divergence of '${trace}':`,
    divergenceText(r.first, true),
    '',
    `${r.divergentEvents} of ${r.events} events diverge.`,
  ];
  if (r.paths.length)
    lines.push(
      '',
      table(
        ['STATE PATH', 'FIRST', 'EVENTS'],
        r.paths.map((p) => [p.path, `@${p.firstSeq}`, p.events]),
      ),
    );
  if (r.morePaths) lines.push(`(${r.morePaths} more path differences not listed)`);
  const kinds = Object.entries(r.effectKinds);
  if (kinds.length) lines.push('', table(['EFFECT KIND', 'EVENTS'], kinds));
  lines.push(
    '',
    r.finalHashA === r.finalHashB
      ? `final states are equal (${r.finalHashA})`
      : `final state hash A ${r.finalHashA}\nfinal state hash B ${r.finalHashB}`,
  );
  return lines.join('\n');
}

export function hunkText(h: Hunk): string {
  const side = (name: string, r: Hunk['a'], first: Hunk['firstA']) =>
    r.count === 0
      ? `  ${name}: nothing`
      : `  ${name}: ${r.count} event${r.count === 1 ? '' : 's'} @${r.from}..@${r.to}, first: ${first ? eventLine(first).trim() : ''}`;
  return [side('only in A', h.a, h.firstA), side('only in B', h.b, h.firstB)].join('\n');
}

export function traceDiffText(
  nameA: string,
  nameB: string,
  r: TraceDiffReport & { finalState: PathDifference[]; hostEventsLeftOut?: { a: number; b: number } },
): string {
  const host = (n: number | undefined) => (n ? `; ${n} of the host's scheduler and other tasks left out` : '');
  const lines = [
    `A = ${nameA} (${r.eventsA} events of the run${host(r.hostEventsLeftOut?.a)})`,
    `B = ${nameB} (${r.eventsB} events of the run${host(r.hostEventsLeftOut?.b)})`,
  ];
  if (!r.first) lines.push('the event sequences match (after normalising pids, fds, times, hvsync markers and host addresses)');
  else {
    lines.push(
      '',
      'first difference:',
      hunkText(r.first),
      '',
      `${r.hunks} hunk${r.hunks === 1 ? '' : 's'}: ${r.common} events in common, ${r.onlyA} only in A, ${r.onlyB} only in B`,
    );
  }
  lines.push('', r.finalState.length ? 'final states differ at:' : 'final states match (VMs, memslots, vCPU exits, sysctls)');
  lines.push(...pathLines(r.finalState));
  return lines.join('\n');
}
