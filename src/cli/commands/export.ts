import { defineCommand } from '../define-command.js';
import { withPolicies, withTrace } from '../options.js';
import { emit } from '../present/output.js';

export const exportCommand = defineCommand({
  command: 'export <trace>',
  describe: 'A timeline of the replayed trace for ui.perfetto.dev / trace_processor (--format perfetto) or the Chrome JSON trace format',
  builder: (y) =>
    withPolicies(withTrace(y))
      .option('format', { choices: ['perfetto', 'chrome-json'] as const, default: 'perfetto' as const, describe: 'the file format' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the file to write (FILE.pftrace, FILE.json)' })
      .option('conform', { type: 'boolean', describe: 'mark every prediction the kernel disagreed with (what `conform` reports)' })
      .option('bisect', { type: 'string', describe: 'mark the first event after which this predicate holds (as `bisect --when`)' })
      .option('diff-policy', {
        type: 'string',
        array: true,
        describe: 'mark every event where the --policy set and these policies part (as `diff --a ... --b ...`)',
      }),
  handler: async (args) => {
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { resolvePolicies } = await import('../../engine/policy/registry.js');
    const { TimelineClock } = await import('../../query/timeline/clock.js');
    const { replayTimeline } = await import('../../query/timeline/replay-timeline.js');
    const { collectMarks } = await import('../../query/timeline/marks.js');
    const { TimelineTracks, trackTreeText } = await import('../present/timeline/timeline-tracks.js');
    const { PerfettoWriter } = await import('../present/timeline/perfetto-writer.js');
    const { ChromeJsonWriter } = await import('../present/timeline/chrome-json-writer.js');
    const { eventProgress } = await import('../present/progress.js');
    withStore(args, modeFor(args.trace), (db) => {
      const trace = openTrace(db, args.trace);
      const policies = policiesFrom(args);
      const marks = collectMarks(db, trace, policies, {
        ...(args.conform ? { conform: true } : {}),
        ...(args.bisect !== undefined ? { bisect: args.bisect } : {}),
        ...(args.diffPolicy ? { diff: resolvePolicies(args.diffPolicy) } : {}),
      });
      const clock = new TimelineClock(trace);
      const origin = `${clock.originNs} ns on the trace's clock${clock.timed ? '' : ' (no times in the trace: 1 us per event)'}`;
      const writer =
        args.format === 'perfetto'
          ? new PerfettoWriter(args.output, clock.originNs)
          : new ChromeJsonWriter(args.output, clock.originNs, { trace: trace.name, policies: policies.key, origin });
      const tracks = new TimelineTracks(writer);
      const bar = eventProgress(`export ${trace.name}`);
      let bytes: number;
      let events: number;
      try {
        events = replayTimeline(db, trace, policies, tracks.accept, {
          clock,
          onProgress: (seq) => bar.update(seq, trace.eventCount),
          onStep: (step, at) => {
            for (const mark of marks.get(step.event.seq) ?? []) tracks.mark(step.event.pid, at, mark);
          },
        }).events;
        bytes = writer.close().bytes;
      } catch (error) {
        writer.abandon();
        throw error;
      } finally {
        bar.done();
      }
      const markCount = [...marks.values()].reduce((n, m) => n + m.length, 0);
      const data = {
        file: args.output,
        format: args.format,
        bytes,
        trace: trace.name,
        policies: policies.key,
        events,
        origin,
        marks: markCount,
        moved: tracks.moved,
        tracks: tracks.roots,
      };
      emit(args.json, data, (d) =>
        [
          `wrote ${d.file} (${d.format}, ${d.bytes.toLocaleString('en-US')} bytes): ${d.events} events of '${d.trace}' under ${d.policies}`,
          `time 0 of the timeline is ${d.origin}${d.marks ? `; ${d.marks} marks` : ''}${d.moved ? `; ${d.moved} slices moved to the end of the one before them on their track (the observers' clocks disagree there)` : ''}`,
          '',
          trackTreeText(d.tracks),
        ].join('\n'),
      );
    });
  },
});
