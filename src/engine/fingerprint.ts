import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A persisted state is only as good as the code that produced it. The fingerprint hashes the compiled
// reducers, policies and model (every .js file under dist/src/engine and dist/src/model, in path order),
// so any change to them, however small, gives new snapshots a new key and old ones are never reused.

/** dist/src/ as seen from this file (dist/src/engine/fingerprint.js). */
const DIST_SRC = fileURLToPath(new URL('../', import.meta.url));
const FOLDERS = ['engine', 'model'];

function jsFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return jsFiles(`${dir}${entry.name}/`, `${prefix}${entry.name}/`);
    return entry.isFile() && entry.name.endsWith('.js') ? [prefix + entry.name] : [];
  });
}

/** sha256 over the relative path and bytes of each file; exported for tests with another root. */
export function fingerprintOf(root: string, folders: readonly string[] = FOLDERS): string {
  const hash = createHash('sha256');
  for (const folder of folders) {
    for (const file of jsFiles(`${root}${folder}/`, `${folder}/`).sort()) {
      hash
        .update(file)
        .update('\0')
        .update(readFileSync(root + file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 32);
}

let cached: string | undefined;

/** The running engine's fingerprint, computed once per process. */
export function engineFingerprint(): string {
  cached ??= fingerprintOf(DIST_SRC);
  return cached;
}
