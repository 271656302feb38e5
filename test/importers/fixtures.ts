// Reads the real fixtures under test/fixtures/traces (from dist/test/importers at run time).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { NewEvent } from '../../src/model/event.js';
import type { TextFormat } from '../../src/importers/format.js';
import { ImportStats } from '../../src/importers/stats.js';

const DIR = new URL('../../../test/fixtures/traces/', import.meta.url);

export function fixtureLines(name: string): string[] {
  let buf = readFileSync(new URL(name, DIR));
  if (name.endsWith('.gz')) buf = gunzipSync(buf);
  const lines = buf.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export interface Parsed {
  lines: string[];
  events: NewEvent[];
  stats: ImportStats;
  count(stat: string): number;
}

export function parseLines(format: TextFormat, file: string, lines: string[]): Parsed {
  const stats = new ImportStats();
  const events: NewEvent[] = [];
  const parser = format.createParser({ file, stats, emit: (e) => events.push(e) });
  lines.forEach((l, i) => parser.line(l, i + 1));
  parser.end();
  return { lines, events, stats, count: (s) => stats.counts.get(s) ?? 0 };
}

export function parseFixture(format: TextFormat, name: string): Parsed {
  return parseLines(format, name, fixtureLines(name));
}

export function named(events: NewEvent[], name: string): NewEvent[] {
  return events.filter((e) => e.name === name);
}
