#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Argv, CommandModule } from 'yargs';
import { bisectCommand } from './commands/bisect.js';
import { checkCommand } from './commands/check.js';
import { conformCommand } from './commands/conform.js';
import { debugCommand } from './commands/debug.js';
import { demoCommand } from './commands/demo.js';
import { diffCommand } from './commands/diff.js';
import { exportCommand } from './commands/export.js';
import { parquetCommand } from './commands/parquet.js';
import { importCommand } from './commands/import.js';
import { logCommand } from './commands/log.js';
import { policiesCommand } from './commands/policies.js';
import { profileCommand } from './commands/profile.js';
import { recordCommand } from './commands/record.js';
import { replayCommand } from './commands/replay.js';
import { stateCommand } from './commands/state.js';
import { statsCommand } from './commands/stats.js';
import { tracesCommand } from './commands/traces.js';
import { verifyCommand } from './commands/verify.js';
import { exitCodeFor } from './errors.js';
import { terminalText } from './present/terminal-text.js';
import { EXIT, UsageError } from './exit-codes.js';
import type { GlobalArgs } from './options.js';

// Command modules are light; each handler loads the store, engine and importers it needs, so
// `hvreplay --version` starts as fast as node itself.

// yargs' CommonJS build: its ESM build ships a cliui that wraps help text every N characters, through
// the middle of words; the CommonJS one wraps at word boundaries.
const require = createRequire(import.meta.url);
const yargs = require('yargs') as (args: string[]) => Argv<GlobalArgs>;
const { hideBin } = require('yargs/helpers') as { hideBin: (argv: string[]) => string[] };

const COMMAND_MODULES = [
  importCommand,
  tracesCommand,
  logCommand,
  stateCommand,
  replayCommand,
  policiesCommand,
  checkCommand,
  conformCommand,
  profileCommand,
  recordCommand,
  diffCommand,
  bisectCommand,
  debugCommand,
  statsCommand,
  exportCommand,
  parquetCommand,
  verifyCommand,
  demoCommand,
] as unknown as CommandModule<GlobalArgs, GlobalArgs>[];
const COMMANDS = new Set(COMMAND_MODULES.map((c) => String(c.command).split(' ')[0]));

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The word in the command's place: the first that is neither an option nor the value of a global one. */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((arg, i) => !arg.startsWith('-') && !(i > 0 && ['--db', '--wait'].includes(argv[i - 1]!)));
}

/** `--policy ./my-patch.js` (and diff's -a/-b) name files: load them before the handler resolves its policies. */
async function loadPolicyFilesNamed(argv: Record<string, unknown>): Promise<void> {
  const refs = ['policy', 'a', 'b'].flatMap((key) => (Array.isArray(argv[key]) ? (argv[key] as unknown[]) : [])).map(String);
  if (!refs.some((ref) => /\.(m?js|cjs)$/.test(ref) || ref.startsWith('.') || ref.startsWith('/'))) return;
  const { loadPolicyFiles } = await import('../query/policy-files.js');
  await loadPolicyFiles(refs);
}

async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('hvreplay')
    .usage('$0 <command> [options]\n\nEvent-sourced replay, time travel, diff and bisect of KVM/Xen/VMM traces stored in SQLite.')
    .option('db', { type: 'string', global: true, describe: 'the SQLite store (default: $HVREPLAY_DB, else ./hvreplay.db)' })
    .option('json', { type: 'boolean', global: true, describe: 'print data as JSON' })
    .option('wait', {
      type: 'number',
      global: true,
      describe: 'seconds to wait while another process writes to the store (default: until it is done), then exit 3',
      coerce: (value: unknown) => {
        if (value === undefined) return value;
        const n = Number(value);
        if (!Number.isFinite(n) || n < 0) throw new Error(`--wait takes a number of seconds from 0, not ${String(value)}`);
        return n;
      },
    });
  for (const command of COMMAND_MODULES) cli = cli.command(command);
  cli = cli.middleware(loadPolicyFilesNamed);
  // Completion for bash and zsh: `hvreplay completion >> ~/.bashrc` (or ~/.zshrc); yargs answers
  // the shell's --get-yargs-completions calls with commands, options and choices.
  cli = cli
    .completion('completion', 'print a bash or zsh completion script (append it to ~/.bashrc or ~/.zshrc)')
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  if (argv.length === 0) {
    // A newcomer's first try: the commands and what they do, not a usage error.
    cli.showHelp((text) => process.stdout.write(text + '\n'));
    return;
  }
  await cli
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .strict()
    .version(version)
    .help()
    .alias('h', 'help')
    .epilogue(
      'Exit status: 0 ok, 1 a negative answer (check failed, runs differ, mismatch), 2 bad input or usage (or a damaged store), 3 missing environment (root, a full disk, a store another process keeps locked), 70 internal error.',
    )
    .fail((message, error) => {
      // yargs wraps its own validation failures (a bad option value, an unknown command) in YError:
      // those are usage errors. Anything else is an error a handler threw, passed on as it is.
      if (!error || error.name === 'YError') {
        const text = message ?? error?.message ?? 'bad usage';
        // recommendCommands() says only "Did you mean import?": say what was not understood too.
        const said = text.startsWith('Did you mean') ? `unknown command '${commandWord(argv)}'. ${text}` : text;
        throw new UsageError(
          said,
          argv.find((a) => COMMANDS.has(a)),
        );
      }
      throw error;
    })
    .parseAsync();
}

// `hvreplay log big | head` closes our stdout early: that is the reader saying it has enough, as
// for any Unix filter, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

// yargs drops a bare `-` from variadic positionals; /dev/stdin means the same to the importers.
main(hideBin(process.argv).map((arg) => (arg === '-' ? '/dev/stdin' : arg))).catch((error: unknown) => {
  const { code, message } = exitCodeFor(error);
  process.stderr.write(`hvreplay: ${terminalText(message)}\n`);
  if (error instanceof UsageError)
    process.stderr.write(`(hvreplay ${error.command ? `${error.command} ` : ''}--help says what it takes)\n`);
  process.exitCode = code;
});
