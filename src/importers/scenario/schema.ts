import { z } from 'zod';
import { EVENT_KINDS } from '../../model/event.js';
import { int } from '../../model/events/index.js';
import { ARCHES } from '../../engine/policy/define.js';
import { hostFactsSchema } from '../../engine/policy/vocabulary.js';

// The shape of a scenario file (README.md, "Scenarios"). Event args are checked separately, per
// event name, once the event's kind and name are known.

const argValue: z.ZodType = z.lazy(() =>
  z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(argValue), z.record(z.string(), argValue)]),
);

export const observedResult = z.strictObject({
  ret: z.union([int, z.string()]).optional(),
  errno: z
    .string()
    .regex(/^E[A-Z0-9]+$/, { error: 'expected an errno name such as EINVAL' })
    .optional(),
  exit: z
    .string()
    .regex(/^KVM_EXIT_\w+$/, { error: 'expected a KVM_EXIT_* name' })
    .optional(),
  fdPath: z.string().optional(),
  duration: z.number().optional(),
});

const common = {
  args: z.record(z.string(), argValue).default({}),
  result: observedResult.optional(),
  label: z
    .string()
    .regex(/^[\w.-]+$/, { error: 'expected a label of letters, digits, _ . -' })
    .optional(),
  ts: z.number().optional(),
  pid: int.optional(),
  tid: int.optional(),
  comm: z.string().optional(),
  cpu: int.optional(),
  vm: int.optional(),
  vcpu: int.optional(),
};

/** One event: exactly one kind key whose value is the event name, e.g. `ioctl: KVM_RUN`. */
export const scenarioEvent = z
  .strictObject({ ...common, ...Object.fromEntries(EVENT_KINDS.map((k) => [k, z.string().min(1).optional()])) })
  .superRefine((event, ctx) => {
    const kinds = EVENT_KINDS.filter((k) => (event as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of ${EVENT_KINDS.join(', ')} naming the event` });
  });

export const positionRef = z.union([int.nonnegative(), z.string()], { error: 'expected an event index or a label' });

export const expectation = z.strictObject({
  at: positionRef,
  policy: z.union([z.string(), z.array(z.string())]).optional(),
  /** Why this expectation matters: printed by `check` and `demo`. */
  note: z.string().optional(),
  state: z.record(z.string(), argValue).optional(),
  effects: z.array(z.record(z.string(), argValue)).optional(),
  /** Effect kinds that must not occur at this event. */
  no_effects: z.array(z.string()).optional(),
});

export const scenarioFile = z.strictObject({
  name: z.string().regex(/^[\w.-]+$/, { error: 'expected a name of letters, digits, _ . -' }),
  description: z.string(),
  source: z.union([z.string(), z.array(z.string())], { error: 'expected the seed file, commit or patch this scenario comes from' }),
  arch: z.enum(ARCHES, { error: `expected one of ${ARCHES.join(', ')}` }),
  /** Facts about the host the trace cannot show (a CPU feature, say): each area declares the ones it reads. */
  host: hostFactsSchema().default({}),
  defaults: z.strictObject({ pid: int.optional(), tid: int.optional(), comm: z.string().optional() }).default({}),
  events: z.array(z.unknown()).min(1, { error: 'expected at least one event' }),
  expect: z.array(z.unknown()).default([]),
});

export type ScenarioHeader = z.infer<typeof scenarioFile>;
export type Expectation = z.infer<typeof expectation>;
