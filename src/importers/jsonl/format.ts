import { isEventKind, type NewEvent } from '../../model/event.js';
import type { LineParser, ParserContext, TextFormat } from '../format.js';
import { eventProblem } from './check.js';

// JSON Lines: one event per line in the shape `hvreplay log --json` prints, so a trace can leave
// one store, pass through jq, and come back.

function createParser(ctx: ParserContext): LineParser {
  return {
    line(text, lineNo) {
      if (text.trim() === '') {
        ctx.stats.count('jsonl.blank_line');
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        ctx.stats.problem('jsonl.bad_json', ctx.file, lineNo, (error as Error).message, text);
        return;
      }
      const e = value as Partial<NewEvent> & { src?: unknown; seq?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.kind !== 'string' || !isEventKind(e.kind) || typeof e.name !== 'string') {
        ctx.stats.problem('jsonl.not_an_event', ctx.file, lineNo, 'expected an object with a known "kind" and a "name"', text);
        return;
      }
      const problem = eventProblem(e as Record<string, unknown>);
      if (problem) {
        ctx.stats.problem('jsonl.bad_field', ctx.file, lineNo, problem, text);
        return;
      }
      const { seq: _seq, src: _src, ...event } = e;
      ctx.emit({ ...(event as NewEvent), args: e.args ?? {}, src: { file: ctx.file, line: lineNo } });
    },
    end() {},
  };
}

export const jsonlFormat: TextFormat = {
  name: 'jsonl',
  sniff: (head) => head.length > 0 && head[0]!.trimStart().startsWith('{'),
  createParser,
};
