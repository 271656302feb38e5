// Text from a trace (a comm, a marker, a JSON Lines string, a name in an old store) may hold escape
// sequences, carriage returns or bidi overrides that would rewrite what a terminal shows. Everything
// printed as text goes through here: control and format characters become visible escapes. --json
// output is JSON, already escaped.

// C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Lines of text made safe to print: newlines and tabs stay, every other control character is escaped. */
export function terminalText(text: string): string {
  return text.replace(HIDDEN, escape);
}

/** One line: a newline inside it is escaped too, so one record can never pass for two. */
export function terminalLine(text: string): string {
  return terminalText(text).replace(/\n/g, '\\n');
}
