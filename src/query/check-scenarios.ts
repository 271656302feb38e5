import { importScenario } from '../importers/import.js';
import type { SqlDatabase } from '../store/sql.js';
import { checkExpectations, type ExpectationResult } from './expectations.js';
import { loadScenarioPolicies } from './policy-files.js';

export interface ScenarioCheck {
  file: string;
  trace: string;
  events: number;
  results: ExpectationResult[];
}

/** Import each scenario (reused while unchanged) and run its expectations, one replay per policy set. */
export async function checkScenarioFiles(db: SqlDatabase, files: readonly string[]): Promise<ScenarioCheck[]> {
  const checks: ScenarioCheck[] = [];
  for (const file of files) {
    const { trace } = importScenario(db, file);
    await loadScenarioPolicies(trace);
    checks.push({ file, trace: trace.name, events: trace.eventCount, results: checkExpectations(db, trace) });
  }
  return checks;
}
