import { z } from 'zod';
import { CORE_EVENTS, type EventShape } from '../../model/events/index.js';
import { CORE_HOST_FACTS } from '../../model/events/host.js';
import { AREAS } from './registry.js';

// The whole vocabulary: the core's event schemas and those of every built-in area, each key declared
// once. Importers validate what they produce against it (loosely: fields a schema does not name are
// kept, untyped); scenario files are held to it strictly, since a misspelt argument there is a mistake.

let shapes: ReadonlyMap<string, EventShape> | undefined;

export function eventShapes(): ReadonlyMap<string, EventShape> {
  if (shapes) return shapes;
  const all = new Map<string, EventShape>(Object.entries(CORE_EVENTS));
  for (const area of AREAS) {
    for (const [key, shape] of Object.entries(area.spec.events ?? {})) {
      if (all.has(key))
        throw new Error(`event ${key} is declared both by the core vocabulary or another area and by area '${area.spec.area}'`);
      all.set(key, shape);
    }
  }
  shapes = all;
  return all;
}

const loose = new Map<string, z.ZodType>();
const strict = new Map<string, z.ZodType>();

/** The schema an event key's args must meet; undefined for an event outside the vocabulary (kept with any args). */
export function argsSchema(key: string, mode: 'importer' | 'scenario'): z.ZodType | undefined {
  const cache = mode === 'importer' ? loose : strict;
  let schema = cache.get(key);
  if (!schema) {
    const shape = eventShapes().get(key);
    if (!shape) return undefined;
    schema = mode === 'importer' ? z.looseObject(shape) : z.strictObject(shape);
    cache.set(key, schema);
  }
  return schema;
}

/** Names remembered per kind, schema or none, before the memory of that kind is dropped and started again. */
const NAMES_PER_KIND = 4096;
const byKindName = {
  importer: new Map<string, Map<string, z.ZodType | null>>(),
  scenario: new Map<string, Map<string, z.ZodType | null>>(),
};

/**
 * argsSchema of `kind:name`, remembered without making the key: an importer asks once per event, and
 * most events (a guest's kvm_emulate_insn, say) have no schema, which argsSchema does not remember.
 */
export function argsSchemaOf(kind: string, name: string, mode: 'importer' | 'scenario'): z.ZodType | undefined {
  let names = byKindName[mode].get(kind);
  if (!names || names.size >= NAMES_PER_KIND) byKindName[mode].set(kind, (names = new Map()));
  let schema = names.get(name);
  if (schema === undefined) names.set(name, (schema = argsSchema(`${kind}:${name}`, mode) ?? null));
  return schema ?? undefined;
}

/** The host facts (a scenario's `host:`) the core and every built-in area read, each checked by its owner's schema. */
export function hostFactsSchema(): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = { ...CORE_HOST_FACTS };
  for (const area of AREAS) Object.assign(shape, area.spec.hostFacts ?? {});
  return z.strictObject(shape);
}
