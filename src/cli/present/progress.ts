import type { SourceProgress } from '../../importers/source.js';

// A progress bar on stderr for long imports: only on a terminal, only once an import has run for a
// second (short ones print nothing), at most ten redraws a second, erased when the import ends.

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;
const WIDTH = 30;

export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: SourceProgress) => void; done: () => void } {
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (!stream.isTTY || now - start < SHOW_AFTER_MS || now - last < REDRAW_MS) return;
      last = now;
      const mb = (n: number) => (n / 2 ** 20).toFixed(0);
      let text: string;
      if (p.total) {
        const f = Math.min(1, p.bytes / p.total);
        const fill = Math.round(f * WIDTH);
        // Figures first, so a narrow terminal cuts the path rather than them.
        text = `[${'#'.repeat(fill)}${'.'.repeat(WIDTH - fill)}] ${(f * 100).toFixed(0).padStart(3)}% ${mb(p.bytes)}/${mb(p.total)} MB importing ${p.path}`;
      } else text = `${mb(p.bytes)} MB read, importing ${p.path}`;
      stream.write(`\r${text.slice(0, (stream.columns || 80) - 1)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
