import { defineCommand } from '../define-command.js';
import { emit, table } from '../present/output.js';

export const policiesCommand = defineCommand({
  command: 'policies',
  describe: 'Every kernel policy, by area: which is the default, what it models, and its sources',
  handler: async (args) => {
    const { allPolicies } = await import('../../engine/policy/registry.js');
    const rows = allPolicies().map((p) => ({ area: p.area, id: p.id, default: p.isDefault, summary: p.summary, sources: p.sources }));
    emit(args.json, rows, (list) =>
      [
        table(
          ['AREA', 'POLICY', 'DEFAULT', 'SUMMARY'],
          list.map((p) => [p.area, p.id, p.default ? 'yes' : '', p.summary]),
        ),
        '',
        'Sources:',
        ...list.flatMap((p) => [`  ${p.id}`, ...p.sources.map((s) => `    ${s.kind}: ${s.ref}${s.note ? ` (${s.note})` : ''}`)]),
        '',
        `${list.length} policies in ${new Set(list.map((p) => p.area)).size} areas. Choose with --policy AREA/VARIANT (repeatable); other areas take their default.`,
      ].join('\n'),
    );
  },
});
