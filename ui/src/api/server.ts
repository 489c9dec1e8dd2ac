import type { LinkObservation } from '@linker/contracts';
import { getJson } from './http';

export type { LinkObservation } from '@linker/contracts';

/** `GET /api/info` of the UI server. */
export interface UiInfo {
  /** The domain this UI is served for (embedded mode). */
  domain?: string;
  /** Each domain's client WebSocket URL, this UI's domain first. */
  clientEndpoints: Array<{ domain: string; url: string }>;
  /** Whether `/meta/...` leads to a meta-server. */
  metaServer: boolean;
}

export const fetchInfo = (): Promise<UiInfo> => getJson<UiInfo>('/api/info');
export const fetchLinks = (signal?: AbortSignal): Promise<LinkObservation[]> => getJson<LinkObservation[]>('/api/links', { signal });
