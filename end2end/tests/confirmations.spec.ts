import { expect } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, DEMO_PASSWORD, DEMO_PLAN, JUSTICE, loggedInContext, settle, watchForErrors } from './helpers';

// Actions that are hard to take back ask first and say what can be undone: with the bundle, and
// without JavaScript (the question is plain HTML).

test('removing a section asks first, says it can be restored, and only the confirmation removes it', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    const problems = watchForErrors(page);
    const stamp = Date.now();
    const title = `Scratch section ${stamp}`;
    await page.goto(`/plans/${DEMO_PLAN.id}`);
    await settle(page);
    await page.locator('#add-section-title').fill(title);
    await page.getByRole('button', { name: 'Add section' }).click();
    const inList = () => page.locator('ol.sections li', { has: page.getByRole('link', { name: title }) });
    const row = inList();
    await expect(row).toHaveCount(1);

    // The first press only asks.
    await row.locator('details.confirm > summary').click();
    const step = row.locator('.confirm-step');
    await expect(step).toBeVisible();
    await expect(step).toContainText('it can be restored from this page');
    await page.reload();
    await settle(page);
    await expect(inList()).toHaveCount(1);

    // The confirmation removes it, and the removed list offers it back.
    await inList().locator('details.confirm > summary').click();
    await inList().getByRole('button', { name: 'Yes, remove it' }).click();
    await expect(inList()).toHaveCount(0);
    const removed = page.locator('section.panel', { has: page.getByRole('heading', { name: 'Removed sections' }) });
    await expect(removed.locator('li', { hasText: title }).getByRole('button', { name: 'Restore' })).toBeVisible();
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('deactivating a person asks first without JavaScript too, and nothing happens until it is confirmed', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('#login-email').fill(ADMIN.email);
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/admin/people');
    const row = page.locator('tr', { hasText: JUSTICE.email });
    await expect(row.locator('td').nth(4)).toHaveText('Active');
    await row.locator('details.confirm > summary').click();
    await expect(row.locator('.confirm-step')).toContainText('an administrator can reactivate them');
    // Opening the question sent nothing.
    await page.reload();
    await expect(page.locator('tr', { hasText: JUSTICE.email }).locator('td').nth(4)).toHaveText('Active');
  } finally {
    await context.close();
  }
});
