// What a topology document may cost to read. Each limit is checked before the work it bounds, so a document past one
// is refused quickly, with a problem that names the limit, and one that passes every limit is read in bounded time
// (ADR 0013: a validation runs on the event loop of a process that also moves messages).

/** Largest topology document accepted, in bytes of UTF-8 (docs/protocol.md, Validation). */
export const MAX_TOPOLOGY_BYTES = 1024 * 1024;
/** Most aliases (`*name`) a document may use: enough for sharing a few settings, far too few for an alias bomb. */
export const MAX_ALIASES = 32;
/**
 * Deepest nesting of collections (a mapping or list inside another is one level deeper). A topology needs 5
 * (`clientApps[0].userDistributions[0].from`); the parser, and every reader after it, recurses once per level.
 */
export const MAX_TOPOLOGY_DEPTH = 32;
/**
 * Most YAML tokens read: keys, values, indicators (`-` `:` `,` `[` `]` `{` `}`), spaces, comments and line breaks.
 * Parsing and checking cost grows with them (about 1 to 3 µs each on a 2-core machine), so this bounds how long one
 * validation holds the event loop. A hand-written topology has about 7 per line: 50,000 is some 7,000 lines, far
 * more than a federation of a few hundred domains needs.
 */
export const MAX_TOPOLOGY_TOKENS = 50_000;
