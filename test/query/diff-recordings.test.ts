import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventSignature } from '../../src/query/event-signature.js';
import { straceFormat } from '../../src/importers/strace/format.js';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines, parseLines } from '../importers/fixtures.js';

// `hvreplay diff A B` of two recordings of one run shows what the run did differently, not what
// differs in every recording: times (the hvsync markers' payload among them), pids in paths, and
// what the host's other tasks and its scheduler did. The second recording here is a copy of the real
// mini recording as a later run would have printed it: every time 100 s later, every pid 1000 up,
// and (for the second check) without the host's other tasks.

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));
const LATER = 100;

function laterStrace(lines: string[]): string[] {
  return lines.map((l) =>
    l
      .replace(
        /^(\d+)(\s+)(\d+\.\d+)/,
        (_, pid: string, gap: string, ts: string) => `${Number(pid) + 1000}${gap}${(Number(ts) + LATER).toFixed(6)}`,
      )
      .replace(/\/(proc|task)\/(\d+)/g, (_, k: string, n: string) => `/${k}/${Number(n) + 1000}`),
  );
}

function laterFtrace(lines: string[], keep: (pid: number) => boolean): string[] {
  return lines
    .filter((l) => {
      const pid = /-(\d+)\s+\[\d{3}\]/.exec(l)?.[1];
      return pid === undefined || keep(Number(pid)) || l.includes(': hvsync ');
    })
    .map((l) =>
      l
        .replace(/-(\d+)(\s+\[\d{3}\])/, (_, pid: string, cpu: string) => `-${Number(pid) + 1000}${cpu}`)
        .replace(/(prev|next)_pid=(\d+)/g, (_, k: string, pid: string) => `${k}_pid=${Number(pid) + 1000}`)
        .replace(/ (\d+\.\d{6}): /, (_, ts: string) => ` ${(Number(ts) + LATER).toFixed(6)}: `)
        .replace(/realtime_ns=(\d+)/, (_, ns: string) => `realtime_ns=${BigInt(ns) + BigInt(LATER) * 1_000_000_000n}`),
    );
}

describe('diff of two recordings of one run', () => {
  const dir = tempDir('hvreplay-diff-rec-');
  const db = join(dir, 't.db');
  const write = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
  };

  it('finds none where only the times, the markers and the pids differ', () => {
    const strace = write('later.strace', laterStrace(fixtureLines('mini.strace')));
    const ftrace = write(
      'later.ftrace',
      laterFtrace(fixtureLines('mini.ftrace'), () => true),
    );
    assert.equal(hvreplay(db, ['import', fixture('mini.strace'), fixture('mini.ftrace'), '--name', 'a']).status, 0);
    assert.equal(hvreplay(db, ['import', strace, ftrace, '--name', 'b']).status, 0);
    const r = hvreplay(db, ['diff', 'a', 'b']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /the event sequences match/);
  });

  it("leaves out the host's other tasks and its scheduler, however many there were", () => {
    // The later run's ftrace without the other tasks' lines (strace's own, kworkers...) but its markers.
    const ftrace = write(
      'quiet.ftrace',
      laterFtrace(fixtureLines('mini.ftrace'), (pid) => pid === 9889),
    );
    const strace = write('later2.strace', laterStrace(fixtureLines('mini.strace')));
    assert.equal(hvreplay(db, ['import', strace, ftrace, '--name', 'quiet']).status, 0);
    const r = hvreplay(db, ['diff', 'a', 'quiet', '--json']);
    assert.equal(r.status, 0, r.stdout);
    const report = JSON.parse(r.stdout) as { hunks: number; hostEventsLeftOut: { a: number; b: number } };
    assert.equal(report.hunks, 0);
    assert.ok(report.hostEventsLeftOut.a > report.hostEventsLeftOut.b, JSON.stringify(report.hostEventsLeftOut));
  });

  it('a path naming a pid is the same call in both (/proc/self/task/N/comm of pthread_setname_np)', () => {
    const lines = fixtureLines('vmm-fds.strace');
    const [a, b] = [parseLines(straceFormat, 'a', lines).events, parseLines(straceFormat, 'b', laterStrace(lines)).events];
    const i = a.findIndex((e) => e.name === 'openat' && String(e.args.path).startsWith('/proc/self/task/'));
    assert.notEqual(a[i]!.args.path, b[i]!.args.path);
    assert.equal(eventSignature({ ...a[i]!, seq: 0 }), eventSignature({ ...b[i]!, seq: 0 }));
  });
});
