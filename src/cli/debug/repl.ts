import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { PathError, PolicyError, PositionError, PredicateError } from '../../errors.js';
import { terminalText } from '../present/terminal-text.js';
import { QUIT, runLine } from './commands.js';
import { complete } from './complete.js';
import { DebugInputError } from './errors.js';
import type { DebugSession } from './session.js';

// Two drivers over one interpreter. Interactive: readline with a prompt showing the position,
// history (kept in ~/.hvreplay_history, or $HVREPLAY_HISTORY), tab completion, Ctrl-C stopping a
// running command, Enter repeating the last one as in gdb. Scripted (a --commands file, or stdin
// that is not a terminal): one command per line, plain output, no prompt, exit status 2 if a command
// failed.

export function prompt(session: DebugSession): string {
  return `(hvreplay @${session.seq}/${session.last}) `;
}

function errorLine(error: unknown): string {
  return terminalText(`error: ${error instanceof Error ? error.message : String(error)}`);
}

/** Errors that are the user's input, as opposed to a bug or a broken store. */
function isUserError(error: unknown): boolean {
  return [DebugInputError, PredicateError, PathError, PositionError, PolicyError].some((kind) => error instanceof kind);
}

export async function runScript(
  session: DebugSession,
  lines: AsyncIterable<string> | Iterable<string>,
  out: Writable,
  notice: (line: string) => void,
): Promise<number> {
  let status = 0;
  const onSigint = (): void => {
    if (!session.interrupt()) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    for await (const line of lines) {
      let answer;
      try {
        answer = await runLine(session, line, notice);
      } catch (error) {
        if (!isUserError(error)) throw error;
        out.write(errorLine(error) + '\n');
        status = 2;
        continue;
      }
      if (answer === QUIT) break;
      if (answer.length) out.write(terminalText(answer.join('\n')) + '\n');
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return status;
}

function historyFile(): string {
  return process.env.HVREPLAY_HISTORY ?? join(homedir(), '.hvreplay_history');
}

function loadHistory(file: string): string[] {
  try {
    // readline wants the newest first.
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-1000).reverse();
  } catch {
    return [];
  }
}

export function runInteractive(session: DebugSession, input: Readable, output: Writable, notice: (line: string) => void): Promise<number> {
  const file = historyFile();
  const rl: Interface = createInterface({
    input,
    output,
    terminal: true,
    history: loadHistory(file),
    historySize: 1000,
    removeHistoryDuplicates: true,
    completer: (line: string) => complete(line, session.here.step.state),
  });
  const write = (text: string): void => {
    output.write(terminalText(text.endsWith('\n') ? text : text + '\n'));
  };
  write(`hvreplay debug: '${session.trace.name}', events 0..${session.last}. help lists the commands; Ctrl-C stops a running one.`);
  let last = '';
  const queue: string[] = [];
  let busy = false;
  let quitting = false;
  return new Promise<number>((resolve) => {
    const show = (): void => {
      rl.setPrompt(prompt(session));
      rl.prompt();
    };
    const drain = async (): Promise<void> => {
      busy = true;
      while (queue.length) {
        const typed = queue.shift()!;
        // gdb: an empty line repeats the previous command.
        const line = typed.trim() === '' ? last : typed;
        if (typed.trim() !== '') {
          last = typed;
          try {
            appendFileSync(file, typed + '\n');
          } catch {
            // History is a convenience; an unwritable home does not stop the session.
          }
        }
        try {
          const answer = await runLine(session, line, notice);
          if (answer === QUIT) {
            quitting = true;
            rl.close();
            return;
          }
          if (answer.length) write(answer.join('\n'));
        } catch (error) {
          if (!isUserError(error)) {
            write(errorLine(error));
            rl.close();
            throw error;
          }
          write(errorLine(error));
        }
      }
      busy = false;
      show();
    };
    rl.on('line', (line) => {
      queue.push(line);
      if (!busy) void drain().catch(() => resolve(70));
    });
    rl.on('SIGINT', () => {
      if (session.interrupt()) return; // the running command reports where it stopped
      // As gdb: Ctrl-C at the prompt abandons the line, it does not leave.
      write('^C');
      rl.write(null, { ctrl: true, name: 'u' });
      show();
    });
    rl.on('close', () => {
      // Ctrl-D leaves the cursor after the prompt: end the line, so the shell's prompt starts on its own.
      if (!quitting) output.write('\n');
      session.interrupt();
      resolve(0);
    });
    show();
  });
}
