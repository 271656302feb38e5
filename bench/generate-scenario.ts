// A large scenario as a program would write one: the events of the bundled scenarios (those without
// anchors or aliases), one after another again and again with a time each, without their labels
// (which must be unique), under one header. Used to measure scenario import at scale.

import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitScenario } from '../src/importers/scenario/split.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
export const SCENARIO_EVENTS = 100_000;

/** Each bundled event item's lines, without label, ts and comment lines. */
function bundledItems(): string[][] {
  const items: string[][] = [];
  for (const file of readdirSync(SCENARIOS).sort()) {
    const pieces = splitScenario(readFileSync(join(SCENARIOS, file), 'utf8'));
    for (const item of pieces?.items ?? []) {
      const lines = item.text.split('\n').filter((l) => l.trim() !== '' && !/^\s*(label|ts):/.test(l) && !/^\s*#/.test(l));
      if (/^ {2}- \w+: /.test(lines[0] ?? '')) items.push(lines);
    }
  }
  return items;
}

export async function generateScenario(path: string, events = SCENARIO_EVENTS): Promise<{ path: string; events: number; bytes: number }> {
  const items = bundledItems();
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = `name: generated\ndescription: Events of the bundled scenarios, repeated (bench/generate-scenario.ts).\nsource: "bench"\narch: x86_64\ndefaults: { pid: 900, comm: qemu-system-x86 }\nevents:\n`;
  let bytes = 0;
  for (let i = 0; i < events; i++) {
    const [first, ...rest] = items[i % items.length]!;
    buf += `${first}\n    ts: ${(1000 + i / 1000).toFixed(6)}\n${rest.map((l) => l + '\n').join('')}`;
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return { path, events, bytes };
}
