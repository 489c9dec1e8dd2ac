import type { DeadLetterSummary, LatencyHistogram } from '@linker/contracts';

/** A failure the operations view shows in words, with the HTTP status the UI server answers. */
export class OpsFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the operations view reads of a processor's `GET /health` (apps/processor health/processor-stats.ts). */
interface ProcessorHealthView {
  running?: boolean;
  domain?: string;
  name?: string;
  stats?: { processedReliable?: number; processedFast?: number; deadLettered?: number };
}

/** One processor as the operations view reaches it: over HTTP (real mode) or in this process (embedded mode). */
export interface ProcessorOpsTarget {
  health(): Promise<ProcessorHealthView>;
  /** The Prometheus text of its `GET /metrics`. */
  metrics(): Promise<string>;
  /** Rejects with an `OpsFailure` (404 when its admin token is unset, 401 when refused, 503 unreachable). */
  deadLetters(limit: number): Promise<DeadLetterSummary[]>;
  /** Resolves to whether a letter of that id was parked; rejects with an `OpsFailure`. */
  reinject(id: string): Promise<boolean>;
}

/** Where the operations view finds the domain's processors and connectors. */
export interface OpsSources {
  processors(): readonly ProcessorOpsTarget[];
  /** The connectors' base URLs (`http://host:port`, their client port: `GET /health`, the server API). */
  connectorUrls(): readonly string[];
}

/** A connector's client-port base URL from its WebSocket URL: `ws://h:p/ws` → `http://h:p` (wss → https). */
export function httpBaseOf(clientUrl: string): string {
  return clientUrl.replace(/^ws/, 'http').replace(/\/ws\/?$/, '');
}

/** How long a processor or connector may take to answer the operations view. */
export const OPS_TIMEOUT_MS = 1_500;

/**
 * A processor's ops endpoint at `baseUrl` (its `LINKER_METRICS_PORT`), the dead letters asked for with `adminToken`
 * (the UI server's; never sent to the browser).
 */
export function httpProcessor(baseUrl: string, adminToken: string | undefined, fetchFn: typeof fetch = fetch): ProcessorOpsTarget {
  const get = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (adminToken !== undefined) headers.authorization = `Bearer ${adminToken}`;
    try {
      return await fetchFn(`${baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(OPS_TIMEOUT_MS) });
    } catch (error) {
      throw new OpsFailure(503, `processor ${baseUrl} did not answer: ${(error as Error).message}`);
    }
  };
  const refused = async (answer: Response): Promise<OpsFailure> => {
    const { message } = (await answer.json().catch(() => ({}))) as { message?: string };
    const why = answer.status === 401 ? 'it refused the UI server’s admin token (set the same LINKER_ADMIN_TOKEN on both)' : message;
    return new OpsFailure(answer.status, `processor ${baseUrl}: ${why ?? `HTTP ${answer.status}`}`);
  };
  return {
    health: async () => (await (await get('/health')).json()) as ProcessorHealthView,
    metrics: async () => (await get('/metrics')).text(),
    deadLetters: async (limit) => {
      const answer = await get(`/dead-letters?limit=${limit}`);
      if (!answer.ok) throw await refused(answer);
      return (await answer.json()) as DeadLetterSummary[];
    },
    reinject: async (id) => {
      const answer = await get(`/dead-letters/${encodeURIComponent(id)}/reinject`, { method: 'POST' });
      if (answer.status === 404 && ((await answer.clone().json()) as { reinjected?: boolean }).reinjected === false) return false;
      if (!answer.ok) throw await refused(answer);
      return true;
    },
  };
}

/** The latency histograms of `linker_delivery_latency_seconds` in a Prometheus text, by lane (absent: none recorded). */
export function latencyOf(text: string): { RELIABLE?: LatencyHistogram; FAST?: LatencyHistogram } {
  const byLane: Partial<Record<'RELIABLE' | 'FAST', LatencyHistogram>> = {};
  const line = /^linker_delivery_latency_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)$/gm;
  for (const [, kind, labels, value] of text.matchAll(line)) {
    const lane = /lane="(RELIABLE|FAST)"/.exec(labels)?.[1] as 'RELIABLE' | 'FAST' | undefined;
    if (lane === undefined) continue;
    const histogram = (byLane[lane] ??= { buckets: [], count: 0, sum: 0 });
    if (kind === 'sum') histogram.sum = Number(value);
    else if (kind === 'count') histogram.count = Number(value);
    else {
      // The +Inf bucket is `count` again (and JSON has no Infinity).
      const le = Number(/le="([^"]+)"/.exec(labels)?.[1]);
      if (Number.isFinite(le)) histogram.buckets.push({ le, count: Number(value) });
    }
  }
  return byLane;
}

/** What the embedded mode's processor offers in this process (apps/processor `ProcessorService`), seen structurally. */
export interface LocalProcessor {
  health(): ProcessorHealthView;
  metricsText(): Promise<string>;
  deadLetters: { list(limit: number): Promise<DeadLetterSummary[]>; reinject(id: string): Promise<boolean> };
}

/** The processor in this process (embedded mode): no HTTP, no token; failures of its store are a 503. */
export function localProcessor(processor: LocalProcessor): ProcessorOpsTarget {
  const unavailable = (error: unknown) =>
    Promise.reject(new OpsFailure(503, `the dead letters cannot be read now: ${(error as Error).message}`));
  return {
    health: async () => processor.health(),
    metrics: () => processor.metricsText(),
    deadLetters: (limit) => processor.deadLetters.list(limit).catch(unavailable),
    reinject: (id) => processor.deadLetters.reinject(id).catch(unavailable),
  };
}
