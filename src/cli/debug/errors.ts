// A command the user typed wrongly: reported on its line, and the session goes on.
export class DebugInputError extends Error {}
