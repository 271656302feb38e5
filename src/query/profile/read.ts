import { readFileSync } from 'node:fs';
import { SourceError } from '../../errors.js';
import type { HostFacts } from '../../model/state.js';
import { hostFactsOf, hostProfileSchema, type HostProfile } from './profile.js';

/** A host profile file (`hvreplay profile -o`), checked against its schema; a bad one names the file and the field. */
export function readHostProfile(path: string): HostProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SourceError(`--host ${path}: ${(error as Error).message}`);
  }
  const parsed = hostProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SourceError(
      `--host ${path}: ${issue.path.join('.') || 'the file'}: ${issue.message} (expected what \`hvreplay profile TRACE -o FILE\` writes)`,
    );
  }
  return parsed.data;
}

/** The host facts of a profile file, as `--host FILE` applies them. */
export function readHostFacts(path: string): HostFacts {
  return hostFactsOf(readHostProfile(path));
}
