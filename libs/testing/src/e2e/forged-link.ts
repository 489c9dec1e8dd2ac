import { LINK_CLOSE_CODES, WsLinkTransport } from '@linker/domain-link';
import { waitFor } from '../wait-for';

/**
 * Dial a domain's link endpoint as its neighbour `domain` with a wrong secret; resolves once the link is refused with
 * 4401 and never came up (the link is closed either way).
 */
export async function expectForgedLinkRefused(link: { domain: string; peer: string; endpoint: string }): Promise<void> {
  const forged = new WsLinkTransport().dial({ ...link, secretFor: () => 'not-the-secret' });
  try {
    await waitFor('the forged link to be refused', () => forged.metrics().lastFailure?.closeCode === LINK_CLOSE_CODES.AUTH_FAILED.code, {
      timeoutMs: 15_000,
    });
    expect(forged.up).toBe(false);
  } finally {
    await forged.close();
  }
}
