import { eventKey, UNDECODED, type NewEvent } from '../model/event.js';
import { argsSchemaOf } from '../engine/policy/vocabulary.js';
import type { ImportStats } from './stats.js';

// The boundary between importers and the store: an event whose key the vocabulary declares must carry
// the args its schema says, in canonical form, or the reducers could read something no importer gave
// them. Two ways to fall short:
//   - the source printed the argument undecoded (strace shows a struct as its address when it cannot
//     read it): the call happened and keeps its kind, marked UNDECODED so that no reducer sees it, and
//     the import counts it as a finding;
//   - the args are wrong: a problem with its file:line, and the event is kept as a generic one.

export const VOCABULARY_STATS = { badArgs: 'vocabulary.bad_args', undecoded: 'vocabulary.undecoded_args' } as const;

export function checkEvent(event: NewEvent, stats: ImportStats, file: string): NewEvent {
  const schema = argsSchemaOf(event.kind, event.name, 'importer');
  if (!schema) return event;
  const parsed = schema.safeParse(event.args);
  if (parsed.success) {
    event.args = parsed.data as NewEvent['args'];
    return event;
  }
  const issue = parsed.error.issues[0]!;
  const where = event.src ?? { file, line: 0 };
  const why = `${eventKey(event)}: args${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`;
  if (typeof event.args.raw === 'string') {
    stats.finding(VOCABULARY_STATS.undecoded, where.file, where.line, `${why}; the source printed the argument undecoded`, event.args.raw);
    return { ...event, args: { ...event.args, [UNDECODED]: true } };
  }
  stats.problem(VOCABULARY_STATS.badArgs, where.file, where.line, why, JSON.stringify(event.args));
  return { ...event, kind: 'generic', args: { ...event.args, kind: event.kind } };
}
