import { eventKey, type NewEvent } from '../model/event.js';
import { argsSchema } from '../engine/policy/vocabulary.js';
import type { ImportStats } from './stats.js';

// The boundary between importers and the store: an event whose key the vocabulary declares must carry
// the args its schema says, in canonical form, or the reducers could read something no importer gave
// them. One that does not is counted as a problem with its file:line and kept as a generic event with
// what the importer made of it, so nothing vanishes and no reducer sees it.

export const VOCABULARY_STATS = { badArgs: 'vocabulary.bad_args' } as const;

export function checkEvent(event: NewEvent, stats: ImportStats, file: string): NewEvent {
  const schema = argsSchema(eventKey(event), 'importer');
  if (!schema) return event;
  const parsed = schema.safeParse(event.args);
  if (parsed.success) {
    event.args = parsed.data as NewEvent['args'];
    return event;
  }
  const issue = parsed.error.issues[0]!;
  const where = event.src ?? { file, line: 0 };
  stats.problem(
    VOCABULARY_STATS.badArgs,
    where.file,
    where.line,
    `${eventKey(event)}: args${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
    JSON.stringify(event.args),
  );
  return { ...event, kind: 'generic', args: { ...event.args, kind: event.kind } };
}
