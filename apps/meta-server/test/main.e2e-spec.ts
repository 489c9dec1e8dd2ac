import { startApp, waitFor } from '@linker/testing';

// The built meta-server as a real process: it serves /health, and drains on SIGTERM.
describe('meta-server process', () => {
  it('serves /health and exits 0 after draining on SIGTERM', async () => {
    const metaServer = startApp('meta-server', { LINKER_META_PORT: '0' });
    await metaServer.waitForOutput(/"msg":"meta-server ready"/);
    const url = /"url":"([^"]+)"/.exec(metaServer.output())?.[1];
    const health = await waitFor('a /health answer', async () => (await fetch(`${url}/health`)).json());
    expect(health).toEqual({ status: 'ok' });
    expect(await metaServer.stop('SIGTERM')).toBe(0);
    expect(metaServer.output()).toContain('meta-server: stopped');
  });
});
