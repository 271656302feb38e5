import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NewEvent } from '../../src/model/event.js';
import { readEvents } from '../../src/store/event-reader.js';
import { openStore } from '../../src/store/open.js';
import { TraceWriter } from '../../src/store/trace-writer.js';
import { getTrace, listTraces } from '../../src/store/traces.js';
import { tempDir } from '../helpers/temp.js';

const event = (i: number): NewEvent => ({
  kind: 'ioctl',
  name: 'KVM_RUN',
  ts: 100 + i / 1000,
  pid: 7,
  tid: 8,
  comm: 'vcpu',
  args: { fd: 5 },
  result: { ret: 0, exit: 'KVM_EXIT_IO' },
  src: { file: 'x.strace', line: i + 1 },
});

describe('TraceWriter', () => {
  it('makes a trace visible to other connections only once its import committed', () => {
    const path = join(tempDir(), 'visible.db');
    const db = openStore(path);
    const reader = openStore(path);
    const writer = new TraceWriter(db, { name: 't', format: 'test', sources: [], contentHash: 'h' });
    for (let i = 0; i < 100; i++) writer.append(event(i));
    assert.equal(listTraces(reader).length, 0);
    writer.commit({ counts: {}, problems: [] });
    const trace = getTrace(reader, 't');
    assert.equal(trace.eventCount, 100);
    const events = [...readEvents(reader, trace)];
    assert.deepEqual(
      events.map((e) => e.seq),
      [...Array(100).keys()],
    );
    assert.deepEqual({ ...events[42], ts: undefined }, { ...event(42), seq: 42, ts: undefined });
    assert.ok(Math.abs(events[42]!.ts! - event(42).ts!) < 1e-6);
    db.close();
    reader.close();
  });

  it('leaves the store exactly as it was when an import is aborted', () => {
    const db = openStore(join(tempDir(), 'abort.db'));
    const writer = new TraceWriter(db, { name: 't', format: 'test', sources: [], contentHash: 'h' });
    writer.append(event(0));
    writer.abort();
    assert.equal(listTraces(db).length, 0);
    assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 0);
    db.close();
  });

  it('refuses a second trace of the same name unless asked to replace it', () => {
    const db = openStore(join(tempDir(), 'dup.db'));
    const w = new TraceWriter(db, { name: 't', format: 'test', sources: [], contentHash: 'h' });
    w.append(event(0));
    w.commit({});
    assert.throws(() => new TraceWriter(db, { name: 't', format: 'test', sources: [], contentHash: 'h' }), /exists already/);
    const r = new TraceWriter(db, { name: 't', format: 'test', sources: [], contentHash: 'h2', replace: true });
    r.append(event(0));
    r.append(event(1));
    r.commit({});
    assert.equal(getTrace(db, 't').eventCount, 2);
    assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 2);
    db.close();
  });
});
