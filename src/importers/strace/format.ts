import type { TextFormat } from '../format.js';
import { createStraceParser } from './parser.js';
import { tokenizeStraceLine } from './tokenizer.js';

/** strace -f -ttt -T -y --kvm=vcpu output (and its -t/-tt, no -f, no -T/-y variants). */
export const straceFormat: TextFormat = {
  name: 'strace',
  sniff(head) {
    // The first line that is a syscall, signal or exit line decides; ftrace lines never tokenize as
    // strace because their body does not start with NAME( after an optional pid and timestamp.
    for (const line of head) {
      if (line.trim() === '' || line.startsWith('strace: ')) continue;
      const tok = tokenizeStraceLine(line);
      return tok !== undefined && tok.body.type !== 'tool_message';
    }
    return false;
  },
  createParser: createStraceParser,
};
