import { useMemo } from 'preact/hooks';
import type { TopologyDoc } from '../api/meta';
import { GraphPicture, Legend } from './graph-picture';
import { graphLinks } from './link-states';
import { LinkList } from './link-list';
import { PathFinderForm, PathResult } from './path-finder';
import { REFRESH_MS, useLinkReports } from './use-link-reports';
import { usePathFinder } from './use-path-finder';

/** The picture of the domain graph (domains, links up / down / unknown, live) and the path between two users. */
export function GraphView({
  doc,
  version,
  ownDomain,
  active,
}: {
  doc?: TopologyDoc;
  version?: string;
  ownDomain?: string;
  active: boolean;
}) {
  const { reports, error, at } = useLinkReports(active);
  const links = useMemo(() => graphLinks(doc?.domainLinks ?? [], reports, at), [doc, reports, at]);
  const finder = usePathFinder(links, version, ownDomain);
  return (
    <section class="card graph" aria-label="Domain graph">
      <h2>Domain graph</h2>
      <p class="hint">
        Links are read live from the processors’ link reports{ownDomain ? ` (those of ${ownDomain})` : ''}, every {REFRESH_MS / 1000} s. A
        link no processor here reports is drawn as unknown.
      </p>
      {error && <p class="error-text">{error}</p>}
      <GraphPicture doc={doc} links={links} path={finder.route?.preview?.path ?? []} ownDomain={ownDomain} />
      <Legend />
      <PathFinderForm finder={finder} />
      {finder.shown && <PathResult route={finder.route} />}
      <LinkList links={links} />
    </section>
  );
}
