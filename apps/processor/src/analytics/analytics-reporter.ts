import { readReport, type AnalyticsStore } from '@linker/analytics';
import type { AnalyticsReport } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { TopologyView } from '@linker/topology';

/** Where a domain's reports go: the meta-server (`POST /internal/analytics`), or the embedded mode's own meta-server. */
export type ReportSink = (domain: string, reports: AnalyticsReport[]) => Promise<void>;

export interface ReporterOptions {
  store: AnalyticsStore;
  domain: string;
  topology: () => TopologyView;
  send: ReportSink;
  intervalMs: number;
  logger: Logger;
}

/**
 * Every `intervalMs`, this domain's analytics of every app of the topology (the slices kept, those with something
 * counted) go to `send`, so the meta-server can sum them over the domains. Every processor of a domain reports the
 * same numbers (they read one store); the meta-server keeps each domain's last report. A failed report is logged once
 * until one succeeds again; the next one replaces it.
 */
export class AnalyticsReporter {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private sending: Promise<void> | undefined;

  constructor(private readonly options: ReporterOptions) {}

  start(): void {
    this.timer ??= setInterval(() => (this.sending ??= this.report().finally(() => (this.sending = undefined))), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sending;
  }

  /** Read and send one report (never rejects). */
  async report(): Promise<void> {
    const { store, domain, topology, send, logger } = this.options;
    try {
      const now = Date.now();
      const from = now - store.settings.retentionHours * 3_600_000;
      const reports: AnalyticsReport[] = [];
      for (const { appName } of topology().topology.clientApps) {
        const report = await readReport(store, domain, appName, from, now);
        if (report.slices.length > 0) reports.push(report);
      }
      await send(domain, reports);
      if (this.failing) logger.info('analytics reported to the meta-server again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) logger.warn('analytics could not be reported to the meta-server (logged once)', { error: errorMessage(error) });
      this.failing = true;
    }
  }
}

/** `POST <metaServerUrl>/internal/analytics` with the internal token; a report not answered 2xx within 10 s failed. */
export function metaServerSink(metaServerUrl: string, token: string): ReportSink {
  const url = new URL('internal/analytics', metaServerUrl.endsWith('/') ? metaServerUrl : `${metaServerUrl}/`);
  return async (domain, reports) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ domain, reports }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the meta-server answered ${response.status}`);
  };
}
