import { sumReports } from '@linker/analytics';
import type { AnalyticsReport } from '@linker/contracts';

/** A domain not heard from for this long is left out of the sums (its slices are past any retention by then). */
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;

/** A domain whose analytics are read where they are kept, at each request (the embedded mode's own domain). */
export type LocalAnalytics = (app: string, fromMs: number, toMs: number) => Promise<AnalyticsReport>;

interface DomainReport {
  at: number;
  byApp: Map<string, AnalyticsReport>;
}

/**
 * The last analytics report of each domain (its processors send one a minute: `POST /internal/analytics`), and their
 * sum per app (`GET /analytics/{appName}`). In memory: a restarted meta-server has the sums again within a minute. A
 * domain read locally (`readLocally`: the embedded mode's) is read at each request instead.
 */
export class AnalyticsTotals {
  private readonly domains = new Map<string, DomainReport>();
  private local: { domain: string; read: LocalAnalytics } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** `domain`'s reports replace its previous ones (an app it no longer reports is gone from its part). */
  report(domain: string, reports: readonly AnalyticsReport[]): void {
    const byApp = new Map<string, AnalyticsReport>();
    for (const report of reports) byApp.set(report.app, { ...report, domains: [domain] });
    this.domains.set(domain, { at: this.now(), byApp });
  }

  /** `domain`'s analytics are read with `read` at each request (its reports, if any came, are ignored). */
  readLocally(domain: string, read: LocalAnalytics): void {
    this.local = { domain, read };
  }

  /** `app`'s slices summed over the domains that reported it, those in `[fromMs, toMs]` (both ends' slices included). */
  async sum(app: string, fromMs: number, toMs: number): Promise<AnalyticsReport> {
    const now = this.now();
    const reports: AnalyticsReport[] = this.local ? [await this.local.read(app, fromMs, toMs)] : [];
    for (const [domain, { at, byApp }] of this.domains) {
      if (domain === this.local?.domain) continue;
      if (now - at > FORGET_AFTER_MS) {
        this.domains.delete(domain);
        continue;
      }
      const report = byApp.get(app);
      if (report === undefined) continue;
      const slices = report.slices.filter((s) => s.start + s.sliceSeconds * 1000 > fromMs && s.start <= toMs);
      reports.push({ ...report, slices });
    }
    return sumReports(app, reports);
  }
}
