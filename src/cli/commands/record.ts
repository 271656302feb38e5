import { chownSync, existsSync } from 'node:fs';
import { defineCommand } from '../define-command.js';
import { emit } from '../present/output.js';

export const recordCommand = defineCommand({
  command: 'record [command..]',
  describe: 'Run a command under strace with tracefs kvm and sched_switch events on, and import both as one trace (root)',
  builder: (y) =>
    y
      .usage(
        '$0 record [--name NAME] [--format text|dat] -- CMD ARGS...\n\nRun CMD under strace with the kvm and sched_switch tracepoints on in a private tracefs instance, then import both files as one trace. Needs root, tracefs, strace and /dev/kvm, and trace-cmd for --format dat (exit 3 names what is missing).',
      )
      .positional('command', { type: 'string', array: true, describe: 'the command and its arguments, after --' })
      .option('name', { type: 'string', describe: 'trace name (default: the command name)' })
      .option('replace', { type: 'boolean', describe: 'replace a trace of the same name' })
      .option('dir', { type: 'string', describe: 'keep the strace and ftrace files here (default: a new temp directory)' })
      .option('format', {
        choices: ['text', 'dat'] as const,
        describe: "keep the kernel's events as tracefs text (default) or as trace-cmd's trace.dat (needs trace-cmd)",
      })
      .parserConfiguration({ 'populate--': true }),
  handler: async (args) => {
    const { record } = await import('../../record/record.js');
    const { problemSummaryLines } = await import('../present/problems-text.js');
    const { withStoreAsync } = await import('../session.js');
    const command = [...(args.command ?? []), ...((args as unknown as { '--'?: string[] })['--'] ?? [])].map(String);
    const name = args.name ?? (command[0] ? command[0].split('/').pop() : undefined);
    const { dbPath } = await import('../../store/open.js');
    const store = dbPath(args.db);
    const fresh = !existsSync(store);
    const result = await withStoreAsync(args, 'write', (db) =>
      record(db, {
        command,
        ...(name ? { name } : {}),
        ...(args.replace ? { replace: true } : {}),
        ...(args.dir ? { dir: args.dir } : {}),
        ...(args.format ? { format: args.format } : {}),
      }),
    );
    if (fresh) giveToSudoUser(store);
    const { trace, stats } = result;
    for (const w of result.warnings ?? []) process.stderr.write(`hvreplay: warning: ${w}\n`);
    emit(
      args.json,
      {
        id: trace.id,
        name: trace.name,
        format: trace.format,
        events: trace.eventCount,
        straceFile: result.straceFile,
        ftraceFile: result.ftraceFile,
        exit: result.exit,
        ioctlArgs: result.ioctlArgs,
        clockNotes: result.clockNotes,
        stats: stats.toJSON(),
      },
      (d) => {
        const lines = [
          `recorded '${command.join(' ')}' (${d.exit.signal ? `killed by ${d.exit.signal}` : `exit ${d.exit.code}`}); files ${d.straceFile}, ${d.ftraceFile}`,
          `imported trace '${d.name}' (#${d.id}, ${d.format}): ${d.events} events`,
          `ioctl arguments: ${d.ioctlArgs}`,
          'clocks:',
          ...(d.clockNotes ?? []).map((n) => `  ${n}`),
        ];
        for (const [stat, n] of Object.entries(d.stats.counts)) lines.push(`  ${stat}: ${n}`);
        lines.push(...problemSummaryLines(d.stats.problemKinds));
        return lines.join('\n');
      },
    );
  },
});

/**
 * `sudo hvreplay record` would leave a root-owned store that the user's next `hvreplay log` cannot
 * open for writing (WAL needs its -shm file): a store this run created goes to the user sudo names.
 */
function giveToSudoUser(store: string): void {
  const uid = Number(process.env.SUDO_UID);
  const gid = Number(process.env.SUDO_GID);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return;
  for (const file of [store, `${store}-wal`, `${store}-shm`]) if (existsSync(file)) chownSync(file, uid, gid);
}
