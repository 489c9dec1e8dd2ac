import type { TopologyDoc } from '../api/meta';
import { domainClass, domainTitle, linkTitle, nodeLabel } from './graph-labels';
import { circleLayout, pathLinks, type GraphLink } from './link-states';

const WIDTH = 640;
const HEIGHT = 420;
const NODE_RADIUS = 42;

type Point = { x: number; y: number };

/** `topo-graph`: the domains on a circle, the links between them in their state, the path shown highlighted. */
export function GraphPicture({
  doc,
  links,
  path,
  ownDomain,
}: {
  doc?: TopologyDoc;
  links: GraphLink[];
  path: readonly string[];
  ownDomain?: string;
}) {
  const onPath = pathLinks(path);
  const names = doc?.domains.map((d) => d.name) ?? [];
  const positions = circleLayout(names, WIDTH, HEIGHT, NODE_RADIUS + 24);
  return (
    <svg
      data-testid="topo-graph"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${names.length} domains, ${links.length} links`}
    >
      {links.map((link) => (
        <LinkLine key={link.key} link={link} positions={positions} onPath={onPath.has(link.key)} />
      ))}
      {names.map((name) => (
        <DomainNode
          key={name}
          name={name}
          domain={doc?.domains.find((d) => d.name === name)}
          at={positions.get(name)!}
          own={name === ownDomain}
          onPath={path.includes(name)}
        />
      ))}
      {names.length === 0 && (
        <text x={WIDTH / 2} y={HEIGHT / 2} text-anchor="middle" class="empty">
          No topology to draw yet.
        </text>
      )}
    </svg>
  );
}

function DomainNode({
  name,
  domain,
  at,
  own,
  onPath,
}: {
  name: string;
  domain?: TopologyDoc['domains'][number];
  at: Point;
  own: boolean;
  onPath: boolean;
}) {
  return (
    <g data-testid="graph-domain" data-domain={name} class={domainClass(own, onPath)} transform={`translate(${at.x} ${at.y})`}>
      <title>{domainTitle(name, own, domain)}</title>
      <circle r={NODE_RADIUS} />
      <text text-anchor="middle" dy="0.35em">
        {nodeLabel(name)}
      </text>
    </g>
  );
}

function LinkLine({ link, positions, onPath }: { link: GraphLink; positions: Map<string, Point>; onPath: boolean }) {
  const a = positions.get(link.n1);
  const b = positions.get(link.n2);
  if (!a || !b) return null;
  return (
    <g
      data-testid="graph-link"
      data-link={link.key}
      data-state={link.state}
      data-on-path={String(onPath)}
      class={`link link-${link.state}${onPath ? ' on-path' : ''}`}
    >
      <title>{linkTitle(link)}</title>
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

export function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      <li class="up">up</li>
      <li class="down">down</li>
      <li class="unknown">unknown</li>
      <li class="path">path of a message</li>
    </ul>
  );
}
