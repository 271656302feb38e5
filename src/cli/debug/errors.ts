// A command the user typed wrongly: reported on its line, and the session goes on.
import { HvreplayError } from '../../errors.js';

export class DebugInputError extends HvreplayError {}
