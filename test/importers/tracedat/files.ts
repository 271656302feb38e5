// The real trace.dat fixtures (test/fixtures/traces/, see its README), unpacked to a temporary
// directory when gzipped, since trace-cmd reads only plain files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/traces/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'hvreplay-tracedat-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A plain path to the fixture (a .gz is unpacked once). */
export function fixturePath(name: string): string {
  if (!name.endsWith('.gz')) return join(FIXTURES, name);
  const out = join(dir, name.slice(0, -3));
  writeFileSync(out, gunzipSync(readFileSync(join(FIXTURES, name))));
  return out;
}

/** The fixture's bytes, unpacked. */
export function fixtureBytes(name: string): Buffer {
  const buf = readFileSync(join(FIXTURES, name));
  return name.endsWith('.gz') ? gunzipSync(buf) : buf;
}

/** A scratch file for a mutated copy. */
export function scratch(name: string): string {
  return join(dir, name);
}
