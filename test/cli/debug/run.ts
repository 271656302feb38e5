import { hvreplay, type CliRun } from '../../helpers/cli.js';

/** Runs `hvreplay debug TRACE` with commands on stdin (not a terminal: the scripted driver). */
export function debugScript(db: string, trace: string, commands: string[], args: string[] = []): CliRun {
  return hvreplay(db, ['debug', trace, ...args], { input: commands.join('\n') + '\n', env: { HVREPLAY_HISTORY: '/dev/null' } });
}

/** The lines that give a position (`@N  ...`): the moves a transcript made. */
export function positions(stdout: string): number[] {
  return stdout.split('\n').flatMap((line) => (/^@(\d+) {2}/.exec(line) ? [Number(/^@(\d+)/.exec(line)![1])] : []));
}
