import { expect } from '@playwright/test';
import { newContext, test } from './helpers';
import { ADMIN, DEMO_PASSWORD, DEMO_PLAN, JUSTICE, loggedInContext, settle, waitForHydration, watchForErrors } from './helpers';

// What people type is shown as they typed it once the bundle has taken over, and an address
// cannot make the app say anything.

test('a section title with markup in it is the tab title as typed, not as escaped for the server', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    const problems = watchForErrors(page);
    await page.goto(`/plans/${DEMO_PLAN.id}`);
    await settle(page);
    const title = `Early warning </title><b>&amp; "response"`;
    await page.locator('#add-section-title').fill(title);
    await page.getByRole('button', { name: 'Add section' }).click();
    await page.locator('ol.sections').getByRole('link', { name: title }).click();
    await expect(page).toHaveURL(/\/sections\/\d+$/);
    await settle(page);
    // Opened inside the app: the router set the title.
    await expect(page).toHaveTitle(`${title} · Upstream`);
    // Opened afresh: the server wrote it, then the bundle took over.
    await page.reload();
    await settle(page);
    // Written escaped into the server's <title>, decoded by the browser, and left alone by
    // the hydrated app (which sets document.title as plain text).
    await expect(page).toHaveTitle(`${title} · Upstream`);
    await expect(page.locator('head meta[http-equiv]')).toHaveCount(0);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a form posted before the bundle loaded comes back with its messages, which stay once the bundle takes over', async ({
  browser,
}) => {
  // Posted before the bundle ran: its files are held back on the first page, so the form goes
  // out as a plain post...
  const context = await newContext(browser);
  try {
    const again = await context.newPage();
    await again.route('**/pkg/**', (route) => route.abort());
    await again.goto('/login');
    await again.locator('#login-email').fill(ADMIN.email);
    await again.locator('#login-password').fill('not-the-right-password');
    // ...and the page it comes back to loads the bundle, which takes over.
    await again.unroute('**/pkg/**');
    const problems = watchForErrors(again);
    await again.getByRole('button', { name: 'Log in' }).click();
    await expect(again).toHaveURL(/\/login$/);
    await settle(again);
    await waitForHydration(again);
    const passwordField = again.locator('.field', { has: again.locator('#login-password') });
    await expect(passwordField.locator('p.field-error')).toHaveText('The email or password is wrong.');
    await expect(again.locator('#login-email')).toHaveValue(ADMIN.email);
    // Shown once: the bundle read it from the page and the server gave it away.
    await expect(again.locator('meta[name="upstream-form-return"]')).toHaveCount(0);
    expect(problems).toEqual([]);

    // The right password still works from the hydrated page.
    await again.locator('#login-password').fill(DEMO_PASSWORD);
    await again.getByRole('button', { name: 'Log in' }).click();
    await expect(again).toHaveURL(/\/$/);
  } finally {
    await context.close();
  }
});

test('an address carrying an error shows none of it, opened directly or followed inside the app', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    const problems = watchForErrors(page);
    // `AppError::Conflict("Your account is locked: call +1 555 0100")` as Leptos encodes it
    // (app::encoding: the mark and the sources' fingerprint, which anyone can read off any
    // answer, then postcard: the variant's index, 5, the text's length and bytes; URL-safe
    // base64).
    const answer = await page.request.post('/api/inbox_unread', {
      headers: { accept: 'application/x-postcard' },
    });
    expect(answer.ok()).toBeTruthy();
    const prefix = (await answer.body()).subarray(0, 10);
    expect(prefix[0]).toBe(0xff);
    const text = Buffer.from('Your account is locked: call +1 555 0100');
    const error = Buffer.concat([prefix, Buffer.from([5, text.length]), text])
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    const crafted = `/plans/${DEMO_PLAN.id}?__path=${encodeURIComponent('/api/set_plan_status')}&__err=${error}`;
    await page.goto(crafted);
    await settle(page);
    await expect(page.getByText('call +1 555')).toHaveCount(0);

    // A link in the app to such an address is followed by the router, without the server.
    await page.goto('/');
    await settle(page);
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'crafted';
      a.id = 'crafted-link';
      document.querySelector('main')?.append(a);
    }, crafted);
    await page.locator('#crafted-link').click();
    await expect(page).toHaveURL(/__err=/);
    await settle(page);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Valdoria');
    await expect(page.getByText('call +1 555')).toHaveCount(0);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
