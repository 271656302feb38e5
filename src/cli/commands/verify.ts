import type { CommandModule } from 'yargs';
import { EXIT } from '../exit-codes.js';
import type { GlobalArgs } from '../options.js';
import { emit } from '../present/output.js';

interface Args extends GlobalArgs {
  trace?: string;
}

export const verifyCommand: CommandModule<GlobalArgs, Args> = {
  command: 'verify [trace]',
  describe: "Check the store for damage: SQLite's integrity_check, then each trace's events against the checksums kept at import",
  builder: (y) =>
    y
      .positional('trace', { type: 'string', describe: "only this trace (a name or #ID); the file's own check runs always" })
      .epilogue('Exit status: 0 intact, 1 damage found (listed), 2 trouble (no such store or trace).') as never,
  handler: async (args) => {
    const { withStore } = await import('../session.js');
    const { verifyStore } = await import('../../store/verify.js');
    const { recoveryAdvice } = await import('../../store/failures.js');
    const { dbPath } = await import('../../store/open.js');
    const { shownName } = await import('../../store/trace-names.js');
    const path = dbPath(args.db);
    const report = withStore(args, 'read', (db) => verifyStore(db, args.trace));
    emit(args.json, { store: path, ...report }, (r) => {
      const lines = [`file structure (integrity_check): ${r.integrity.join('; ')}`];
      for (const t of r.traces) {
        const content = t.content === 'unavailable' ? ', no checksums (imported before hvreplay kept them): counts only' : '';
        lines.push(`#${t.id} '${shownName(t.name)}': ${t.events} events: ${t.problems.length ? 'DAMAGED' : 'ok'}${content}`);
        for (const p of t.problems) lines.push(`  ${p}`);
      }
      lines.push(`interned texts: ${r.strings.checked} checked: ${r.strings.problems.length ? 'DAMAGED' : 'ok'}`);
      for (const p of r.strings.problems.slice(0, 20)) lines.push(`  ${p}`);
      lines.push(`snapshots: ${r.snapshots.checked} checked: ${r.snapshots.problems.length ? 'DAMAGED' : 'ok'}`);
      for (const p of r.snapshots.problems) lines.push(`  ${p}`);
      lines.push(r.ok ? `${path}: no damage found` : `${path}: the store is damaged. ${recoveryAdvice(path)}`);
      return lines.join('\n');
    });
    if (!report.ok) process.exitCode = EXIT.negative;
  },
};
