import { Observable } from 'rxjs';
import type { NewEvent } from '../model/event.js';
import type { FormatName, TextFormat } from './format.js';
import { sniffFormat, textFormat } from './formats.js';
import { SourceError } from '../errors.js';
import { MAX_LINE_LENGTH, type LineSource } from './source.js';
import { checkEvent } from './vocabulary-check.js';
import type { ImportStats } from './stats.js';
import { isTraceDat } from './tracedat/header.js';
import { traceDatBatches } from './tracedat/source-file.js';

/** Lines the format sniffers look at. */
const SNIFF_LINES = 20;

/** The format of a source: `format` when given, else what its first lines look like. */
export function chooseFormat(path: string, lines: readonly string[], format?: FormatName): TextFormat {
  const chosen = format ? textFormat(format) : sniffFormat(lines.filter((l) => l.trim() !== '').slice(0, SNIFF_LINES));
  if (!chosen)
    throw new SourceError(`${path}:1: cannot tell the format (expected ${format ?? 'strace, ftrace or JSON Lines'}); pass --format`);
  return chosen;
}

/**
 * One source as an ordered async stream of event batches (one per chunk read). `onFormat` hears the
 * format as soon as the first lines decide it. Stopping the iteration stops reading.
 */
export async function* eventBatches(
  source: LineSource,
  stats: ImportStats,
  format?: FormatName,
  onFormat?: (format: TextFormat) => void,
): AsyncGenerator<NewEvent[]> {
  // trace-cmd's binary trace.dat is told by its magic bytes, before any line is read.
  if (format === 'tracedat' || (format === undefined && isTraceDat(await source.head()))) {
    stats.count('format.tracedat');
    yield* traceDatBatches(source, stats);
    return;
  }
  let out: NewEvent[] = [];
  let parser: ReturnType<TextFormat['createParser']> | undefined;
  for await (const batch of source.batches()) {
    if (!parser) {
      const chosen = chooseFormat(source.info.path, batch.lines, format);
      const file = source.info.path;
      parser = chosen.createParser({ file, stats, emit: (e) => out.push(checkEvent(e, stats, file)) });
      stats.count(`format.${chosen.name}`);
      onFormat?.(chosen);
    }
    const overlong = batch.overlong?.[0];
    for (let i = 0; i < batch.lines.length; i++) {
      if (overlong?.index === i) {
        stats.problem(
          'source.line_too_long',
          source.info.path,
          batch.first + i,
          `a line of ${overlong.length} characters, longer than the ${MAX_LINE_LENGTH} a trace line may have; skipped`,
          overlong.head,
        );
        continue;
      }
      parser.line(batch.lines[i]!, batch.first + i);
    }
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  parser?.end();
  if (out.length > 0) yield out;
}

/** The same stream as an rxjs Observable. Unsubscribing stops reading. */
export function parseSource(source: LineSource, stats: ImportStats, format?: FormatName): Observable<NewEvent[]> {
  return new Observable<NewEvent[]>((subscriber) => {
    let stopped = false;
    (async () => {
      for await (const batch of eventBatches(source, stats, format)) {
        if (stopped) return;
        subscriber.next(batch);
      }
      subscriber.complete();
    })().catch((error) => subscriber.error(error));
    return () => {
      stopped = true;
    };
  });
}
