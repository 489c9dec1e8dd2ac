import { byTestId, saveScreenshot } from '@linker/testing';
import type { Topology } from '@linker/topology';
import type { Page } from 'playwright-core';
import { stringify } from 'yaml';
import { ADMIN_TOKEN, ANZ, singleDomainTopology, uiSuite, type UiDomain } from './testing/ui-domain';

// The topology editor and the graph picture in Debian's Chromium, against the web UI served by the embedded mode,
// whose meta-server keeps the topology (writes allowed with the admin token).

/** A document with one error on a known line: line 5 names a domain that does not exist. */
const INVALID_YAML = [
  'domains:',
  '  - name: domain-01',
  '    urls: [ws://127.0.0.1:8089, ws://127.0.0.1:9089]',
  'domainLinks:',
  '  - { n1: domain-01, n2: domain-09 }',
  'clientApps:',
  `  - appName: ${ANZ.appName}`,
  `    appId: ${ANZ.appId}`,
  '    authEnabled: false',
  '',
].join('\n');

/**
 * Four domains in a line, 01 - 02 - 03 - 04 (no 01 - 04 link, so the path is unique), ANZ users spread over them.
 * Only domain-01 runs: the others exist in the topology only.
 */
function lineTopology(extraLinks: Topology['domainLinks'] = []): Topology {
  const domain = (n: number) => ({ name: `domain-0${n}`, urls: [`ws://127.0.0.1:${18090 + n}`, `ws://127.0.0.1:${19090 + n}`] });
  return {
    domains: [1, 2, 3, 4].map(domain),
    domainLinks: [
      { n1: 'domain-01', n2: 'domain-02' },
      { n1: 'domain-02', n2: 'domain-03' },
      { n1: 'domain-03', n2: 'domain-04' },
      ...extraLinks,
    ],
    clientApps: [
      {
        appName: ANZ.appName,
        appId: ANZ.appId,
        authEnabled: false,
        userDistributions: [
          { domainName: 'domain-01', from: 0, to: 999_999 },
          { domainName: 'domain-02', from: 1_000_000, to: 1_999_999 },
          { domainName: 'domain-03', from: 2_000_000, to: 2_999_999 },
          { domainName: 'domain-04', from: 3_000_000 },
        ],
      },
    ],
  };
}

/** The version the meta-server serves now (its ETag), read past the UI. */
async function servedVersion(domain: UiDomain): Promise<string> {
  const response = await fetch(`${domain.metaServerUrl}/topology`);
  expect(response.status).toBe(200);
  return (response.headers.get('etag') ?? '').replace(/"/g, '');
}

/** Wait until the editor shows the served topology (so what the test types is not replaced by the first load). */
async function editorLoaded(page: Page, domain: UiDomain): Promise<string> {
  const version = await servedVersion(domain);
  await byTestId(page, 'topo-version', { version }).waitFor();
  await page.locator('[data-testid="topo-editor"] .cm-content').filter({ hasText: 'domains:' }).waitFor();
  return version;
}

/** Replace the whole text of the CodeMirror editor with `text`, as a person pasting it would. */
async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="topo-editor"] .cm-content').fill(text);
}

describe('web UI: topology editor and graph', () => {
  const ui = uiSuite();

  it('refuses an invalid YAML, showing the problem at its line, and nothing is applied', async () => {
    const domain = await ui.start(singleDomainTopology());
    const page = await ui.open(domain, 'editor', '#/topology');
    const before = await editorLoaded(page, domain);

    await replaceEditorText(page, INVALID_YAML);
    const problem = byTestId(page, 'topo-problem', { line: '5', path: 'domainLinks[0].n2' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('domain-09');
    expect(await byTestId(page, 'topo-valid').count()).toBe(0);

    // Apply is refused: either not offered, or answered `invalid` by the meta-server.
    await byTestId(page, 'topo-admin-token').fill(ADMIN_TOKEN);
    const apply = byTestId(page, 'topo-apply');
    if (await apply.isEnabled()) {
      await apply.click();
      await byTestId(page, 'topo-result', { outcome: 'invalid' }).waitFor();
    }
    expect(await servedVersion(domain)).toBe(before);
    await byTestId(page, 'topo-version', { version: before }).waitFor();
    await saveScreenshot(page, 'topology-editor');
  });

  it('an applied edit adds a link to the graph picture and changes the path between two users', async () => {
    const domain = await ui.start(lineTopology(), 'domain-01');
    const page = await ui.open(domain, 'graph', '#/topology');
    const before = await editorLoaded(page, domain);
    for (const name of ['domain-01', 'domain-02', 'domain-03', 'domain-04'])
      await byTestId(page, 'graph-domain', { domain: name }).waitFor();
    for (const link of ['domain-01~domain-02', 'domain-02~domain-03', 'domain-03~domain-04'])
      await byTestId(page, 'graph-link', { link }).waitFor();
    expect(await byTestId(page, 'graph-link', { link: 'domain-01~domain-04' }).count()).toBe(0);

    // ANZ-5 lives in domain-01, ANZ-3000005 in domain-04: three hops along the line.
    await byTestId(page, 'path-from').fill('ANZ-5');
    await byTestId(page, 'path-to').fill('ANZ-3000005');
    await byTestId(page, 'path-show').click();
    await byTestId(page, 'path-result', { path: 'domain-01>domain-02>domain-03>domain-04' }).waitFor();
    await byTestId(page, 'graph-link', { link: 'domain-02~domain-03', 'on-path': 'true' }).waitFor();

    // The edit: a direct link domain-01 - domain-04, applied with the admin token.
    await replaceEditorText(page, stringify(lineTopology([{ n1: 'domain-01', n2: 'domain-04' }])));
    await byTestId(page, 'topo-valid').waitFor();
    await byTestId(page, 'topo-diff').filter({ hasText: 'domain-04' }).waitFor();
    await byTestId(page, 'topo-admin-token').fill(ADMIN_TOKEN);
    await byTestId(page, 'topo-apply').click();
    await byTestId(page, 'topo-result', { outcome: 'saved' }).waitFor();
    const after = await servedVersion(domain);
    expect(after).not.toBe(before);
    await byTestId(page, 'topo-version', { version: after }).waitFor();
    await byTestId(page, 'topo-history-entry', { version: after }).waitFor();

    // domain-04 does not run, so no metrics of the new link are known here.
    await byTestId(page, 'graph-link', { link: 'domain-01~domain-04', state: 'unknown' }).waitFor();
    await byTestId(page, 'path-show').click();
    await byTestId(page, 'path-result', { path: 'domain-01>domain-04' }).waitFor();
    await byTestId(page, 'graph-link', { link: 'domain-01~domain-04', 'on-path': 'true' }).waitFor();
    expect(await byTestId(page, 'graph-link', { link: 'domain-02~domain-03', 'on-path': 'true' }).count()).toBe(0);
    await saveScreenshot(page, 'graph');

    // A page opened now lists the history at once, with nothing done on it.
    const reopened = await ui.open(domain, 'reopened', '#/topology');
    await editorLoaded(reopened, domain);
    await byTestId(reopened, 'topo-history-entry', { version: after }).waitFor();
  });
});
