import type { AppProcess } from '../processes';
import { logField } from '../domains/real-processes';
import { startEmbeddedDomain } from '../domains/embedded-domain';
import { startRealDomain } from '../domains/real-domain';
import type { DomainOptions, DomainUnderTest } from '../domains/domain-under-test';
import { waitFor } from '../wait-for';
import type { CompatDomain } from './push-compat-behaviour';

/** `http://127.0.0.1:<port>` of the realtimer port `app` logged it listens on. */
async function realtimerUrl(app: AppProcess): Promise<string> {
  const port = await waitFor('the realtimer-compatible port to be logged', () => {
    const logged = logField(app.output(), 'realtimer-compatible port listening', 'port');
    return typeof logged === 'number' && logged;
  });
  return `http://127.0.0.1:${port}`;
}

async function withRealtimer<D extends DomainUnderTest>(domain: D, app: AppProcess): Promise<CompatDomain> {
  try {
    return { domain, realtimerUrl: await realtimerUrl(app) };
  } catch (error) {
    await domain.close();
    throw error;
  }
}

/** An embedded-mode domain with its realtimer port. */
export async function startEmbeddedCompatDomain(options: DomainOptions): Promise<CompatDomain> {
  const domain = await startEmbeddedDomain(options);
  return withRealtimer(domain, domain.process);
}

/** A real-mode domain (two connectors, each with its own realtimer port) with its first connector's realtimer port. */
export async function startRealCompatDomain(options: DomainOptions): Promise<CompatDomain> {
  const domain = await startRealDomain(options);
  return withRealtimer(domain, domain.connectors[0]);
}
