import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

const REPO = join(__dirname, '..', '..', '..');
/** Where the test run keeps its output (ignored by git); screenshots go to its `screenshots/` folder. */
export const SCREENSHOT_DIR = join(REPO, 'test-output', 'screenshots');
/** Debian's Chromium, installed by `scripts/ensure-chromium.sh` (Playwright's own browser download fails here). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags that let Chromium run on these machines: as root (no sandbox), without a GPU, and without its background
 * connections to Google's hosts, which this machine's closed network refuses. Playwright adds `--headless` and a
 * fresh temporary profile (`--user-data-dir`) itself.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PAGE_TIMEOUT_MS = 15_000;

/** One problem a page reported: an uncaught error, or a `console.error`. */
export interface PageProblem {
  page: string;
  kind: 'pageerror' | 'console';
  text: string;
}

/**
 * A headless Chromium for one test file: pages opened by `newPage(name)` (each in its own browser context, so two
 * pages are two users with nothing shared) have their uncaught errors and console errors collected.
 * `assertNoPageErrors()` fails on any uncaught page error (console errors are listed with it, for the diagnosis).
 */
export interface TestBrowser {
  readonly browser: Browser;
  /** A new context (cookies, storage: its own) and a page in it, watched for errors; `name` tells them apart. */
  newPage(name: string, options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  /** Uncaught page errors and console errors of every page since the last `assertNoPageErrors()`. */
  problems(): readonly PageProblem[];
  /** Throws when a page had an uncaught error since the last check, listing every problem seen; starts a new list. */
  assertNoPageErrors(): void;
  /** Close every context opened by `newPage` (the browser stays). */
  closeContexts(): Promise<void>;
  /** Close the browser (every context with it). */
  close(): Promise<void>;
}

/** Launch Debian's Chromium headless with the flags that work here. */
export async function launchBrowser(): Promise<TestBrowser> {
  // Loaded here, not at the top: every test imports @linker/testing, few of them drive a browser.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }).catch((error: Error) => {
    throw new Error(`could not start ${CHROMIUM} (installed by scripts/ensure-chromium.sh, which npm test runs): ${error.message}`);
  });
  const problems: PageProblem[] = [];
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    async newPage(name, options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      contexts.add(context);
      context.once('close', () => contexts.delete(context));
      const page = await context.newPage();
      // Every auto-waiting call (locator.waitFor, click, fill) gives up after this: long enough for a slow CI machine.
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      page.on('pageerror', (error) => problems.push({ page: name, kind: 'pageerror', text: error.stack ?? error.message }));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push({ page: name, kind: 'console', text: message.text() });
      });
      return page;
    },
    problems: () => [...problems],
    assertNoPageErrors() {
      // Each test checks its own pages: one test's error does not fail the next.
      const seen = problems.splice(0);
      if (!seen.some((problem) => problem.kind === 'pageerror')) return;
      const list = seen.map((problem) => `  [${problem.page}] ${problem.kind}: ${problem.text}`).join('\n');
      throw new Error(`a page had an uncaught error:\n${list}`);
    },
    async closeContexts() {
      await Promise.all([...contexts].map((context) => context.close()));
    },
    close: () => browser.close(),
  };
}

/** Save a full-page screenshot as `test-output/screenshots/<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The elements with `data-testid="<testId>"` whose `data-<name>` attributes have the given values: the agreed test
 * hooks of the web UI (ui/README.md), so a test depends on neither layout nor wording. Its `waitFor()` is
 * Playwright's auto-waiting: `byTestId(page, 'chat-state', { state: 'authenticated' }).waitFor()`.
 */
export function byTestId(page: Page, testId: string, attributes: Record<string, string> = {}): Locator {
  const selector = Object.entries(attributes).map(([name, value]) => `[data-${name}=${JSON.stringify(value)}]`);
  return page.locator(`[data-testid=${JSON.stringify(testId)}]${selector.join('')}`);
}
