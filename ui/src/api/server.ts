import { getJson } from './http';

/** `GET /api/info` of the UI server. */
export interface UiInfo {
  /** The domain this UI is served for (embedded mode). */
  domain?: string;
  /** Each domain's client WebSocket URL, this UI's domain first. */
  clientEndpoints: Array<{ domain: string; url: string }>;
  /** Whether `/meta/...` leads to a meta-server. */
  metaServer: boolean;
}

/** One item of `GET /api/links`: the link from `from` to `to` as a processor of `from` reports it. */
export interface LinkObservation {
  from: string;
  to: string;
  up: boolean;
  processor?: string;
  since?: number;
  rttMs?: number;
  waiting?: number;
}

export const fetchInfo = (): Promise<UiInfo> => getJson<UiInfo>('/api/info');
export const fetchLinks = (signal?: AbortSignal): Promise<LinkObservation[]> => getJson<LinkObservation[]>('/api/links', { signal });
