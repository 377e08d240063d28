import { expect } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, DEMO_PASSWORD, JUSTICE, isHydrated, logIn, loggedInContext, settle } from './helpers';

test('the WebAssembly bundle hydrates pages without errors, so forms submit without a page load', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  const panics: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('panicked at')) {
      panics.push(`${page.url()}: ${message.text().split('\n').slice(0, 2).join(' ')}`);
    }
  });

  // Every request the pages make must succeed (no missing favicon, script or stylesheet).
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));

  await page.goto('/login');
  await settle(page);
  await logIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.goto('/admin/organisations');
  await settle(page);

  expect(panics, 'Rust panics in the browser console').toEqual([]);
  expect(pageErrors, 'uncaught errors in the page (hydration did not finish)').toEqual([]);
  expect(failed, 'requests that failed while loading the pages').toEqual([]);

  // A hydrated ActionForm posts with fetch and stays on the page; an unhydrated one navigates.
  await page.locator('#org-new-name').fill('   ');
  await page.locator('#org-new-kind').selectOption('donor');
  await page.locator('#org-new-country').selectOption('SL');
  const request = page.waitForRequest(
    (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/create_organisation',
  );
  await page.getByRole('button', { name: 'Create organisation' }).click();
  expect((await request).resourceType(), 'how the create-organisation form was sent').toBe('fetch');
  await expect(page.locator('.field', { has: page.locator('#org-new-name') }).locator('p.field-error')).toHaveText(
    "Enter the organisation's name.",
  );
  expect(pageErrors).toEqual([]);
});

test('a link clicked while the page’s own code is still loading opens its page', async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    // Each page's code is a module of its own; hold the home page's back until the click.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested = false;
    await page.route('**/split_personal_pages_*', async (route) => {
      requested = true;
      await held;
      // The click has loaded another page by then, which may have dropped this request.
      await route.continue().catch(() => {});
    });
    // Not waiting for `load`: a `<link rel="preload">` of the held module would hold it too.
    await page.goto('/', { waitUntil: 'commit' });
    await expect.poll(() => requested, { message: 'the home page asked for its module' }).toBe(true);
    // The main module is running (it asked for the page's), and the router with it.
    await page.waitForTimeout(1_000);
    expect(await isHydrated(page)).toBe(false);

    await page.getByRole('link', { name: JUSTICE.org! }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(JUSTICE.org!);
    release();
    await page.unroute('**/split_personal_pages_*');
  } finally {
    await context.close();
  }
});
