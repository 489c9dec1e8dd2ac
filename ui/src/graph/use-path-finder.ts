import { useEffect, useState } from 'preact/hooks';
import { fetchRoute, type RoutePreview } from '../api/meta';
import { downLinks, type GraphLink } from './link-states';

/** The path asked for: the meta-server's answer, or why it could not be asked. */
export interface ShownRoute {
  preview?: RoutePreview;
  problem?: string;
}

export interface PathFinder {
  from: string;
  to: string;
  setFrom: (from: string) => void;
  setTo: (to: string) => void;
  /** Show the path between the two users typed (the form's submit). */
  show: (event: Event) => void;
  /** The users whose path is shown, once one was asked for. */
  shown?: { from: string; to: string };
  /** Undefined while the path is being found. */
  route?: ShownRoute;
}

/** The path between two users: the form's fields, and the path shown once asked for. */
export function usePathFinder(links: readonly GraphLink[], version?: string, ownDomain?: string): PathFinder {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [shown, setShown] = useState<{ from: string; to: string } | undefined>(undefined);
  const route = useShownRoute(shown, links, version, ownDomain);
  const show = (event: Event) => {
    event.preventDefault();
    setShown({ from: from.trim(), to: to.trim() });
  };
  return { from, to, setFrom, setTo, show, shown, route };
}

/** A shown path follows the graph: a link going down or an applied edit changes it at once. */
function useShownRoute(
  shown: { from: string; to: string } | undefined,
  links: readonly GraphLink[],
  version?: string,
  ownDomain?: string,
): ShownRoute | undefined {
  const [route, setRoute] = useState<ShownRoute | undefined>(undefined);
  const down = downLinks(links).join(',');
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
  return route;
}
