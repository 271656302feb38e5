import type { FormatName, TextFormat } from './format.js';
import { jsonlFormat } from './jsonl/format.js';

/** Line-oriented formats, in the order detection tries them. */
export const TEXT_FORMATS: readonly TextFormat[] = [jsonlFormat];

export function textFormat(name: FormatName): TextFormat | undefined {
  return TEXT_FORMATS.find((f) => f.name === name);
}

export function sniffFormat(head: readonly string[]): TextFormat | undefined {
  return TEXT_FORMATS.find((f) => f.sniff(head));
}
