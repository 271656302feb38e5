import type { TextFormat } from '../format.js';
import { createFtraceParser, isFtraceHeader } from './parser.js';
import { tokenizeFtraceLine } from './tokenizer.js';

/** tracefs `trace` / `trace_pipe` text and `trace-cmd report` output. */
export const ftraceFormat: TextFormat = {
  name: 'ftrace',
  sniff(head) {
    for (const line of head) {
      if (line.trim() === '') continue;
      if (line.startsWith('# tracer:') || /^cpus=\d+$/.test(line)) return true;
      if (isFtraceHeader(line)) continue;
      return tokenizeFtraceLine(line) !== undefined;
    }
    return false;
  },
  createParser: createFtraceParser,
};
