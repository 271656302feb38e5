import { spawn } from 'node:child_process';
import type { ReplayStep } from '../engine/replay.js';
import { HvreplayError, InterruptedError } from '../errors.js';
import type { Seeker } from './seek.js';
import type { Verdict } from './bisect.js';

// `bisect --run CMD`, as `git bisect run` (git's Documentation/git-bisect.adoc, "Bisect run"): the
// command decides each probe by its exit status. 0 good; 125 cannot be tested (skip); 1-127 other than
// 125 bad; anything else (128 and above, or death by a signal) aborts the bisect. The command runs
// under /bin/sh -c with the state after the probed event as JSON on stdin and the position in
// HVREPLAY_SEQ; its output goes to our stderr so that stdout stays the report.
//
// The command runs in a process group of its own, so that what it starts can be ended with it: on
// Ctrl-C (SIGINT to hvreplay, which is then not in the terminal's foreground group with it) and when
// --timeout runs out, the whole group gets SIGTERM, then SIGKILL after KILL_AFTER_MS. A timeout aborts
// the bisect like exit 128+: it is not a verdict (git bisect run has none), and taking it for a skip
// would quietly turn a hanging checker into "the first bad event is one of many". A command that means
// "hanging is bad" says so itself: `timeout 10 ./check || exit 1`.

/** From SIGTERM to SIGKILL for a group that does not end. */
const KILL_AFTER_MS = 2000;

export class BisectAborted extends HvreplayError {
  constructor(
    readonly seq: number,
    readonly status: number | null,
    readonly signal: string | null,
    why = 'exit 128 or more, or a signal, aborts as in git bisect run',
  ) {
    super(
      `the --run command ${signal ? `was killed by ${signal}` : status === null ? 'was stopped' : `exited with ${status}`} at event ${seq}; bisect aborted (${why})`,
    );
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

export interface RunOptions {
  /** Seconds one probe's command may run (--timeout); undefined: no limit. */
  timeoutSeconds?: number;
}

interface Ended {
  status: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
}

/** Runs the command for one probe in its own process group; ends the group on timeout and on SIGINT. */
function runProbe(command: string, input: string, env: NodeJS.ProcessEnv, options: RunOptions): Promise<Ended> {
  return new Promise<Ended>((resolve, reject) => {
    // detached: the child calls setsid(), so it leads a new process group (and session).
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 2, 2], env, detached: true });
    let timedOut = false;
    let interrupted = false;
    let killer: NodeJS.Timeout | undefined;
    const endGroup = (): void => {
      const signal = (name: NodeJS.Signals): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, name);
        } catch {
          // The group is gone already.
        }
      };
      signal('SIGTERM');
      killer ??= setTimeout(() => signal('SIGKILL'), KILL_AFTER_MS);
    };
    const onSigint = (): void => {
      interrupted = true;
      endGroup();
    };
    process.on('SIGINT', onSigint);
    const timer =
      options.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            endGroup();
          }, options.timeoutSeconds * 1000);
    // A command that exits without reading its stdin makes our write fail with EPIPE: its exit status still decides.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
    child.on('error', (error) => {
      process.off('SIGINT', onSigint);
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      process.off('SIGINT', onSigint);
      clearTimeout(timer);
      // What the command left running in its group goes when its probe was cut short.
      if (killer) {
        clearTimeout(killer);
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Nothing left.
        }
      }
      resolve({ status, signal, timedOut, interrupted });
    });
  });
}

export function runOracle(
  seeker: Seeker,
  command: string,
  onProbe?: (step: ReplayStep, verdict: Verdict) => void,
  options: RunOptions = {},
): (seq: number) => Promise<Verdict> {
  let first = true;
  return async (seq) => {
    const step = seeker.stepAt(seq);
    const env = { ...process.env, HVREPLAY_SEQ: String(seq), HVREPLAY_TRACE: seeker.trace.name, HVREPLAY_EVENT: step.event.name };
    const run = await runProbe(command, JSON.stringify(step.state), env, options);
    if (run.interrupted) throw new InterruptedError(`interrupted at event ${seq}; the --run command and what it started were ended`);
    if (run.timedOut)
      throw new BisectAborted(
        seq,
        run.status,
        run.signal,
        `it ran longer than --timeout ${options.timeoutSeconds} s, and a timeout is not a verdict; to count hanging as bad, have the command time itself out: timeout N CMD || exit 1`,
      );
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
