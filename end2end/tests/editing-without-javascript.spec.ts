import { expect } from '@playwright/test';
import { test } from './helpers';
import { DEMO_PASSWORD, DEMO_PLAN, JUSTICE } from './helpers';

test('editing a section works without JavaScript: the Edit link opens the plain form, and a save comes back to it', async ({
  browser,
}) => {
  const stamp = Date.now();
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('#login-email').fill(JUSTICE.email);
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);

    await page.goto(`/plans/${DEMO_PLAN.id}`);
    await page.locator('ol.sections li.section-item > a').filter({ hasText: /^International assistance/ }).click();
    // The section opens for reading: its text, no editor.
    await expect(page.locator('article.prose.annotated')).toBeVisible();
    await expect(page.locator('form.editor')).toHaveCount(0);

    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page).toHaveURL(/\?edit$/);
    const body = page.locator('form.editor textarea#section-body');
    const before = await body.inputValue();
    expect(before.length).toBeGreaterThan(0);
    // While editing, the text is in the editor and its preview, not a third time for reading.
    await expect(page.locator('article.prose.annotated')).toHaveCount(0);
    await expect(page.locator('form.editor div.preview')).toContainText(before.split(/\s+/).slice(0, 3).join(' '));

    const text = `${before}\n\nRevenue-sharing rules are published before each budget (plain ${stamp}).`;
    await body.fill(text);
    await page.locator('form.editor').getByRole('button', { name: 'Save', exact: true }).click();

    // The plain post comes back to the editor, with the outcome and the saved text.
    await expect(page).toHaveURL(/\?edit=?$/);
    await expect(page.locator('form.editor p.alert')).toHaveText(/^Saved as version \d+\.$/);
    await expect(body).toHaveValue(text);

    // "Done editing" goes back to reading, where the new text is shown.
    await page.getByRole('link', { name: 'Done editing' }).click();
    await expect(page.locator('form.editor')).toHaveCount(0);
    await expect(page.locator('article.prose.annotated')).toContainText(`plain ${stamp}`);
  } finally {
    await context.close();
  }
});
