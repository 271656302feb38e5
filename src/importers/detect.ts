// Which text format a file is in, from its first lines. Order matters: ftrace first (its `#` header
// and `cpus=N` are unambiguous), then strace; JSON Lines is a line starting with `{`. Scenario YAML
// is left to its own importer (undefined here).
import type { FormatName } from './format.js';
import { ftraceFormat } from './ftrace/format.js';
import { straceFormat } from './strace/format.js';

export function detectFormat(head: string[]): FormatName | undefined {
  if (ftraceFormat.sniff(head)) return 'ftrace';
  if (straceFormat.sniff(head)) return 'strace';
  const first = head.find((l) => l.trim() !== '');
  if (first !== undefined && first.trimStart().startsWith('{')) return 'jsonl';
  return undefined;
}
