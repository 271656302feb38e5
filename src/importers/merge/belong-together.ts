import { realpathSync } from 'node:fs';
import { SourceError } from '../../errors.js';
import { toRealtime, type ClockAlignment } from './clock.js';
import type { FileScan, FtraceScan, StraceScan } from './scan.js';

// Files given to one import must be of one run. Two checks need nothing but the files: the same
// file (or the same bytes under another name) twice is refused, and an strace and an ftrace that
// share no thread at all are either refused (without markers nothing could align them) or
// warned about. Once the clocks are aligned, an ftrace whose time range does not overlap the
// strace's is refused: whatever its events are, they did not happen during that run.

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function refuseDuplicates(scans: readonly FileScan[]): void {
  for (let i = 0; i < scans.length; i++)
    for (let j = i + 1; j < scans.length; j++) {
      const a = scans[i]!;
      const b = scans[j]!;
      const same =
        real(a.path) === real(b.path) ? 'is given twice' : a.bytes > 0 && a.sha256 === b.sha256 ? `has the same content as ${b.path}` : '';
      if (same)
        throw new SourceError(
          `${a.path} ${same} (sha256 ${a.sha256.slice(0, 12)}); give each file of the run once\n  hint: hvreplay import RUN.strace RUN.ftrace`,
        );
    }
}

/** Threads the strace shows that the ftrace shows too. */
export function sharedThreads(strace: StraceScan, ftrace: FtraceScan): number {
  let n = 0;
  for (const tid of strace.tids) if (ftrace.tids.has(tid)) n++;
  return n;
}

/** Refused when no thread is shared and nothing else could align the clocks; else a warning, or none. */
export function threadWarnings(straces: readonly StraceScan[], ftrace: FtraceScan): string[] {
  const warnings: string[] = [];
  for (const strace of straces) {
    if (sharedThreads(strace, ftrace) > 0) continue;
    const what = `${strace.path} and ${ftrace.path} share no thread (the strace shows ${strace.tids.size}, none of them in the ftrace)`;
    if (ftrace.markers.length === 0)
      throw new SourceError(
        `${what}, and the ftrace has no hvsync marker: they cannot be aligned, and are probably of different runs\n  hint: import them as separate traces`,
      );
    warnings.push(`${what}: are they of one run? The clocks are aligned by the markers alone`);
  }
  return warnings;
}

const span = (r: { first: number; last: number }) => `${r.first.toFixed(6)} .. ${r.last.toFixed(6)}`;

/** Both ranges on CLOCK_REALTIME; disjoint ranges are refused. */
export function refuseDisjoint(strace: StraceScan, ftrace: FtraceScan, alignment: ClockAlignment): void {
  if (!strace.range || !ftrace.range) return;
  const f = { first: toRealtime(alignment, ftrace.range.first), last: toRealtime(alignment, ftrace.range.last) };
  const s = strace.range;
  if (f.first <= s.last && s.first <= f.last) return;
  throw new SourceError(
    `${strace.path} and ${ftrace.path} do not overlap in time: the strace covers ${span(s)}, the ftrace ${span(f)} (CLOCK_REALTIME, ${alignment.method}); they are not of one run\n  hint: import them as separate traces`,
  );
}
