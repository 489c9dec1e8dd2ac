import type { Topology } from '@linker/topology';

/** `GET /api/info`: what the page needs to start. */
export interface UiInfo {
  /** The domain this UI is served for (embedded mode); absent when it serves a whole federation (real mode). */
  domain?: string;
  /** Where clients connect, one per domain (this UI's domain first): the WebSocket URL with its `/ws` path. */
  clientEndpoints: Array<{ domain: string; url: string }>;
  /** Whether `/meta/...` leads to a meta-server (the topology editor and the graph need it). */
  metaServer: boolean;
}

/**
 * The info of a UI serving `topology`, for `domain` when given, whose own clients connect at `clientUrl` (the port
 * the connector really listens on, which may differ from the topology's when chosen by a flag).
 */
export function uiInfo(topology: Topology | undefined, options: { domain?: string; clientUrl?: string; metaServer: boolean }): UiInfo {
  const endpoints = (topology?.domains ?? []).flatMap((d) =>
    d.urls[0] === undefined ? [] : [{ domain: d.name, url: clientUrlOf(d.urls[0]) }],
  );
  const own = options.domain;
  if (own !== undefined && options.clientUrl !== undefined) {
    const others = endpoints.filter((e) => e.domain !== own);
    return { domain: own, clientEndpoints: [{ domain: own, url: options.clientUrl }, ...others], metaServer: options.metaServer };
  }
  const ordered =
    own === undefined ? endpoints : [...endpoints.filter((e) => e.domain === own), ...endpoints.filter((e) => e.domain !== own)];
  return { ...(own === undefined ? {} : { domain: own }), clientEndpoints: ordered, metaServer: options.metaServer };
}

/**
 * A client endpoint of the topology (`ws://host:port`, as `domains[].urls[0]` lists it) as the URL a client opens:
 * the connector serves clients on `/ws`, so a URL without a path gets it.
 */
export function clientUrlOf(endpoint: string): string {
  const match = /^([a-z]+:\/\/[^/]+)\/?$/i.exec(endpoint.trim());
  return match ? `${match[1]}/ws` : endpoint.trim();
}
