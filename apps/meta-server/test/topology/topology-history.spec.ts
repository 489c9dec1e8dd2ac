import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { topologyHistoryContract } from './testing/topology-history.contract';
import { FileTopologyHistory, MemoryTopologyHistory, type HistoryEntry } from '../../src/topology/topology-history';

const entry = (version: string, author = 'admin', kind: HistoryEntry['kind'] = 'edit'): HistoryEntry => ({
  version,
  author,
  time: '2026-01-01T00:00:00.000Z',
  kind,
});
const A = 'aaaaaaaaaaaaaaaa';

topologyHistoryContract('MemoryTopologyHistory', { open: async () => new MemoryTopologyHistory() });

/** Each file history in a fresh directory of its own, deleted after its test. */
topologyHistoryContract('FileTopologyHistory', {
  open: async () => new FileTopologyHistory(join(mkdtempSync(join(tmpdir(), 'topology-history-')), 'topology.yaml.history')),
  reopen: async (history) => new FileTopologyHistory(history.directory),
  discard: async (history) => rmSync(dirname(history.directory), { recursive: true, force: true }),
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
