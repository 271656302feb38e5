import type { z } from 'zod';
import { HOST_EVENTS } from './host.js';
import { IOCTL_EVENTS } from './ioctl.js';
import { KERNEL_EVENTS } from './kernel.js';
import { SYSCALL_EVENTS } from './syscall.js';

// The vocabulary's argument schemas are the one source of the argument types: an importer's output is
// validated against them, and a reducer's `event.args` is typed from them, so a reducer cannot read an
// argument no importer produces. Policy areas add the events they introduce in their own folders
// (`events.ts`), by declaration merging into EventArgsMap.

export type EventShape = z.ZodRawShape;
export type ShapeArgs<S extends EventShape> = z.output<z.ZodObject<S>>;
export type ArgsOfShapes<T extends Record<string, EventShape>> = { [K in keyof T]: ShapeArgs<T[K]> };

/** The events the core reducers read. */
export const CORE_EVENTS = { ...IOCTL_EVENTS, ...SYSCALL_EVENTS, ...KERNEL_EVENTS, ...HOST_EVENTS } satisfies Record<string, EventShape>;

/** `kind:name` -> its args, for every event with a declared schema. Areas merge theirs in. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by `extends` here and by declaration merging in the areas
export interface EventArgsMap extends ArgsOfShapes<typeof CORE_EVENTS> {}

export type EventKey = Extract<keyof EventArgsMap, string>;

export { address, fdArgs, int, memslotFlags } from './fields.js';
