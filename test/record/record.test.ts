import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open.js';
import { getTrace } from '../../src/store/traces.js';
import { readEvents } from '../../src/store/event-reader.js';
import { tempDir } from '../helpers/temp.js';

const TRACEFS = '/sys/kernel/tracing';
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const VMM_C = fileURLToPath(new URL('../../../test/fixtures/vmm/mini-vmm.c', import.meta.url));

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (tracefs)';
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm';
  if (!existsSync(`${TRACEFS}/instances`)) return `tracefs not mounted at ${TRACEFS}`;
  if (!has('gcc', ['--version'])) return 'no gcc to build mini-vmm.c';
  if (!has('strace', ['-V'])) return 'no strace';
  return undefined;
}

/** The top-level tracefs settings record must leave as they were, and the instances present. */
function tracefsState(): Record<string, string> {
  const read = (f: string) => readFileSync(`${TRACEFS}/${f}`, 'utf8');
  return {
    tracing_on: read('tracing_on'),
    buffer_size_kb: read('buffer_size_kb'),
    trace_clock: read('trace_clock'),
    kvm_enable: read('events/kvm/enable'),
    sched_switch_enable: read('events/sched/sched_switch/enable'),
    set_event: read('set_event'),
    instances: readdirSync(`${TRACEFS}/instances`).sort().join(','),
  };
}

const reason = skipReason();

/** mini-vmm built and recorded into a fresh store as trace 'rec', with the tracefs state before. */
function recordVmm(options: string[]): { dir: string; db: string; stdout: string; before: Record<string, string> } {
  const dir = tempDir('hvreplay-record-test-');
  const vmm = join(dir, 'mini-vmm');
  const cc = spawnSync('gcc', ['-O2', '-o', vmm, VMM_C, '-lpthread'], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const before = tracefsState();
  const db = join(dir, 't.db');
  const r = spawnSync(process.execPath, [MAIN, '--db', db, 'record', '--name', 'rec', '--dir', dir, ...options, '--', vmm], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return { dir, db, stdout: r.stdout, before };
}

describe('record end to end with the tiny VMM', { skip: reason }, () => {
  it('records strace + tracefs, shows the read-only write as KVM_EXIT_MMIO, restores tracefs', () => {
    const { db, stdout, before } = recordVmm([]);
    assert.match(stdout, /imported trace 'rec' \(id \d+, strace\+ftrace\)/);
    assert.match(stdout, /hvsync markers at/);
    assert.deepEqual(tracefsState(), before);
    const store = openStore(db);
    const events = [...readEvents(store, getTrace(store, 'rec'))];
    const runs = events.filter((e) => e.name === 'KVM_RUN').map((e) => e.result?.exit);
    assert.deepEqual(runs, ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT']);
    const mmio = events.find((e) => e.name === 'kvm_mmio');
    assert.equal(mmio?.args.type, 'write');
    assert.equal(mmio?.args.gpa, 0x1000);
    // Cause before return: the kvm_mmio write precedes the KVM_RUN that reports KVM_EXIT_MMIO.
    const exitRun = events.find((e) => e.name === 'KVM_RUN' && e.result?.exit === 'KVM_EXIT_MMIO')!;
    assert.ok(mmio!.seq < exitRun.seq);
    store.close();
  });

  it(
    'keeps the kernel side as a trace.dat with --format dat, and imports it with the strace',
    { skip: spawnSync('trace-cmd', ['--version']).error ? 'no trace-cmd (Debian: apt-get install trace-cmd)' : undefined },
    () => {
      const { dir, db, stdout, before } = recordVmm(['--format', 'dat']);
      assert.match(stdout, /imported trace 'rec' \(id \d+, strace\+tracedat\)/);
      assert.match(stdout, /hvsync markers at/);
      assert.ok(existsSync(join(dir, 'record.dat')));
      assert.deepEqual(tracefsState(), before);
      const store = openStore(db);
      const events = [...readEvents(store, getTrace(store, 'rec'))];
      assert.deepEqual(
        events.filter((e) => e.name === 'kvm_userspace_exit').map((e) => e.result?.exit),
        ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT'],
      );
      const mmio = events.find((e) => e.name === 'kvm_mmio')!;
      const exitRun = events.find((e) => e.name === 'KVM_RUN' && e.result?.exit === 'KVM_EXIT_MMIO')!;
      assert.ok(mmio.seq < exitRun.seq);
      store.close();
    },
  );

  it('refuses a missing command with a usage error and leaves no instance behind', () => {
    const before = tracefsState();
    const scratch = tempDir('hvreplay-record-test-');
    const r = spawnSync(
      process.execPath,
      [MAIN, '--db', join(scratch, 't.db'), 'record', '--dir', join(scratch, 'files'), '--', '/nonexistent/vmm'],
      { encoding: 'utf8' },
    );
    assert.notEqual(r.status, 0);
    assert.deepEqual(tracefsState(), before);
  });
});
