import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFiles } from '../../src/importers/import.js';
import { openStore } from '../../src/store/open.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import type { TraceRecord } from '../../src/store/traces.js';
import { tempDir } from './temp.js';

/** A file of test/fixtures/traces (from dist/test/helpers at run time). */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));

/** Real recordings imported into a fresh store, as `hvreplay import` does. */
export async function storedFixture(name: string, files: string[]): Promise<{ db: SqlDatabase; trace: TraceRecord; dir: string }> {
  const dir = tempDir('hvreplay-fixture-');
  const db = openStore(join(dir, 't.db'));
  const { trace } = await importFiles(db, { files: files.map(fixturePath), name });
  return { db, trace, dir };
}

/** How often a fixed string occurs in a (gzipped) fixture, counted by zcat and grep as a person would. */
export function grepCount(file: string, text: string): number {
  const out = execFileSync('sh', ['-c', `zcat -f "$1" | grep -cF -- "$2" || true`, 'sh', fixturePath(file), text], { encoding: 'utf8' });
  return Number(out.trim());
}
