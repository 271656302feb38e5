import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { importFiles } from '../../src/importers/import.js';
import { parseOnWorker } from '../../src/importers/parse-worker/client.js';
import { readEvents } from '../../src/store/event-reader.js';
import { openStore } from '../../src/store/open.js';
import { readProblems } from '../../src/store/traces.js';
import { fixturePath } from '../helpers/stored-fixture.js';
import { tempDir } from '../helpers/temp.js';

// An import parsed on a worker thread stores what the same import on one thread stores: the same
// events, the same statistics and problems, the same sources; and fails the same way.

const dir = tempDir('hvreplay-parse-worker-');
const saved = process.env.HVREPLAY_IMPORT_THREADS;
after(() => {
  if (saved === undefined) delete process.env.HVREPLAY_IMPORT_THREADS;
  else process.env.HVREPLAY_IMPORT_THREADS = saved;
});

async function imported(file: string, threads: '1' | '2') {
  process.env.HVREPLAY_IMPORT_THREADS = threads;
  const db = openStore(join(dir, `${threads}-${file.replace(/\W/g, '_')}.db`));
  try {
    const { trace, stats } = await importFiles(db, { files: [file], name: 't' });
    return {
      events: [...readEvents(db, trace)],
      stats: stats.toJSON(),
      problems: [...readProblems(db, trace.id)],
      sources: trace.sources,
      format: trace.format,
      checksum: trace.checksum,
    };
  } finally {
    db.close();
  }
}

describe('import on two threads', () => {
  it('is what parseOnWorker chooses with a second core, unless HVREPLAY_IMPORT_THREADS=1', () => {
    assert.equal(parseOnWorker({ HVREPLAY_IMPORT_THREADS: '1' }), false);
    assert.equal(parseOnWorker({ HVREPLAY_IMPORT_THREADS: '2' }), true);
  });

  for (const name of ['qemu-kvm.ftrace.gz', 'qemu-kvm.strace.gz', 'vmm-signal.strace', 'kvm-mini.dat', 'borrowed-report-svm-gp.txt']) {
    it(`stores ${name} as one thread does`, async () => {
      const one = await imported(fixturePath(name), '1');
      const two = await imported(fixturePath(name), '2');
      assert.ok(one.events.length > 0);
      assert.deepStrictEqual(two, one);
    });
  }

  it('stores the problems of a file with bad lines, in order, and refuses a damaged gzip as one thread does', async () => {
    const lines = readFileSync(fixturePath('mini.strace'), 'utf8').split('\n');
    const bad = join(dir, 'bad.strace');
    writeFileSync(bad, [...lines.slice(0, 3), 'garbage (', 'x'.repeat(300), ...lines.slice(3)].join('\n'));
    const one = await imported(bad, '1');
    assert.ok(one.problems.length >= 2);
    assert.deepStrictEqual(await imported(bad, '2'), one);
    const gz = readFileSync(fixturePath('qemu-kvm.ftrace.gz'));
    const cut = join(dir, 'cut.ftrace.gz');
    writeFileSync(cut, gz.subarray(0, 60_000));
    const failure = async (threads: '1' | '2') => {
      try {
        await imported(cut, threads);
      } catch (error) {
        return [(error as Error).constructor.name, (error as Error).message];
      }
      return undefined;
    };
    const oneFails = await failure('1');
    assert.ok(oneFails);
    assert.deepEqual(await failure('2'), oneFails);
  });
});
