import { spawnSync } from 'node:child_process';
import type { ReplayStep } from '../engine/replay.js';
import { HvreplayError } from '../errors.js';
import type { Seeker } from './seek.js';
import type { Verdict } from './bisect.js';

// `bisect --run CMD`, as `git bisect run` (git's Documentation/git-bisect.adoc, "Bisect run"): the
// command decides each probe by its exit status. 0 good; 125 cannot be tested (skip); 1-127 other than
// 125 bad; anything else (128 and above, or death by a signal) aborts the bisect. The command runs
// under /bin/sh -c with the state after the probed event as JSON on stdin and the position in
// HVREPLAY_SEQ; its output goes to our stderr so that stdout stays the report.

export class BisectAborted extends HvreplayError {
  constructor(
    readonly seq: number,
    readonly status: number | null,
    readonly signal: string | null,
    why = 'exit 128 or more, or a signal, aborts as in git bisect run',
  ) {
    super(`the --run command ${signal ? `was killed by ${signal}` : `exited with ${status}`} at event ${seq}; bisect aborted (${why})`);
  }
}

/**
 * /bin/sh exits 127 for a command it cannot find and 126 for one it cannot execute. On the first probe
 * that is a typo, not a verdict: git bisect run (since 2.36) stops there too rather than calling
 * every event bad.
 */
const SHELL_CANNOT_RUN = new Set([126, 127]);

export function verdictFromExit(status: number | null): Verdict | 'abort' {
  if (status === null) return 'abort';
  if (status === 0) return 'good';
  if (status === 125) return 'skip';
  if (status >= 1 && status <= 127) return 'bad';
  return 'abort';
}

export function runOracle(
  seeker: Seeker,
  command: string,
  onProbe?: (step: ReplayStep, verdict: Verdict) => void,
): (seq: number) => Verdict {
  let first = true;
  return (seq) => {
    const step = seeker.stepAt(seq);
    const run = spawnSync('/bin/sh', ['-c', command], {
      input: JSON.stringify(step.state),
      stdio: ['pipe', 2, 2],
      env: { ...process.env, HVREPLAY_SEQ: String(seq), HVREPLAY_TRACE: seeker.trace.name, HVREPLAY_EVENT: step.event.name },
      maxBuffer: 1 << 30,
    });
    // A command that exits without reading its stdin makes our write fail with EPIPE: its exit status still decides.
    if (run.error && (run.error as NodeJS.ErrnoException).code !== 'EPIPE') throw run.error;
    if (first && run.status !== null && SHELL_CANNOT_RUN.has(run.status)) {
      throw new BisectAborted(
        seq,
        run.status,
        run.signal,
        `on the first probe, ${run.status} is the shell saying it could not ${run.status === 127 ? 'find' : 'execute'} the command`,
      );
    }
    first = false;
    const verdict = verdictFromExit(run.status);
    if (verdict === 'abort') throw new BisectAborted(seq, run.status, run.signal);
    onProbe?.(step, verdict);
    return verdict;
  };
}
