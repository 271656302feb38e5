import { Observable } from 'rxjs';
import type { NewEvent } from '../model/event.js';
import type { FormatName, TextFormat } from './format.js';
import { sniffFormat, textFormat } from './formats.js';
import { SourceError } from '../errors.js';
import type { LineSource } from './source.js';
import type { ImportStats } from './stats.js';

/** Lines the format sniffers look at. */
const SNIFF_LINES = 20;

/**
 * One source as an ordered stream of event batches. The format is `format` when given, else what
 * the first lines look like. Unsubscribing stops reading.
 */
export function parseSource(source: LineSource, stats: ImportStats, format?: FormatName): Observable<NewEvent[]> {
  return new Observable<NewEvent[]>((subscriber) => {
    let stopped = false;
    (async () => {
      let out: NewEvent[] = [];
      let parser: ReturnType<TextFormat['createParser']> | undefined;
      for await (const batch of source.batches()) {
        if (stopped) return;
        if (!parser) {
          const chosen = format ? textFormat(format) : sniffFormat(batch.lines.filter((l) => l.trim() !== '').slice(0, SNIFF_LINES));
          if (!chosen) throw new SourceError(`${source.info.path}:1: cannot tell the format (expected ${format ?? 'strace, ftrace or JSON Lines'}); pass --format`);
          parser = chosen.createParser({ file: source.info.path, stats, emit: (e) => out.push(e) });
          stats.count(`format.${chosen.name}`);
        }
        for (let i = 0; i < batch.lines.length; i++) parser.line(batch.lines[i]!, batch.first + i);
        if (out.length > 0) {
          subscriber.next(out);
          out = [];
        }
      }
      parser?.end();
      if (out.length > 0) subscriber.next(out);
      subscriber.complete();
    })().catch((error) => subscriber.error(error));
    return () => {
      stopped = true;
    };
  });
}
