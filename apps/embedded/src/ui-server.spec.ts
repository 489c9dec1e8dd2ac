import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUiServer, type UiServer } from './ui-server';

describe('UI server', () => {
  let dir: string;
  let server: UiServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linker-ui-'));
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>linker</h1>');
    writeFileSync(join(dir, 'site', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the root');
    server = await startUiServer(join(dir, 'site'), '127.0.0.1', 0);
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and files with their content type', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe('<h1>linker</h1>');
    const script = await fetch(`${server.url}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside its root, and 404s what is missing', async () => {
    expect((await fetch(`${server.url}/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/missing.css`)).status).toBe(404);
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(405);
  });
});
