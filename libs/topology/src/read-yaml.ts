import { Composer, isScalar, Lexer, Parser, visit, type CST, type Document, type LineCounter } from 'yaml';
import { MAX_TOPOLOGY_DEPTH, MAX_TOPOLOGY_TOKENS } from './limits';

/** The first YAML document of a text, read within the limits (yaml's own errors and warnings are on `doc`). */
export interface YamlRead {
  kind: 'read';
  doc: Document.Parsed;
  /** Where a second document starts, when the text holds more than one (only the first is read). */
  secondDocumentAt?: number;
}

/** A text refused by a limit before it was read to the end: what was exceeded, and where. */
export interface YamlRefused {
  kind: 'refused';
  message: string;
  offset: number;
}

class LimitExceeded extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Read the first YAML document of `text` as `parseDocument` would, in time linear in its length, with the limits
 * checked as it goes: the lexer's tokens are counted (at most `MAX_TOPOLOGY_TOKENS`) and the parser's stack of open
 * collections is watched (at most `MAX_TOPOLOGY_DEPTH` deep), both before the document is composed (composing
 * recurses once per level). `lineCounter` learns the line starts on the way. Keys are not checked for uniqueness
 * here (yaml compares each key with every earlier one: quadratic); `duplicateKeys` does it with a set per mapping.
 */
export function readYaml(text: string, lineCounter: LineCounter): YamlRead | YamlRefused {
  lineCounter.addNewLine(0);
  const parser = new Parser(lineCounter.addNewLine);
  let first: Document.Parsed | undefined;
  try {
    for (const doc of new Composer({ uniqueKeys: false }).compose(boundedTokens(text, parser), true, text.length)) {
      if (first) return { kind: 'read', doc: first, secondDocumentAt: doc.range[0] };
      first = doc;
    }
  } catch (error) {
    if (error instanceof LimitExceeded) return { kind: 'refused', message: error.message, offset: error.offset };
    throw error;
  }
  // compose(…, forceDoc = true) yields at least one document.
  return { kind: 'read', doc: first! };
}

function* boundedTokens(text: string, parser: Parser): Generator<CST.Token> {
  let tokens = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (++tokens > MAX_TOPOLOGY_TOKENS) {
      throw new LimitExceeded(
        `the document has more than ${MAX_TOPOLOGY_TOKENS} YAML tokens (keys, values, indicators, spaces, comments, line breaks); at most ${MAX_TOPOLOGY_TOKENS} are read`,
        parser.offset,
      );
    }
    yield* parser.next(lexeme);
    // The stack holds the document and at most one scalar besides the open collections: count them only when it could be too deep.
    if (parser.stack.length > MAX_TOPOLOGY_DEPTH + 1 && nesting(parser.stack) > MAX_TOPOLOGY_DEPTH) {
      throw new LimitExceeded(
        `lists and mappings are nested more than ${MAX_TOPOLOGY_DEPTH} levels deep; at most ${MAX_TOPOLOGY_DEPTH} are allowed`,
        parser.offset,
      );
    }
  }
  yield* parser.end();
}

function nesting(stack: readonly CST.Token[]): number {
  return stack.filter((token) => token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection').length;
}

/**
 * Where each key that repeats an earlier key of the same mapping starts, in document order: yaml's `uniqueKeys` rule
 * (two scalar keys with the same value, compared with `===`), in one pass with a set per mapping.
 */
export function duplicateKeys(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map: (_, map) => {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // NaN is never === itself, so yaml never calls it a duplicate; a Set would.
        if (!isScalar(key) || (typeof key.value === 'number' && Number.isNaN(key.value))) continue;
        if (seen.has(key.value)) offsets.push(key.range?.[0] ?? 0);
        else seen.add(key.value);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}
