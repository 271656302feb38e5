import type { NewEvent } from '../model/event.js';
import type { ImportStats } from './stats.js';

// Each text format is a tokenizer plus a parser behind this small interface. The parser is fed one
// line at a time and hands finished events to `emit`, so nothing holds a whole file.

/** 'tracedat' is trace-cmd's binary trace.dat, read by tracedat/ rather than line by line. */
export type FormatName = 'scenario' | 'strace' | 'ftrace' | 'jsonl' | 'tracedat';

export interface ParserContext {
  /** The file name as the user gave it, used in every SourceRef and problem. */
  file: string;
  stats: ImportStats;
  emit: (event: NewEvent) => void;
}

export interface LineParser {
  /** One line without its newline; lineNo counts from 1. */
  line(text: string, lineNo: number): void;
  /** End of input: flush anything held back (an unfinished strace call, say). */
  end(): void;
}

export interface TextFormat {
  name: FormatName;
  /** True when the first non-empty lines of a file look like this format. */
  sniff(head: readonly string[]): boolean;
  createParser(ctx: ParserContext): LineParser;
}
