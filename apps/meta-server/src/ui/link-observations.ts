import type { LinkObservation } from '@linker/contracts';
import type { Logger } from '@linker/observability';

export type { LinkObservation } from '@linker/contracts';

/**
 * What one processor says of its links (the `links` of its `GET /health`: `LinkReport`s, apps/processor
 * federation/link-metrics.ts). Only the fields the UI shows are read.
 */
export interface ProcessorLinks {
  domain: string;
  /** The processor's name (a domain may run several, each with its own connection to each neighbour). */
  processor?: string;
  links: ReadonlyArray<{ peer: string; up: boolean; since?: number; rttMs?: number; waiting?: number }>;
}

/** Where the link reports come from: the processor in this process (embedded), or processors' `GET /health` (real). */
export type LinkReports = () => Promise<readonly ProcessorLinks[]>;

/** Every processor's reports as one list, a row per processor and peer, sorted by `from`, then `to`. */
export function observations(reports: readonly ProcessorLinks[]): LinkObservation[] {
  return reports
    .flatMap(({ domain, processor, links }) =>
      links.map(({ peer, up, since, rttMs, waiting }) => {
        const row: LinkObservation = { from: domain, to: peer, up };
        if (processor !== undefined) row.processor = processor;
        if (since !== undefined) row.since = since;
        if (rttMs !== undefined) row.rttMs = rttMs;
        if (waiting !== undefined) row.waiting = waiting;
        return row;
      }),
    )
    .sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.processor ?? '', b.processor ?? ''));
}

/**
 * The reports of the processors whose `GET /health` answers at `urls` (each e.g. `http://127.0.0.1:9464/health`,
 * served on `LINKER_METRICS_PORT`), asked in parallel. One that does not answer within `timeoutMs`, or answers
 * something else, is left out (its links then show as unknown) and logged at debug level.
 */
export function healthReports(urls: readonly string[], logger: Logger, timeoutMs = 1_000, fetchFn: typeof fetch = fetch): LinkReports {
  return async () => {
    const answers = await Promise.all(
      urls.map(async (url): Promise<ProcessorLinks | undefined> => {
        try {
          // 503 is a processor not running (yet): its body still says what it knows.
          const response = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
          const health = (await response.json()) as { domain?: unknown; name?: unknown; links?: unknown };
          if (typeof health.domain !== 'string') throw new Error(`no domain in the answer (HTTP ${response.status})`);
          const links = Array.isArray(health.links)
            ? (health.links as ProcessorLinks['links']).filter((l) => typeof l?.peer === 'string' && typeof l.up === 'boolean')
            : [];
          return { domain: health.domain, processor: typeof health.name === 'string' ? health.name : undefined, links };
        } catch (error) {
          logger.debug('a processor health endpoint did not answer the web UI', { url, error: String(error) });
          return undefined;
        }
      }),
    );
    return answers.filter((answer): answer is ProcessorLinks => answer !== undefined);
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
