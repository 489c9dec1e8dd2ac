import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@linker/testing';
import type { Topology } from '@linker/topology';
import { TopologyEditor } from '../../src/topology/topology-editor';
import { MemoryTopologyHistory } from '../../src/topology/topology-history';
import { TopologyStore } from '../../src/topology/topology-store';

const TOPOLOGY: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8091'] }],
  domainLinks: [],
  clientApps: [{ appName: 'ANZ', appId: 'a', authEnabled: false }],
};

describe('TopologyEditor', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'topology-editor-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const editor = () => {
    const store = new TopologyStore(TOPOLOGY);
    const file = join(directory, 'topology.yaml');
    return {
      store,
      file,
      editor: new TopologyEditor({ store, history: new MemoryTopologyHistory(), file, logger: new RecordingLogger() }),
    };
  };

  it("saves an edit of GET /topology's YAML as written, without the served header naming the old version", async () => {
    const { store, file, editor: e } = editor();
    const served = store.current();
    const edited = `${served.yaml.replace('appId: a', 'appId: b')}# a comment the author wrote\n`;
    const outcome = await e.put(edited, [served.version], 'alice');
    expect(outcome.kind).toBe('saved');
    const saved = readFileSync(file, 'utf8');
    expect(saved).not.toContain(served.version);
    expect(saved).toContain('appId: b');
    expect(saved).toContain('# a comment the author wrote');
  });

  it('serializes writes: of two edits made from one version, the second is stale', async () => {
    const { store, editor: e } = editor();
    const served = store.current();
    const [first, second] = await Promise.all([
      e.put(served.yaml.replace('appId: a', 'appId: b'), [served.version], 'alice'),
      e.put(served.yaml.replace('appId: a', 'appId: c'), [served.version], 'bob'),
    ]);
    expect(first.kind).toBe('saved');
    expect(second).toEqual({ kind: 'stale', current: store.current().version });
    expect(store.current().topology.clientApps[0].appId).toBe('b');
  });
});
