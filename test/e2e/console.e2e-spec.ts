import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';
import { type RunningApp, startApp } from '@touchpoint/platform';
import {
  cli,
  eventually,
  isolatedEnv,
  publishThroughIngest,
  storyPurchase,
  tempDir,
  agentCardStory,
} from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '.artifacts');
// No network here: without these, Chromium keeps dialling Google services and floods the logs.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LIVE_BUDGET_MS = 2000;

/** Waits until the element's text contains `text`; the failure names what was there instead. */
async function seeText(locator: Locator, text: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  for (;;) {
    last = (await locator.allTextContents().catch(() => [])).join(' | ');
    if (last.includes(text)) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `expected ${String(locator)} to contain "${text}" within ${timeoutMs} ms; saw "${last}"`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

const visible = (locator: Locator, timeout = 10000) =>
  locator.first().waitFor({ state: 'visible', timeout });

// Outside CI a machine without Chromium skips (visibly); under CI the missing browser fails.
const haveChromium = existsSync(CHROMIUM);
const suite = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

suite('Agent console in headless Chromium, on Kafka and the MongoDB-compatible server', () => {
  let env: Record<string, string>;
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  const keys = new Map<string, string>();
  const customerId = `c-ui-${randomUUID().slice(0, 8)}`;
  const tag = customerId.replace(/[^a-z0-9]/gi, '').slice(-6);

  const api = (path: string, t = token) =>
    fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${t}` } });

  const newToken = async (...args: string[]): Promise<string> => {
    const res = await cli(env, 'tokens', 'create', ...args);
    if (res.code !== 0) throw new Error(`tokens create failed: ${res.out}`);
    return res.out.trim();
  };

  const signIn = async (t: string) => {
    await page.goto(app.url);
    await page.getByLabel('Access token').fill(t);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  beforeAll(async () => {
    if (!haveChromium) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`,
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    // No clock skew allowance, so a token that expired a second ago is refused.
    env = isolatedEnv({ AUTH_CLOCK_SKEW_SECONDS: '0' });
    app = await startApp(touchpointApp, env);
    token = await newToken('--role', 'agent', '--pii', '--sub', 'agent-e2e');
    await publishThroughIngest(app.url, env, agentCardStory(customerId, Date.now()), keys);
    await eventually(
      async () => {
        const res = await api(`/v1/customers/${customerId}`);
        if (res.status !== 200) return undefined;
        const view = ((await res.json()) as { data: { purchases: { orders: number } } }).data;
        return view.purchases.orders === 9 || undefined;
      },
      { what: 'the story in the customer360 model', timeoutMs: 30000 },
    );
    context = await chromium.launchPersistentContext(tempDir('touchpoint-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    // The last screen, whatever happened: the first thing to look at when a step failed.
    await page?.screenshot({ path: join(ARTIFACTS, 'console-last.png') }).catch(() => undefined);
    await context?.close();
    await app?.close();
  });

  it('signs in with a token, finds the customer, opens the card and sees a published event on it within 2 s without a reload', async () => {
    await signIn(token);
    await visible(page.getByText('agent-e2e'));

    const search = page.getByRole('searchbox', { name: 'Find a customer' });
    await search.fill(`WANG.LEI.${tag}@EXAMPLE.CN`);
    await search.press('Enter');
    await page.getByRole('link', { name: /Lei Wang/ }).click();

    await visible(page.getByRole('heading', { level: 1, name: 'Lei Wang' }));
    await seeText(page.getByTestId('nba'), `Resolve complaint K-${tag}`);
    await seeText(page.getByTestId('orders'), '9');
    await visible(page.getByRole('status', { name: 'Live updates: Live' }));

    // A marker on the page's global object survives only if the page is not reloaded.
    await page.evaluate(() => Object.assign(globalThis, { __sameDocument: true }));
    const orderId = `O-${tag}-live`;
    const started = Date.now();
    await publishThroughIngest(
      app.url,
      env,
      [storyPurchase(customerId, Date.now(), 'store', orderId, 42000)],
      keys,
    );
    await seeText(page.getByTestId('orders'), '10', LIVE_BUDGET_MS);
    const timeline = page.getByRole('list', { name: /Interactions/ });
    await seeText(
      timeline,
      `Order ${orderId}`,
      Math.max(1, LIVE_BUDGET_MS - (Date.now() - started)),
    );
    expect(Date.now() - started).toBeLessThanOrEqual(LIVE_BUDGET_MS);
    expect(
      await page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    await seeText(page.getByTestId('announcer'), `Order ${orderId}`);

    await page.screenshot({ path: join(ARTIFACTS, 'console-card-1280x800.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'console-card-1280-full.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await visible(page.getByRole('heading', { level: 1, name: 'Lei Wang' }));
    await page.screenshot({ path: join(ARTIFACTS, 'console-card-390x844.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('serves the page uncached and the hashed bundle immutable, and leaves unknown API paths to the API', async () => {
    const pageRes = await fetch(`${app.url}/customers/${customerId}`, {
      headers: { accept: 'text/html' },
    });
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers.get('cache-control')).toBe('no-cache');
    expect(pageRes.headers.get('content-security-policy')).toContain("default-src 'self'");
    const script = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(await pageRes.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${app.url}${script!}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const unknown = await fetch(`${app.url}/v1/no-such-route`, {
      headers: { accept: 'text/html' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/json');
  });

  it('says in words when the customer does not exist (404) or the address is malformed (400)', async () => {
    await page.goto(`${app.url}/customers/c-nobody-${tag}`);
    await seeText(page.getByRole('alert'), 'Customer not found');
    await seeText(page.getByRole('alert'), `c-nobody-${tag}`);

    await page.goto(`${app.url}/customers/${customerId}?asOf=yesterday-ish`);
    await seeText(page.getByRole('alert'), 'The request was not accepted');
    await seeText(page.getByRole('alert'), 'asOf');
    await page.screenshot({ path: join(ARTIFACTS, 'console-400.png') });
  });

  it('says in words when the role lacks the rights (403)', async () => {
    await page.goto(`${app.url}/rules`);
    await seeText(page.getByRole('alert'), 'Not allowed');
    await seeText(page.getByRole('alert'), 'Your role (agent)');
  });

  it('turns a forged, an expired or a missing token into the sign-in form with the reason (401)', async () => {
    const [head, body] = token.split('.');
    const forged = `${head}.${body}.${Buffer.from('not the signature').toString('base64url')}`;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await seeText(page.getByRole('alert'), 'You have signed out');
    await signIn(forged);
    await seeText(page.getByRole('alert'), 'This access token is not valid');

    const shortLived = await newToken('--role', 'agent', '--ttl', '1s');
    await new Promise((r) => setTimeout(r, 2100));
    await signIn(shortLived);
    await seeText(page.getByRole('alert'), 'Your session has expired');

    await page.getByLabel('Access token').fill('');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seeText(page.getByRole('alert'), 'No token entered');
    await page.screenshot({ path: join(ARTIFACTS, 'console-401.png') });
  });
});
