import { SourceError } from '../errors.js';

// A file that cannot be read, said as people say it: "no such file: PATH", not the errno's name.

const SAID: Record<string, (path: string) => string> = {
  ENOENT: (path) => `no such file: ${path}`,
  EACCES: (path) => `permission denied: ${path}`,
  EPERM: (path) => `permission denied: ${path}`,
  EISDIR: (path) => `${path} is a directory, not a file`,
};

export function unreadable(path: string, error: unknown): SourceError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const said = code === undefined ? undefined : SAID[code];
  if (said) return new SourceError(said(path));
  return new SourceError(`${path}: cannot read: ${code ?? (error instanceof Error ? error.message : String(error))}`);
}
