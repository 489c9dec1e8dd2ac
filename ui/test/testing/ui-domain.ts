import { byTestId, launchBrowser, startEmbeddedDomain, type EmbeddedDomain, type TestBrowser } from '@linker/testing';
import type { Topology } from '@linker/topology';
import type { Page } from 'playwright-core';

/** The admin token the domains under test are started with (`LINKER_ADMIN_TOKEN`): topology writes need it. */
export const ADMIN_TOKEN = 'browser-test-admin-token';

/** The original's app: auth off, so any `ANZ-<number>` logs in with any token. */
export const ANZ = { appName: 'ANZ', appId: 'app-id-343', master: 'ANZ-123223' } as const;

/** One domain, the original's app: every ANZ user is at home here. */
export function singleDomainTopology(): Topology {
  return {
    domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }],
    domainLinks: [],
    clientApps: [{ appName: ANZ.appName, appId: ANZ.appId, masterUserId: ANZ.master, authEnabled: false }],
  };
}

export interface UiDomain extends EmbeddedDomain {
  readonly uiUrl: string;
}

/** What a browser suite works with: `uiSuite()`. */
export interface UiSuite {
  /**
   * `domain` of `topology` in embedded mode (the built dist/ and ui/dist: `npm run build` first), serving the web UI
   * on a free port, with topology writes allowed by `ADMIN_TOKEN` (and `env` besides); closed after the test.
   */
  start(topology: Topology, domain?: string, env?: Record<string, string>): Promise<UiDomain>;
  /** A page of its own (its own browser context: nothing shared with another user's) on `route` of the UI. */
  open(domain: UiDomain, name: string, route: '#/chat' | '#/map' | '#/topology' | '#/ops'): Promise<Page>;
}

/**
 * Call at the top of a `describe`: one browser for the suite; after each test, its pages and the domain it started are
 * closed, and an uncaught page error fails it.
 */
export function uiSuite(): UiSuite {
  let browser: TestBrowser;
  let running: UiDomain | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    await browser.closeContexts();
    await running?.close();
    running = undefined;
    browser.assertNoPageErrors();
  });
  return {
    async start(topology, domain = topology.domains[0].name, env = {}) {
      const started = await startEmbeddedDomain({ topology, domain, ui: true, env: { ...env, LINKER_ADMIN_TOKEN: ADMIN_TOKEN } });
      running = started as UiDomain;
      if (started.uiUrl === undefined) throw new Error('the embedded mode printed no "web UI:" line');
      return running;
    },
    async open(domain, name, route) {
      const page = await browser.newPage(name);
      await page.goto(`${domain.uiUrl}/${route}`);
      return page;
    },
  };
}

/**
 * Fill the connect form as `userId` of the original's app (the connector's URL and the appId left as the UI fills them) and log in.
 * `screen`: the chat console's form (`chat-…` hooks) or the team map's (`map-…`).
 */
export async function connectAs(page: Page, userId: string, screen: 'chat' | 'map' = 'chat'): Promise<void> {
  const field = (name: string) => `document.querySelector('[data-testid="${screen}-${name}"]')?.value`;
  // The connector's URL is pre-filled once the page has read /api/info; the form cannot be sent before.
  await page.waitForFunction(`${field('url')} !== ''`);
  await byTestId(page, `${screen}-user`).fill(userId);
  // The page fills the appId in from the topology as the user id is typed; typing it too would race with that
  // (a re-render between fill's select-all and its typing once gave "app-id-343app-id-343").
  await page.waitForFunction(`${field('app-id')} === ${JSON.stringify(ANZ.appId)}`);
  await byTestId(page, `${screen}-token`).fill('any-token');
  await byTestId(page, `${screen}-connect`).click();
  try {
    await byTestId(page, `${screen}-state`, { state: 'authenticated' }).waitFor();
  } catch (error) {
    // Say what the page shows instead: the state line, the form as sent, and any error in words.
    const state = byTestId(page, `${screen}-state`);
    const shown = `${await state.getAttribute('data-state')}: ${await state.innerText()}`;
    const form = await Promise.all(['url', 'user', 'app-id'].map((id) => byTestId(page, `${screen}-${id}`).inputValue()));
    const errors = await byTestId(page, `${screen}-error`).allInnerTexts();
    throw new Error(
      `${userId} did not get signed in (${shown}; form ${form.join(' ')}; errors: ${errors.join(' | ') || 'none'}): ${String(error)}`,
      { cause: error },
    );
  }
}

/** Compose and send a MESSAGE to `to` on `lane`. */
export async function sendMessage(page: Page, to: string, content: string, lane: 'RELIABLE' | 'FAST' = 'RELIABLE'): Promise<void> {
  await byTestId(page, 'chat-to').fill(to);
  await byTestId(page, 'chat-kind').selectOption('MESSAGE');
  await byTestId(page, 'chat-lane').selectOption(lane);
  await byTestId(page, 'chat-content').fill(content);
  await byTestId(page, 'chat-send').click();
}
