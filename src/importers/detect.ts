import type { FormatName } from './format.js';
import { sniffFormat } from './formats.js';

/** Which text format a file is in, from its first lines; scenario YAML is told by its file name. */
export function detectFormat(head: string[]): FormatName | undefined {
  return sniffFormat(head.filter((l) => l.trim() !== ''))?.name;
}
