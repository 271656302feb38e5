import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO, tempDir } from '../helpers/temp.js';

// "The README has a section for each, with examples that run as written": every `hvreplay ...` line of
// the README's code blocks runs, in order, against one fresh store, from a directory that holds what
// the repository root does. A line with a placeholder (TRACE, FILE, ...) or needing root is not run.
// A console example whose output begins `hvreplay:` shows an error: it must fail with exit 2.

interface Example {
  line: number;
  command: string;
  /** The example shows an error message, so it must exit 2. */
  fails: boolean;
}

const PLACEHOLDER = /(^|\s)(TRACE\w*|FILE|CMD|PATH|EXPR|N|ID|IDS|OTHER|\.\.\.)(\s|$)|\[--|\.\/my-patch\.js|\.\/still-alive\.sh|<\w+>/;

function examples(readme: string): Example[] {
  const lines = readme.split('\n');
  const out: Example[] = [];
  let fenced = false;
  let console = false;
  let vars: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.startsWith('```')) {
      fenced = !fenced;
      // In a console block only `$ ` lines are commands; the rest is what they printed.
      console = fenced && raw.startsWith('```console');
      continue;
    }
    const indented = !fenced && raw.startsWith('    ') && (i === 0 || lines[i - 1]!.trim() === '' || lines[i - 1]!.startsWith('    '));
    if (!fenced && !indented) continue;
    let text = raw.trim();
    const assign = /^([A-Z]+)=(\S+)$/.exec(text);
    if (assign) vars = { ...vars, [assign[1]!]: assign[2]! };
    if (!(console ? /^\$ hvreplay / : /^(\$ )?hvreplay /).test(text)) continue;
    const start = i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + ' ' + lines[++i]!.trim();
    const command = text
      .replace(/^\$ /, '')
      .replace(/\s+#\s.*$/, '')
      .replace(/\$([A-Z]+)/g, (_, v: string) => vars[v] ?? `$${v}`);
    if (PLACEHOLDER.test(command) || /\bsudo\b|\brecord\b/.test(command)) continue;
    const fails = raw.startsWith('$ ') && (lines[i + 1] ?? '').startsWith('hvreplay:');
    out.push({ line: start + 1, command, fails });
  }
  return out;
}

/** Splits a command line as a shell would for these examples: words, and '...' or "..." quoted. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('README examples run as written', () => {
  const all = examples(readFileSync(join(REPO, 'README.md'), 'utf8'));
  const dir = tempDir('hvreplay-readme-');
  for (const entry of ['scenarios', 'test', 'examples']) symlinkSync(join(REPO, entry), join(dir, entry));
  const db = join(dir, 'hvreplay.db');

  it(`finds the examples (${all.length})`, () => assert.ok(all.length >= 40, `${all.length}`));

  it('each exits as the README says: 0 or 1 (a negative answer), or 2 where it shows an error', () => {
    const failures: string[] = [];
    for (const { line, command, fails } of all) {
      const [, ...args] = words(command);
      const run = spawnSync(process.execPath, [join(REPO, 'dist/src/cli/main.js'), ...args], {
        cwd: dir,
        encoding: 'utf8',
        input: '',
        env: { ...process.env, HVREPLAY_DB: db, HVREPLAY_HISTORY: join(dir, 'history') },
        timeout: 120_000,
      });
      const ok = fails ? run.status === 2 : run.status === 0 || run.status === 1;
      if (!ok)
        failures.push(
          `README.md:${line}: ${command}\n  exit ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(0, 3).join('\n  ')}`,
        );
    }
    assert.deepEqual(failures, []);
  });
});
