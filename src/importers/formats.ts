import type { FormatName, TextFormat } from './format.js';
import { ftraceFormat } from './ftrace/format.js';
import { jsonlFormat } from './jsonl/format.js';
import { straceFormat } from './strace/format.js';

/**
 * Line-oriented formats, in the order detection tries them: ftrace first (its `#` header and
 * `cpus=N` are unambiguous), then strace, then JSON Lines.
 */
export const TEXT_FORMATS: readonly TextFormat[] = [ftraceFormat, straceFormat, jsonlFormat];

export function textFormat(name: FormatName): TextFormat | undefined {
  return TEXT_FORMATS.find((f) => f.name === name);
}

export function sniffFormat(head: readonly string[]): TextFormat | undefined {
  return TEXT_FORMATS.find((f) => f.sniff(head));
}
