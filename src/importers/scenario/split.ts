// A scenario's events read one at a time. The yaml library composes a whole document into nodes with
// positions before handing any value out: for a 100,000-event scenario (17 MB) that is 40 s and 1.5 GB,
// most of it the collector walking the growing document. A scenario's events are nearly always a
// block sequence under a top-level `events:`, each item on lines of its own, so the text can be cut
// into one small document per event (7 s and 130 MB for the same file). A file this cannot cut
// safely (anchors or aliases, which reach across items; flow-style events; several documents;
// indentation it does not expect) is read as one document as before: the cut is only ever a shortcut.

export interface ScenarioPieces {
  /** The file with `events: []` in place of the events' lines. */
  head: string;
  /** The file's line number of the head's line `line`. */
  headLine: (line: number) => number;
  /** Each event item's text, and the file's line number of its first line. */
  items: { text: string; line: number }[];
}

/**
 * An anchor (&a) or alias (*a) token: either can tie one item to another. Prose such as `a && b` in a
 * note is not one. A rarer anchor this misses makes an item's YAML fail alone, and then the whole file
 * is read as one document (load.ts), so a miss costs time, never a wrong answer.
 */
const ANCHOR_OR_ALIAS = /(^|[\s,[{])[&*][\w-]/m;
const EVENTS_KEY = /^events:[ \t]*(#.*)?$/;
const DOCUMENT_MARKER = /^(---|\.\.\.)(\s|$)/m;

export function splitScenario(text: string): ScenarioPieces | undefined {
  if (ANCHOR_OR_ALIAS.test(text) || DOCUMENT_MARKER.test(text)) return undefined;
  const lines = text.split('\n');
  const at = lines.findIndex((l) => EVENTS_KEY.test(l));
  if (at < 0 || lines.slice(at + 1).some((l) => EVENTS_KEY.test(l))) return undefined;
  let end = at + 1;
  while (end < lines.length && !/^[^\s#]/.test(lines[end]!)) end++;
  const first = lines.slice(at + 1, end).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const indent = first === undefined ? undefined : /^( +)- /.exec(first)?.[1];
  if (indent === undefined) return undefined;
  const items: { text: string; line: number }[] = [];
  let open: { from: number } | undefined;
  const close = (to: number) => {
    if (open) items.push({ text: lines.slice(open.from, to).join('\n'), line: open.from + 1 });
  };
  for (let i = at + 1; i < end; i++) {
    const line = lines[i]!;
    if (line.startsWith(indent + '- ') || line === indent + '-') {
      close(i);
      open = { from: i };
    } else if (line.trim() !== '' && !line.trimStart().startsWith('#') && !line.startsWith(indent + ' ')) return undefined;
  }
  close(end);
  // The events' lines are left out, not blanked: a million empty lines cost the yaml library a third
  // of a second. What follows them is told its own line numbers.
  const head = [...lines.slice(0, at), 'events: []', ...lines.slice(end)].join('\n');
  const removed = end - at - 1;
  return { head, headLine: (line) => (line > at + 1 ? line + removed : line), items };
}
