import { importScenario } from '../importers/import.js';
import type { SqlDatabase } from '../store/sql.js';
import { checkExpectations, type ExpectationResult } from './expectations.js';

export interface ScenarioCheck {
  file: string;
  trace: string;
  events: number;
  results: ExpectationResult[];
}

/** Import each scenario (reused while unchanged) and run its expectations, one replay per policy set. */
export function checkScenarioFiles(db: SqlDatabase, files: readonly string[]): ScenarioCheck[] {
  return files.map((file) => {
    const { trace } = importScenario(db, file);
    return { file, trace: trace.name, events: trace.eventCount, results: checkExpectations(db, trace) };
  });
}
