import { terminalText } from './terminal-text.js';

// A command computes data; this prints it as JSON with --json, else as the text a person reads.

export function emit<T>(json: boolean | undefined, data: T, text: (data: T) => string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : terminalText(text(data)) + '\n');
}

/** Columns padded to their widest cell, the way `ps` and `perf kvm stat` print. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
