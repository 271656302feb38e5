import { defineCommand } from '../define-command.js';
import { emit, table } from '../present/output.js';

export const policiesCommand = defineCommand({
  command: 'policies',
  describe: 'Every kernel policy, by area: which is the default, the releases it models, its sources; or which one a release runs',
  builder: (y) =>
    y
      .option('kernel', { type: 'string', describe: 'a Linux release (4.19.200): list the variant of each area it runs' })
      .option('xen', { type: 'string', describe: 'a Xen release (4.17): likewise' }),
  handler: async (args) => {
    const { allPolicies } = await import('../../engine/policy/registry.js');
    const { formatReleases } = await import('../../engine/policy/release/ranges.js');
    if (args.kernel !== undefined || args.xen !== undefined) {
      const { releaseChoices } = await import('../../engine/policy/release/resolve.js');
      const choices = releaseChoices({ linux: args.kernel, xen: args.xen }).map((c) => ({
        area: c.area,
        id: c.policy.id,
        decidedBy: c.decidedBy ?? null,
        note: c.note,
        arches: c.policy.arches,
      }));
      emit(args.json, choices, (list) =>
        table(
          ['AREA', 'POLICY', 'WHY'],
          list.map((c) => [c.area, c.id, c.decidedBy ? c.note : `default: ${c.note.replace(/: its default$/, '')}`]),
        ),
      );
      return;
    }
    const rows = allPolicies().map((p) => ({
      area: p.area,
      id: p.id,
      default: p.isDefault,
      releases: formatReleases(p.releases),
      summary: p.summary,
      sources: p.sources,
    }));
    emit(args.json, rows, (list) =>
      [
        table(
          ['AREA', 'POLICY', 'DEFAULT', 'RELEASES', 'SUMMARY'],
          list.map((p) => [p.area, p.id, p.default ? 'yes' : '', p.releases, p.summary]),
        ),
        '',
        'Sources:',
        ...list.flatMap((p) => [`  ${p.id}`, ...p.sources.map((s) => `    ${s.kind}: ${s.ref}${s.note ? ` (${s.note})` : ''}`)]),
        '',
        `${list.length} policies in ${new Set(list.map((p) => p.area)).size} areas. Choose with --policy AREA/VARIANT (repeatable), or by release with --kernel VERSION / --xen VERSION; other areas take their default.`,
      ].join('\n'),
    );
  },
});
