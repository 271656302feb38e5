// A long strace recording made of a real one: test/fixtures/traces/q35-virtio-split.strace.gz (QEMU
// booting a q35 guest with virtio devices, 4,806 lines of `strace -f -ttt -T -y`) repeated whole,
// each copy's times shifted past the one before, until `lines` are reached. Same tasks, same calls,
// the same unfinished/resumed pairs: what a long recording of the same VMM looks like to the parser.

import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const STRACE_SOURCE = fileURLToPath(new URL('../../test/fixtures/traces/q35-virtio-split.strace.gz', import.meta.url));
export const STRACE_LINES = 1_200_000;

const TIMED = /^(\S+\s+)(\d+)\.(\d{6})(\s.*)$/;

export async function generateStrace(path: string, lines = STRACE_LINES): Promise<{ path: string; lines: number; bytes: number }> {
  const source = gunzipSync(readFileSync(STRACE_SOURCE)).toString('utf8').trimEnd().split('\n');
  const parsed = source.map((line) => {
    const m = TIMED.exec(line);
    if (!m) throw new Error(`${STRACE_SOURCE}: a line without a -ttt time: ${line}`);
    return { head: m[1]!, us: Number(m[2]) * 1e6 + Number(m[3]), tail: m[4]! };
  });
  // Each copy starts a second after the one before ends.
  const span = parsed.at(-1)!.us - parsed[0]!.us + 1e6;
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  let bytes = 0;
  for (let copy = 0; written < lines; copy++) {
    let buf = '';
    for (const { head, us, tail } of parsed) {
      if (written === lines) break;
      const t = us + copy * span;
      buf += `${head}${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}${tail}\n`;
      written++;
    }
    bytes += Buffer.byteLength(buf);
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, lines: written, bytes };
}
