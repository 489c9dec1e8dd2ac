/** What one app's webhook did on this processor since it started. */
export interface AppWebhookReport {
  /** Events its receiver accepted (2xx). */
  sent: number;
  /** Requests that failed (not 2xx, timeout, unreachable). */
  failed: number;
  /** Events given up: too many attempts, too old, over the retry backlog's bound, or the app has no webhook now. */
  dropped: number;
  /** Events waiting on the retry topic that this processor reads. */
  pending: number;
}

/** The processor's webhook counters, per app. */
export class WebhookStats {
  private readonly apps = new Map<string, Omit<AppWebhookReport, 'pending'>>();

  sent(app: string, events: number): void {
    this.of(app).sent += events;
  }

  failed(app: string): void {
    this.of(app).failed += 1;
  }

  dropped(app: string, events: number): void {
    this.of(app).dropped += events;
  }

  /** Every app with a counter or pending events. */
  report(pending: ReadonlyMap<string, number>): Record<string, AppWebhookReport> {
    const report: Record<string, AppWebhookReport> = {};
    for (const app of new Set([...this.apps.keys(), ...pending.keys()])) {
      report[app] = { ...(this.apps.get(app) ?? { sent: 0, failed: 0, dropped: 0 }), pending: pending.get(app) ?? 0 };
    }
    return report;
  }

  private of(app: string): Omit<AppWebhookReport, 'pending'> {
    let counts = this.apps.get(app);
    if (!counts) this.apps.set(app, (counts = { sent: 0, failed: 0, dropped: 0 }));
    return counts;
  }
}
