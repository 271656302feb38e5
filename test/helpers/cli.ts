import { spawnSync } from 'node:child_process';
import { REPO } from './temp.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with its own store file. */
export function hvreplay(
  db: string,
  args: string[],
  options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; noDb?: boolean } = {},
): CliRun {
  const run = spawnSync(process.execPath, [REPO + 'dist/src/cli/main.js', ...(options.noDb ? [] : ['--db', db]), ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, ...options.env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
