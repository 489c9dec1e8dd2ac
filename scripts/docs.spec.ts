import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Comments and documents point at what a reader of this repository can open: docs/protocol.md (a section by its
// heading), an ADR, the README. Never at a private working document, its section numbers, issue numbers or numbered
// habits, which nobody outside can read. And every lib and app says what it is in a README.
// This file is checked too: its patterns and samples are written so that they do not match themselves.

const ROOT = join(__dirname, '..');
/** The tracked files that may hold comments or prose. */
const CHECKED = /\.(ts|tsx|md|json|ya?ml|sh|js|cjs|mjs)$/;

interface Forbidden {
  /** What was found, and what to write instead. */
  what: string;
  pattern: RegExp;
  /** The same line makes it fine. */
  unless?: RegExp;
}

const FORBIDDEN: readonly Forbidden[] = [
  { what: 'a section of the private specification: name a docs/protocol.md section', pattern: /\bSPEC\s*§|\bSPEC[.]md\b/ },
  // An RFC's section (`RFC 9110 §7.6.1`) is public; any other numbered section is the private specification's.
  { what: 'a numbered section of a private document', pattern: /(?<!\bRFC \d{3,5} )§\s*\d/ },
  {
    what: 'an issue number of a private tracker: say what it means',
    pattern: /\bissues?[ -]#?\d/i,
    // A public tracker named on the same line (`kafkajs issues 1556 and 1704 on GitHub`) is one a reader can open.
    unless: /github|gitlab/i,
  },
  { what: 'a numbered habit: say the rule itself, or point at ARCHITECTURE.md', pattern: /\bhabits? #?\d/i },
  {
    what: "the private seed documents: name the original's README (github.com/disney007/WebSocketaaS)",
    pattern: /\bseed[ _]readme\b|\bseeds[/]|\bseed-linker\b/i,
  },
  { what: 'a path of the private working folder', pattern: /[/]work[/]shared\b/ },
];

/** `file:line: what (the line)` for each line of `text` holding a forbidden reference (the first rule it breaks). */
function violations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const broken = FORBIDDEN.find(({ pattern, unless }) => pattern.test(line) && !unless?.test(line));
    if (broken) found.push(`${file}:${index + 1}: ${broken.what} (${line.trim().slice(0, 140)})`);
  });
  return found;
}

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter(Boolean);
  } catch (error) {
    throw new Error(`this check lists the tracked files with \`git ls-files\`: run it in a git checkout (${String(error)})`, {
      cause: error,
    });
  }
}

/** `file: name` for each docs/protocol.md section `text` names (`docs/protocol.md, Fetch, Mailbox`, `protocol.md#fetch`) that is not a heading there. */
function unknownSections(file: string, text: string, headings: readonly string[]): string[] {
  const anchors = new Set(
    headings.map((heading) =>
      heading
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );
  const unknown: string[] = [];
  for (const [, list] of text.matchAll(/docs\/protocol\.md, ([^)\];:"'`\n]*)/g)) {
    // The names, up to the end of the sentence: `Fetch, Mailbox and Ack mode`; an ADR named beside them is not one.
    const names = list
      .split(/\.(?:\s|$)/)[0]
      .split(/,\s*(?:and\s+)?|\s+and\s+/)
      .map((name) => name.trim());
    for (const name of names)
      if (/^[A-Z]/.test(name) && !name.startsWith('ADR') && !headings.includes(name)) unknown.push(`${file}: ${name}`);
  }
  for (const [, anchor] of text.matchAll(/protocol\.md#([a-z0-9-]+)/g)) if (!anchors.has(anchor)) unknown.push(`${file}: #${anchor}`);
  return unknown;
}

/** A sample written with `|` inside, so that this file itself does not hold what it looks for. */
const joined = (text: string): string => text.replace(/\|/g, '');

describe('documents a newcomer can open', () => {
  const files = trackedFiles();
  const texts = files
    .filter((file) => CHECKED.test(file) && existsSync(join(ROOT, file)))
    .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

  it('finds each forbidden form, and not what a reader can open', () => {
    const forbidden = [
      'see SP|EC §|2.3',
      'as SP|EC.md says',
      'the rows of §|8',
      'done for Iss|ue 4',
      'the issue|-3 session',
      'ARCHITECTURE hab|it 12',
      'the seed| README examples',
      'see|ds/004_8da47b9226942c2d.txt',
      'reference/seed-|linker.md',
      '/work/sha|red/notes',
    ];
    const found = violations('sample', forbidden.map(joined).join('\n'));
    expect(found.map((line) => Number(line.split(':')[1]))).toEqual(forbidden.map((_, index) => index + 1));
    const fine = [
      'RFC 9110 §7.6.1',
      'kafkajs issues 1556 and 1704 on GitHub',
      'seed-readme.ts',
      'SEED_AUTH_CLIENT',
      'the fuzz seed 42',
      'docs/protocol.md, Fetch',
    ];
    expect(violations('sample', fine.join('\n'))).toEqual([]);
  });

  it('no tracked file cites the private specification, issue numbers, numbered habits or the seed documents', () => {
    expect(texts.length).toBeGreaterThan(100);
    expect(texts.flatMap(({ file, text }) => violations(file, text))).toEqual([]);
  });

  it("docs/protocol.md's contents line links every section, in order", () => {
    const protocol = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');
    const headings = protocol.match(/^## .+$/gm)?.map((line) => line.slice(3).trim()) ?? [];
    const contents = /^Contents: ([^]*?)\n\n/m.exec(protocol)?.[1] ?? '';
    expect([...contents.matchAll(/\[([^\]]+)\]\(#/g)].map((m) => m[1])).toEqual(headings);
  });

  it('every docs/protocol.md section a file points at is a heading there', () => {
    const headings =
      readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8')
        .match(/^## .+$/gm)
        ?.map((line) => line.slice(3).trim()) ?? [];
    expect(headings.length).toBeGreaterThan(20);
    expect(
      unknownSections(
        'sample',
        joined('docs/protocol|.md, Fetch, Heartbeats and Ack mode; see protocol|.md#fetch, protocol|.md#pings'),
        headings,
      ),
    ).toEqual(['sample: Heartbeats', 'sample: #pings']);
    expect(texts.flatMap(({ file, text }) => unknownSections(file, text, headings))).toEqual([]);
  });

  it('every lib and app has a README.md', () => {
    const folders = new Set(files.map((file) => /^((?:libs|apps)\/[^/]+)\//.exec(file)?.[1]).filter((folder) => folder !== undefined));
    expect(folders.size).toBeGreaterThan(10);
    const missing = [...folders].filter((folder) => !existsSync(join(ROOT, folder, 'README.md'))).map((folder) => `${folder}/README.md`);
    expect(missing).toEqual([]);
  });
});
