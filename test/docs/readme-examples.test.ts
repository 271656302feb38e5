import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO, tempDir } from '../helpers/temp.js';

// "The README has a section for each, with examples that run as written": every `hvreplay ...` line of
// the README's code blocks runs, in order, against one fresh store, from a directory that holds what
// the repository root does. A line with a placeholder (TRACE, FILE, ...) or needing root is not run.
// A console example whose output begins `hvreplay:` shows an error: it must fail with exit 2. What a
// console example shows it printed must be printed, in order ('...' stands for what is left out).

interface Example {
  line: number;
  command: string;
  /** The example shows an error message, so it must exit 2. */
  fails: boolean;
  /** What a console example shows it printed ('...' stands for what is left out). */
  shown: string[];
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
    const shown: string[] = [];
    if (console)
      for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('$ ') && !lines[j]!.startsWith('```'); j++) shown.push(lines[j]!);
    out.push({ line: start + 1, command, fails, shown });
  }
  return out;
}

/**
 * A debugger session shown as typed in a terminal: its commands are fed on stdin, and what only a
 * terminal shows (the banner and the prompts) is not looked for.
 */
const PROMPT = /^\(hvreplay @\d+\/\d+\)(?: (.*))?$/;

function session(shown: readonly string[]): { input: string; shown: string[] } {
  const typed = shown.map((l) => PROMPT.exec(l)?.[1]).filter((c): c is string => c !== undefined && c !== '');
  if (typed.length === 0) return { input: '', shown: [...shown] };
  return { input: typed.join('\n') + '\n', shown: shown.filter((l) => !PROMPT.test(l) && !l.startsWith('hvreplay debug: ')) };
}

/** The shown lines that are not in the output, in order; '...' in a line stands for any text. */
function notPrinted(shown: readonly string[], printed: string): string[] {
  const out = printed.split('\n').map((l) => l.trimEnd());
  const missing: string[] = [];
  let at = 0;
  for (const want of shown.map((l) => l.trimEnd())) {
    if (want.trim() === '...' || want === '') continue;
    const pattern = new RegExp(
      `^${want
        .split('...')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const found = out.findIndex((l, k) => k >= at && pattern.test(l));
    if (found < 0) missing.push(want);
    else at = found + 1;
  }
  return missing;
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
    for (const { line, command, fails, shown } of all) {
      const [, ...args] = words(command);
      const typed = session(shown);
      const run = spawnSync(process.execPath, [join(REPO, 'dist/src/cli/main.js'), ...args], {
        cwd: dir,
        encoding: 'utf8',
        input: typed.input,
        env: { ...process.env, HVREPLAY_DB: db, HVREPLAY_HISTORY: join(dir, 'history') },
        timeout: 120_000,
      });
      const ok = fails ? run.status === 2 : run.status === 0 || run.status === 1;
      if (!ok)
        failures.push(
          `README.md:${line}: ${command}\n  exit ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(0, 3).join('\n  ')}`,
        );
      const missing = notPrinted(typed.shown, `${run.stdout}\n${run.stderr}`);
      if (missing.length > 0)
        failures.push(`README.md:${line}: ${command}\n  shows what it does not print:\n    ${missing.slice(0, 4).join('\n    ')}`);
    }
    assert.deepEqual(failures, []);
  });
});
