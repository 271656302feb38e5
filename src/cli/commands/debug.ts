import { accessSync, constants, createReadStream } from 'node:fs';
import { defineCommand } from '../define-command.js';
import { SourceError } from '../../errors.js';
import { seqOption, withPolicies, withTrace } from '../options.js';

export const debugCommand = defineCommand({
  command: 'debug <trace>',
  describe: 'Time-travel debugger over a trace, as gdb and rr: step, back, goto, break, watch, continue, reverse-continue',
  builder: (y) =>
    withPolicies(withTrace(y))
      .option('at', { ...seqOption('at', 'start at the state after this event'), default: 0 })
      .option('commands', { type: 'string', describe: 'run the commands in FILE, one a line, and leave (as gdb -batch -x)' })
      .epilogue('Without a terminal on stdin, commands are read from stdin. Inside, `help` lists the commands.'),
  handler: async (args) => {
    const { createInterface } = await import('node:readline');
    const { withStoreAsync, modeFor, openTrace } = await import('../session.js');
    const { policyIds } = await import('../policy-args.js');
    const { DebugSession } = await import('../debug/session.js');
    const { seqIn } = await import('../../query/position.js');
    const { runInteractive, runScript } = await import('../debug/repl.js');
    const notice = (line: string): void => {
      process.stderr.write(line + '\n');
    };
    await withStoreAsync(args, modeFor(args.trace), async (db) => {
      const trace = openTrace(db, args.trace);
      const session = new DebugSession(db, trace, policyIds(args), seqIn(trace, args.at), notice);
      let status: number;
      if (args.commands !== undefined || !process.stdin.isTTY) {
        const input = args.commands !== undefined ? openCommands(args.commands) : process.stdin;
        status = await runScript(session, createInterface({ input, terminal: false, crlfDelay: Infinity }), process.stdout, notice);
      } else {
        status = await runInteractive(session, process.stdin, process.stdout, notice);
      }
      process.exitCode = status;
    });
  },
});

/** The --commands file, refused up front with its path when it cannot be read. */
function openCommands(path: string): NodeJS.ReadableStream {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new SourceError(
      `${path}: cannot read the debugger commands: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return createReadStream(path);
}
