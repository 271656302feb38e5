import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { SCENARIOS_DIR } from '../paths.js';

/** The bundled scenarios, in name order. */
export function bundledScenarios(dir = SCENARIOS_DIR): string[] {
  return (
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      // Relative to where the user stands, as a path they typed would be: it ends up in every event's source.
      .map((f) => relative(process.cwd(), dir + f) || dir + f)
  );
}
