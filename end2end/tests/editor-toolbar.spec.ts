import { expect } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, DEMO_PLAN, editor, loggedInContext, openSection, startEditing, typeInEditor, watchForErrors } from './helpers';

test('the formatting buttons wrap the selection, work from the keyboard, and the preview follows', async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, CIVIL);
  const problems = watchForErrors(page);
  try {
    await openSection(page, DEMO_PLAN.id, 'International assistance');
    await startEditing(page);
    const e = editor(page);
    const bar = page.getByRole('group', { name: 'Formatting' });
    for (const name of ['Heading', 'Bold', 'Italic', 'Bulleted list', 'Numbered list', 'Link', 'Quote']) {
      await expect(bar.getByRole('button', { name, exact: true })).toHaveAttribute('type', 'button');
    }
    await typeInEditor(page, 'Make this strong\n\nFirst\nSecond', 'Make this strong');

    // Bold around a selection, which stays selected, in the text box.
    await e.body.evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(10, 16));
    await bar.getByRole('button', { name: 'Bold' }).click();
    await expect(e.body).toHaveValue('Make this **strong**\n\nFirst\nSecond');
    await expect(e.body).toBeFocused();
    expect(await e.body.evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd))).toBe('strong');
    await expect(e.preview.locator('strong')).toHaveText('strong');
    await expect(e.state).toHaveText('Unsaved changes (kept in this browser until saved)');

    // From the keyboard: Tab to a button and press it; every line of the selection becomes a list item.
    await e.body.evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(t.value.indexOf('First'), t.value.length));
    await bar.getByRole('button', { name: 'Numbered list' }).focus();
    await page.keyboard.press('Enter');
    await expect(e.body).toHaveValue('Make this **strong**\n\n1. First\n2. Second');
    await expect(e.preview.locator('ol li')).toHaveText(['First', 'Second']);

    // The help lists the syntax.
    await page.locator('details.format-help > summary').click();
    await expect(page.locator('details.format-help')).toContainText('**bold**');
    await expect(page.locator('details.format-help')).toContainText('[words](https://example.org)');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('without JavaScript the formatting help is there and no button pretends to work', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto('/login');
    await page.locator('#login-email').fill(CIVIL.email);
    await page.locator('#login-password').fill('upstream-demo-2026');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto(`/plans/${DEMO_PLAN.id}`);
    const href = await page.locator('ol.sections li.section-item > a').first().getAttribute('href');
    await page.goto(`${href}?edit`);
    await expect(page.locator('textarea#section-body')).toBeVisible();
    await expect(page.locator('details.format-help > summary')).toHaveText('Formatting help');
    await expect(page.getByRole('group', { name: 'Formatting' })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
