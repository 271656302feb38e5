import type { SourceProgress } from '../../importers/source.js';

// A progress bar on stderr for long runs (import, stats, export): only on a terminal, only once a run
// has lasted a second (short ones print nothing), at most ten redraws a second, erased when it ends.

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;
const WIDTH = 30;

interface ProgressLine {
  /** Draws `text` after a bar filled to `fraction` (none when undefined), if it is time to. */
  show: (fraction: number | undefined, text: () => string) => void;
  done: () => void;
}

function progressLine(stream: NodeJS.WriteStream): ProgressLine {
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    show(fraction, text) {
      const now = Date.now();
      if (!stream.isTTY || now - start < SHOW_AFTER_MS || now - last < REDRAW_MS) return;
      last = now;
      let line = text();
      if (fraction !== undefined) {
        const f = Math.min(1, Math.max(0, fraction));
        const fill = Math.round(f * WIDTH);
        // Figures first, so a narrow terminal cuts the words rather than them.
        line = `[${'#'.repeat(fill)}${'.'.repeat(WIDTH - fill)}] ${(f * 100).toFixed(0).padStart(3)}% ${line}`;
      }
      stream.write(`\r${line.slice(0, (stream.columns || 80) - 1)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: SourceProgress) => void; done: () => void } {
  const line = progressLine(stream);
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  return {
    update: (p) =>
      line.show(p.total ? p.bytes / p.total : undefined, () =>
        p.total ? `${mb(p.bytes)}/${mb(p.total)} MB importing ${p.path}` : `${mb(p.bytes)} MB read, importing ${p.path}`,
      ),
    done: line.done,
  };
}

/** Progress through a trace's events, for a command that replays it (`stats`, `export`). */
export function eventProgress(
  what: string,
  stream: NodeJS.WriteStream = process.stderr,
): { update: (seq: number, total: number) => void; done: () => void } {
  const line = progressLine(stream);
  return {
    update: (seq, total) =>
      line.show(
        total > 0 ? seq / total : undefined,
        () => `${seq.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events ${what}`,
      ),
    done: line.done,
  };
}
