import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

// One YAML document of a scenario (the whole file, its head, or one event item), read with the
// options every part is read with, and the file's line of any path in it.

/** yaml's bound on alias expansion: each alias may stand for this many nodes (its default is 100). */
export const MAX_ALIAS_COUNT = 100;

export type Path = readonly (string | number | symbol)[];

export interface YamlPart {
  /** `file:line: not valid YAML: ...` for each error, with the file's line numbers. */
  errors: string[];
  doc: Document;
  /** The file's line of the node at `path`, or of its nearest ancestor. */
  lineOf(path: Path): number | undefined;
}

/** `fileLine` gives the file's line number of a line of the text (by default, they are the same). */
export function readYaml(file: string, text: string, fileLine: (line: number) => number = (line) => line): YamlPart {
  const lines = new LineCounter();
  // merge: YAML 1.1's `<<: *anchor` merge keys, which scenario authors use for shared args.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, merge: true });
  return {
    doc,
    errors: doc.errors.map((e) => `${file}:${e.linePos ? fileLine(e.linePos[0].line) : '?'}: not valid YAML: ${e.message.split('\n')[0]}`),
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return fileLine(lines.linePos(node.range[0]).line);
      }
      return undefined;
    },
  };
}

/** The line of the first alias, for a refused alias bomb. */
export function firstAliasLine(text: string): number {
  const at = text.search(/(^|[\s[{,:])\*[^\s,\]}]/m);
  return at < 0 ? 1 : text.slice(0, at + 1).split('\n').length;
}
