import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchRoute, type Home, type RoutePreview, type TopologyDoc } from '../api/meta';
import { fetchLinks, type LinkObservation } from '../api/server';
import { circleLayout, downLinks, graphLinks, pathLinks, type GraphLink } from './link-states';

const WIDTH = 640;
const HEIGHT = 420;
const NODE_RADIUS = 42;
/** How often the link states are read again while the picture is shown. */
const REFRESH_MS = 1_500;

const STATE_WORDS = { up: 'up', down: 'down', unknown: 'unknown (no report here)' } as const;

/** The links' reports, read every 1.5 s while `active`. */
function useLinkReports(active: boolean): { reports: LinkObservation[]; error?: string; at?: number } {
  const [state, setState] = useState<{ reports: LinkObservation[]; error?: string; at?: number }>({ reports: [] });
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let controller: AbortController | undefined;
    const read = () => {
      controller?.abort();
      controller = new AbortController();
      fetchLinks(controller.signal).then(
        (reports) => !stopped && setState({ reports, at: Date.now() }),
        (error: Error) => !stopped && error.name !== 'AbortError' && setState((s) => ({ ...s, error: `Link states could not be read: ${error.message}` })),
      );
    };
    read();
    const timer = setInterval(read, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      controller?.abort();
    };
  }, [active]);
  return state;
}

