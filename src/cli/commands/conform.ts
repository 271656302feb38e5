import { defineCommand } from '../define-command.js';
import { EXIT } from '../exit-codes.js';
import { withPolicies, withTraceOrAll } from '../options.js';
import { emit } from '../present/output.js';

export const conformCommand = defineCommand({
  command: 'conform [trace]',
  describe:
    'Replay a real trace and compare each predicted return value, KVM_RUN exit and exit port/address with what the kernel did; report coverage (exit 1 on any mismatch)',
  builder: (y) =>
    withPolicies(withTraceOrAll(y)).option('host', {
      type: 'string',
      describe:
        "a host profile (`hvreplay profile TRACE -o FILE`): the recorded host's build, CPU and machine answers stand in for this trace's",
    }),
  handler: async (args) => {
    const { readHostFacts } = await import('../../query/profile/read.js');
    const host = args.host !== undefined ? readHostFacts(args.host) : undefined;
    if (args.all || args.trace === undefined) return (await import('../all-traces.js')).runForAllTraces('conform', args, host);
    const { conformTrace } = await import('../../query/conform/conform.js');
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { eventBody, sourceRef } = await import('../present/event-line.js');
    const { conformText } = await import('../present/conform-text.js');
    const report = withStore(args, modeFor(args.trace), (db) => conformTrace(db, openTrace(db, args.trace!), policiesFrom(args), host));
    const mismatches = report.mismatches.map((m) => ({
      seq: m.seq,
      what: m.what,
      predicted: m.predicted,
      observed: m.observed,
      ...(m.predictedAt !== undefined ? { predictedAt: m.predictedAt } : {}),
      line: eventBody(m.event),
      source: sourceRef(m.event),
    }));
    emit(args.json, { ...report, mismatchCount: mismatches.length, mismatches }, conformText);
    if (mismatches.length > 0) process.exitCode = EXIT.negative;
  },
});
