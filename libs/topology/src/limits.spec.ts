import { LineCounter, parseDocument } from 'yaml';
import { MAX_TOPOLOGY_DEPTH, MAX_TOPOLOGY_TOKENS } from './limits';
import { parseTopology } from './parse-topology';
import type { TopologyResult } from './problems';

// The limits that keep one validation cheap (ADR 0013): documents built to cost a lot are refused quickly, with a
// problem naming the limit, and everything under the limits costs time linear in its size.

const HEAD = 'domains:\n  - name: domain-01\n    urls: [ws://127.0.0.1:8089]\n';
/** A generous bound for one call on a loaded 2-core machine (each is some tens of ms when the machine is idle). */
const BOUND_MS = 2000;

const keys = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `k${from + i}: 1\n`).join('');

/** The result of `parseTopology(text)` and how long it took. */
function timed(text: string): { result: TopologyResult; ms: number } {
  const start = performance.now();
  const result = parseTopology(text);
  return { result, ms: performance.now() - start };
}

/** The fastest of a few runs: the machine is shared, and a run slowed by someone else says nothing about the code. */
function fastestMs(text: string, runs = 5): number {
  return Math.min(...Array.from({ length: runs }, () => timed(text).ms));
}

const DEPTH = {
  path: '',
  severity: 'error',
  message: `lists and mappings are nested more than ${MAX_TOPOLOGY_DEPTH} levels deep; at most ${MAX_TOPOLOGY_DEPTH} are allowed`,
};
const TOKENS = { path: '', severity: 'error', message: expect.stringContaining(`more than ${MAX_TOPOLOGY_TOKENS} YAML tokens`) };

describe('parseTopology limits', () => {
  it('refuses 100,000 nested [ (a 200 KB body) quickly, and again the second time', () => {
    const bomb = `domains: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    expect(bomb.length).toBeGreaterThan(200_000);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { result, ms } = timed(bomb);
      expect(result).toEqual({ problems: [{ ...DEPTH, line: 1 }], refused: true });
      expect(ms).toBeLessThan(BOUND_MS);
    }
  });

  it('refuses deep block nesting: by indentation, and by compact "- - -" lists', () => {
    const indented = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const indentedRun = timed(indented);
    expect(indentedRun.result).toEqual({ problems: [{ ...DEPTH, line: MAX_TOPOLOGY_DEPTH + 1 }], refused: true });
    expect(indentedRun.ms).toBeLessThan(BOUND_MS);
    const compact = timed(`domains:\n${'- '.repeat(100_000)}x\n`);
    expect(compact.result).toEqual({ problems: [{ ...DEPTH, line: 2 }], refused: true });
    expect(compact.ms).toBeLessThan(BOUND_MS);
  });

  it(`accepts nesting up to ${MAX_TOPOLOGY_DEPTH} levels (and reports what is wrong with it)`, () => {
    const deepest = `domains: ${'['.repeat(MAX_TOPOLOGY_DEPTH - 1)}${']'.repeat(MAX_TOPOLOGY_DEPTH - 1)}\n`;
    const { result } = timed(deepest);
    expect(result.refused).toBeUndefined();
    expect(result.problems).toEqual([expect.objectContaining({ path: 'domains[0]', line: 1, message: 'must be a mapping, got a list' })]);
    expect(timed(`domains: ${'['.repeat(MAX_TOPOLOGY_DEPTH)}${']'.repeat(MAX_TOPOLOGY_DEPTH)}\n`).result.refused).toBe(true);
  });

  it('refuses 60,000 top-level keys quickly, naming the token limit', () => {
    const { result, ms } = timed(HEAD + keys(60_000));
    expect(result).toEqual({ problems: [{ ...TOKENS, line: expect.any(Number) }], refused: true });
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuses a megabyte of line breaks, commas or empty list items at the token limit', () => {
    const megabyte = 1024 * 1024 - 100;
    for (const text of [`${HEAD}${'\n'.repeat(megabyte)}`, `x: [${','.repeat(megabyte)}]`, `x:\n${'-\n'.repeat(megabyte / 2)}`]) {
      const { result, ms } = timed(text);
      expect(result.problems).toEqual([{ ...TOKENS, line: expect.any(Number) }]);
      expect(ms).toBeLessThan(BOUND_MS);
    }
  });

  it('takes time linear in the number of keys: 4 times the keys, at most 8 times the time', () => {
    // Both under the token limit, each key an unknown one: read, checked for duplicates, reported and located.
    const small = HEAD + keys(1500);
    const large = HEAD + keys(6000);
    expect(timed(large).result.problems).toHaveLength(6000);
    fastestMs(small); // warm up: the first runs also compile the code
    expect(fastestMs(large)).toBeLessThan(8 * fastestMs(small));
  });

  it('reports 20,000 keys, over the limit, in at most 6 times what 5,000 keys take', () => {
    fastestMs(HEAD + keys(5000));
    expect(fastestMs(HEAD + keys(20_000))).toBeLessThan(6 * fastestMs(HEAD + keys(5000)));
  });

  it('finds duplicate keys as yaml does: equal scalars of one mapping, at every level, each at its line', () => {
    const text = [
      'domains: []', // 1
      'a: {x: 1, y: 2, x: 3}', // 2: a duplicate in a flow mapping
      'b:', // 3
      '  - {1: one, "1": text, .nan: 1, .nan: 2}', // 4: the number 1 and the text "1" differ; NaN is not NaN
      '  - k: 1', // 5
      '    k: 2', // 6: a duplicate in a block mapping
      'domains: []', // 7: a duplicate at the root
    ].join('\n');
    const lineCounter = new LineCounter();
    const yaml = parseDocument(text, { uniqueKeys: true, prettyErrors: true, lineCounter }).errors;
    expect(yaml.map((e) => [e.code, e.linePos?.[0].line])).toEqual([2, 6, 7].map((line) => ['DUPLICATE_KEY', line]));
    expect(parseTopology(text).problems).toEqual(
      [2, 6, 7].map((line) => ({ path: '', severity: 'error', line, message: 'Map keys must be unique' })),
    );
  });
});
