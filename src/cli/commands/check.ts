import { defineCommand } from '../define-command.js';
import { emit } from '../present/output.js';

export const checkCommand = defineCommand({
  command: 'check [files..]',
  describe: 'Run the expectations of scenario files (default: every bundled scenario); exit 1 if one fails',
  builder: (y) => y.positional('files', { type: 'string', array: true, describe: 'scenario YAML files' }),
  handler: async (args) => {
    const { bundledScenarios } = await import('../../query/scenario-files.js');
    const { checkScenarioFiles } = await import('../../query/check-scenarios.js');
    const { withStoreAsync } = await import('../session.js');
    const { checkText } = await import('../present/check-text.js');
    const files = args.files && args.files.length > 0 ? args.files : bundledScenarios();
    const report = await withStoreAsync(args, 'write', (db) => checkScenarioFiles(db, files));
    const failed = report.reduce((n, s) => n + s.results.filter((r) => !r.passed).length, 0);
    const total = report.reduce((n, s) => n + s.results.length, 0);
    emit(args.json, { scenarios: report, passed: total - failed, failed }, checkText);
    if (failed > 0) process.exitCode = 1;
  },
});
