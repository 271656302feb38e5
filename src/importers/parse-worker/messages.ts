import type { ExitCode } from '../../errors.js';
import type { FormatName } from '../format.js';
import type { ImportProblem } from '../stats.js';
import type { SourceProgress } from '../source.js';
import type { SourceInfo } from '../../store/traces.js';
import type { PackedBatch } from './batch.js';

// What the writing thread and the parsing thread of an import say to each other.

export interface ParseJob {
  path: string;
  format: FormatName | undefined;
  /** Batches the parser may send ahead of the writer's acknowledgements. */
  inFlight: number;
}

export type FromParser =
  | { type: 'batch'; batch: PackedBatch; problems: ImportProblem[]; progress: SourceProgress | undefined }
  | { type: 'end'; problems: ImportProblem[]; counts: [string, number][]; source: SourceInfo }
  | { type: 'error'; message: string; source: boolean; exitCode: ExitCode | undefined; stack: string | undefined };
