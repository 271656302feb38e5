import type { TraceEvent } from '../../model/event.js';
import { eventLine, sourceRef } from '../present/event-line.js';
import { valueText } from '../present/diff-text.js';
import type { Located } from './scan.js';

// The debugger's lines: the position first (`@N`), then the event as `hvreplay log` prints it.

/** `hvreplay log`'s line for the event, without its seq (the position says it). */
export function eventText(event: TraceEvent): string {
  return eventLine(event).trimStart().slice(String(event.seq).length).trimStart();
}

export function positionLine(here: Located): string {
  return `@${here.step.event.seq}  ${eventText(here.step.event)}`;
}

export function whereLines(here: Located, last: number): string[] {
  const { event, effects } = here.step;
  const lines = [`@${event.seq} of 0..${last}`, `  ${eventText(event)}`, `  source: ${sourceRef(event)}`];
  if (effects.length === 0) lines.push('  effects: none');
  for (const e of effects) lines.push(`  effect: ${valueText(e, 200)}`);
  return lines;
}
