import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTopologyHistory, MemoryTopologyHistory, type HistoryEntry, type TopologyHistory } from './topology-history';

const entry = (version: string, author = 'admin', kind: HistoryEntry['kind'] = 'edit'): HistoryEntry => ({ version, author, time: '2026-01-01T00:00:00.000Z', kind });
const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';

describe.each([
  ['FileTopologyHistory', (dir: string): TopologyHistory => new FileTopologyHistory(join(dir, 'topology.yaml.history'))],
  ['MemoryTopologyHistory', (): TopologyHistory => new MemoryTopologyHistory()],
])('%s', (_name, make) => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'topology-history-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('is empty at first, then lists entries newest first and keeps each version\'s YAML', async () => {
    const history = make(directory);
    expect(await history.list()).toEqual([]);
    expect(await history.yaml(A)).toBeUndefined();
    await history.append(entry(A, 'meta-server', 'loaded'), 'a: 1\n');
    await history.append(entry(B, 'alice'), 'b: 2\n');
    await history.append(entry(A, 'bob', 'rollback'), 'a: 1\n');
    expect((await history.list()).map((e) => [e.version, e.author, e.kind])).toEqual([
      [A, 'bob', 'rollback'],
      [B, 'alice', 'edit'],
      [A, 'meta-server', 'loaded'],
    ]);
    expect(await history.yaml(B)).toBe('b: 2\n');
  });
});

describe('FileTopologyHistory on disk', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'topology-history-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('survives a new instance, skips a torn last line, keeps its files private and refuses names that are not versions', async () => {
    const dir = join(directory, 'h');
    await new FileTopologyHistory(dir).append(entry(A), 'a: 1\n');
    appendFileSync(join(dir, 'index.jsonl'), '{"version":"bbbb');
    const reopened = new FileTopologyHistory(dir);
    expect((await reopened.list()).map((e) => e.version)).toEqual([A]);
    expect(await reopened.yaml(A)).toBe('a: 1\n');
    expect(statSync(join(dir, `${A}.yaml`)).mode & 0o077).toBe(0);
    expect(await reopened.yaml('../../etc/passwd')).toBeUndefined();
    await expect(reopened.append(entry('../x'), '')).rejects.toThrow('not a topology version');
  });
});