/** The picture of the domain graph (domains, links up / down / unknown, live) and the path between two users. */
export function GraphView({ doc, version, ownDomain, active }: { doc?: TopologyDoc; version?: string; ownDomain?: string; active: boolean }) {
  const { reports, error, at } = useLinkReports(active);
  const links = useMemo(() => graphLinks(doc?.domainLinks ?? [], reports, at), [doc, reports, at]);
  const down = downLinks(links).join(',');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [shown, setShown] = useState<{ from: string; to: string } | undefined>(undefined);
  const [route, setRoute] = useState<{ preview?: RoutePreview; problem?: string } | undefined>(undefined);

  // A shown path follows the graph: a link going down or an applied edit changes it at once.
  useEffect(() => {
    if (!shown) return;
    let current = true;
    fetchRoute(shown.from, shown.to, down === '' ? [] : down.split(','), ownDomain).then(
      (preview) => current && setRoute({ preview }),
      (problem: Error) => current && setRoute({ problem: problem.message }),
    );
    return () => {
      current = false;
    };
  }, [shown, down, version]);

  const path = route?.preview?.path ?? [];
  const onPath = pathLinks(path);
  const names = doc?.domains.map((d) => d.name) ?? [];
  const positions = circleLayout(names, WIDTH, HEIGHT, NODE_RADIUS + 24);
  const show = (event: Event) => {
    event.preventDefault();
    setShown({ from: from.trim(), to: to.trim() });
  };

  return (
    <section class="card graph" aria-label="Domain graph">
      <h2>Domain graph</h2>
      <p class="hint">
        Links are read live from the processors’ link reports{ownDomain ? ` (those of ${ownDomain})` : ''}, every {REFRESH_MS / 1000} s. A link no
        processor here reports is drawn as unknown.
      </p>
      {error && <p class="error-text">{error}</p>}
      <svg data-testid="topo-graph" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${names.length} domains, ${links.length} links`}>
        {links.map((link) => (
          <LinkLine key={link.key} link={link} positions={positions} onPath={onPath.has(link.key)} />
        ))}
        {names.map((name) => {
          const p = positions.get(name)!;
          const domain = doc?.domains.find((d) => d.name === name);
          const classes = ['domain', name === ownDomain ? 'own' : '', path.includes(name) ? 'on-path' : ''].filter(Boolean).join(' ');
          return (
            <g key={name} data-testid="graph-domain" data-domain={name} class={classes} transform={`translate(${p.x} ${p.y})`}>
              <title>{`${name}${name === ownDomain ? ' (this UI’s domain)' : ''}\nclients: ${domain?.urls[0] ?? '—'}\nlinks: ${domain?.urls[1] ?? '—'}`}</title>
              <circle r={NODE_RADIUS} />
              <text text-anchor="middle" dy="0.35em">
                {name.length > 12 ? `${name.slice(0, 11)}…` : name}
              </text>
            </g>
          );
        })}
        {names.length === 0 && (
          <text x={WIDTH / 2} y={HEIGHT / 2} text-anchor="middle" class="empty">
            No topology to draw yet.
          </text>
        )}
      </svg>
      <ul class="legend" aria-label="Legend">
        <li class="up">up</li>
        <li class="down">down</li>
        <li class="unknown">unknown</li>
        <li class="path">path of a message</li>
      </ul>
      <form class="path-finder row" onSubmit={show} aria-label="Path between two users">
        <label>
          From user
          <input data-testid="path-from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} placeholder="ANZ-123456" spellcheck={false} />
        </label>
        <label>
          To user
          <input data-testid="path-to" value={to} onInput={(e) => setTo(e.currentTarget.value)} placeholder="ANZ-3123456" spellcheck={false} />
        </label>
        <button data-testid="path-show" type="submit" class="primary" disabled={from.trim() === '' || to.trim() === ''}>
          Show path
        </button>
      </form>
      {shown && <PathResult route={route} />}
      <details class="link-list">
        <summary>Links ({links.filter((l) => l.state === 'up').length} up, {links.filter((l) => l.state === 'down').length} down, {links.filter((l) => l.state === 'unknown').length} unknown)</summary>
        <ul>
          {links.map((link) => (
            <li key={link.key} class={`link-${link.state}`}>
              <strong>
                {link.n1} – {link.n2}
              </strong>{' '}
              {STATE_WORDS[link.state]}
              {link.cost !== 1 && `, cost ${link.cost}`}
              <br />
              <small>{link.detail.join('; ')}</small>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}

function LinkLine({ link, positions, onPath }: { link: GraphLink; positions: Map<string, { x: number; y: number }>; onPath: boolean }) {
  const a = positions.get(link.n1);
  const b = positions.get(link.n2);
  if (!a || !b) return null;
  return (
    <g data-testid="graph-link" data-link={link.key} data-state={link.state} data-on-path={String(onPath)} class={`link link-${link.state}${onPath ? ' on-path' : ''}`}>
      <title>{`${link.n1} – ${link.n2}: ${STATE_WORDS[link.state]}\n${link.detail.join('\n')}`}</title>
      {onPath && <line class="path-halo" x1={a.x} y1={a.y} x2={b.x} y2={b.y} />}
      <line class="wire" x1={a.x} y1={a.y} x2={b.x} y2={b.y} />
      <line class="hit" x1={a.x} y1={a.y} x2={b.x} y2={b.y} />
      {link.cost !== 1 && (
        <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 6} text-anchor="middle" class="cost">
          cost {link.cost}
        </text>
      )}
    </g>
  );
}

function homeWords(home: Home): string {
  switch (home.kind) {
    case 'domain':
      return home.domain;
    case 'everywhere':
      return 'every domain (its app has no distributions)';
    case 'unknown-app':
      return 'no domain (no such app)';
    case 'outside-ranges':
      return 'no domain (outside every range)';
    case 'invalid-user-id':
      return 'no domain (not a user id)';
  }
}

function PathResult({ route }: { route?: { preview?: RoutePreview; problem?: string } }) {
  if (route === undefined) return <p data-testid="path-result" data-path="" class="path-result">Finding the path…</p>;
  if (route.problem !== undefined) {
    return (
      <p data-testid="path-result" data-path="" data-reason={route.problem} class="path-result unreachable">
        {route.problem}
      </p>
    );
  }
  const { from, to, path, reason } = route.preview!;
  const homes = `${from.userId} lives in ${homeWords(from.home)}; ${to.userId} in ${homeWords(to.home)}.`;
  if (path.length === 0) {
    return (
      <p data-testid="path-result" data-path="" data-reason={reason ?? 'unreachable'} class="path-result unreachable">
        {homes} <strong>No route:</strong> {reason}
      </p>
    );
  }
  const hops = path.length - 1;
  return (
    <p data-testid="path-result" data-path={path.join('>')} class="path-result">
      {homes}{' '}
      <strong>
        {hops === 0 ? `Delivered within ${path[0]} (no hop).` : `${path.join(' → ')} (${hops} hop${hops === 1 ? '' : 's'}).`}
      </strong>
    </p>
  );
}
