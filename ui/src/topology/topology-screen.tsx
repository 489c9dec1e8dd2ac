import type { UiInfo } from '../api/server';
import { GraphView } from '../graph/graph-view';
import { useObservable } from '../store';
import { ApplyCard } from './apply-card';
import { EditorCard } from './editor-card';
import { HistoryCard } from './history-card';
import { useSessionValue } from './session-value';
import type { TopologyFeed } from './topology-feed';
import { useFollowVersions, useTopologyCheck, useTopologyDraft } from './use-topology-draft';
import { useTopologyHistory, useTopologyWrites } from './use-topology-writes';

/** The admin token lives in this tab's sessionStorage only: gone when the tab closes, sent only to the meta-server (writes, checks). */
const TOKEN_KEY = 'linker.adminToken';
const AUTHOR_KEY = 'linker.author';

/** The topology editor: the YAML with problems at their lines as you type, the diff, apply, history with rollback, the graph. */
export function TopologyScreen({ info, feed, active }: { info?: UiInfo; feed: TopologyFeed; active: boolean }) {
  useObservable(feed);
  const [token, setToken] = useSessionValue(TOKEN_KEY);
  const [author, setAuthor] = useSessionValue(AUTHOR_KEY);
  const topology = useTopologyDraft(info?.metaServer);
  const { history, reload: reloadHistory } = useTopologyHistory();
  useFollowVersions(feed.version, topology, reloadHistory);
  useTopologyCheck(topology, token);
  const writes = useTopologyWrites(topology, { token, author }, reloadHistory);
  if (info !== undefined && !info.metaServer) return <NoMetaServer />;

  const { draft, dirty, dispatch } = topology;
  const reload = () => void topology.load();
  return (
    <div class="topology">
      <EditorCard
        draft={draft}
        followed={feed.version}
        watch={feed.watch}
        working={writes.working}
        onReload={reload}
        onEdit={(text) => dispatch({ type: 'edited', text })}
        editor={topology.editor}
      />
      <aside class="column topo-side">
        <ApplyCard
          token={token}
          author={author}
          onToken={setToken}
          onAuthor={setAuthor}
          loaded={draft.base !== undefined}
          dirty={dirty}
          working={writes.working}
          result={writes.result}
          onApply={() => void writes.apply()}
          onReload={reload}
        />
        <HistoryCard
          history={history}
          current={draft.base?.version}
          working={writes.working}
          onRollback={(version) => void writes.rollback(version)}
        />
      </aside>
      <GraphView doc={feed.doc} version={feed.version} ownDomain={info?.domain} active={active} />
    </div>
  );
}

function NoMetaServer() {
  return (
    <div class="topology">
      <section class="card">
        <h2>No meta-server</h2>
        <p>
          This web UI was started without a meta-server, so the topology cannot be read or edited here. Start it with one (embedded mode
          serves one unless told `--no-meta-server`).
        </p>
      </section>
    </div>
  );
}
