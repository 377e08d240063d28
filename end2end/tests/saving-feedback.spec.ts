import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import {
  DEMO_PLAN,
  JUSTICE,
  editor,
  loggedInContext,
  openSection,
  settle,
  startEditing,
  typeInEditor,
  watchForErrors,
} from './helpers';

// Saving on a slow or broken link: the person sees that a save is under way, cannot send it
// twice, and a failure says in plain words what happened and that the text is kept.

const SECTION = 'PSG 3';

/** Opens the section's editor: its parts, the text it holds and its save button. */
async function editTheSection(page: Page) {
  await openSection(page, DEMO_PLAN.id, SECTION);
  await startEditing(page);
  const e = editor(page);
  const saved = await e.body.inputValue();
  const button = e.form.locator('.editor-bar button[type=submit]');
  return { e, saved, button };
}

test('a save in flight says so and cannot be sent twice; a failed one says the text is kept, and saving again works', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    const problems = watchForErrors(page);
    const stamp = Date.now();
    const { e, saved, button } = await editTheSection(page);

    // A slow link: every save takes two seconds to leave.
    let sent = 0;
    await page.route('**/api/save_section', async (route) => {
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue();
    });
    await typeInEditor(page, `${saved}\n\nFirst addition (${stamp}).`, `First addition (${stamp})`);
    await button.click();
    await expect(button).toHaveText('Saving…');
    await expect(button).toBeDisabled();
    await expect(e.state).toHaveText('Saving…');
    // A second press does nothing while the first save travels.
    await button.click({ force: true }).catch(() => {});
    await expect(e.alert.filter({ hasText: /Saved as version \d+\./ })).toBeVisible({ timeout: 15_000 });
    await expect(button).toHaveText('Save');
    await expect(button).toBeEnabled();
    expect(sent).toBe(1);
    await page.unroute('**/api/save_section');

    // The link drops: the save fails in plain words, nothing stale stays beside it, and the
    // text stays in the editor.
    const text = `${saved}\n\nFirst addition (${stamp}).\n\nSecond addition (${stamp}).`;
    await typeInEditor(page, text, `Second addition (${stamp})`);
    await context.setOffline(true);
    await button.click();
    const failure = e.form.locator('p.alert-error');
    await expect(failure).toContainText('The server could not be reached');
    await expect(failure).not.toContainText('TypeError');
    await expect(e.alert.filter({ hasText: /Saved as version|Nothing new to save/ })).toHaveCount(0);
    await expect(e.state).toHaveText('Not saved: your text is kept in this browser until it is');
    await expect(e.body).toHaveValue(text);

    // Back online, the same button saves it.
    await context.setOffline(false);
    await button.click();
    await expect(e.alert.filter({ hasText: /Saved as version \d+\./ })).toBeVisible();
    await expect(failure).toHaveCount(0);
    await expect(e.state).toHaveText('All changes saved');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a save answered by a server of another version says to reload the page, and the text survives the reload', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    const problems = watchForErrors(page);
    const stamp = Date.now();
    const { e, saved, button } = await editTheSection(page);

    // Upstream is updated while the page is open: the answer comes from a build of other
    // sources (its fingerprint, after the two-byte mark, differs from the page's bundle).
    await page.route('**/api/save_section', async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      expect(body[0]).toBe(0xff);
      body[2] ^= 0xff;
      await route.fulfill({ response, body });
    });
    const text = `${saved}\n\nWritten across a deploy (${stamp}).`;
    await typeInEditor(page, text, `Written across a deploy (${stamp})`);
    await button.click();
    const failure = e.form.locator('p.alert-error');
    await expect(failure).toContainText('Upstream has been updated since this page was opened. Reload the page to continue.');
    await expect(e.alert.filter({ hasText: /Saved as version/ })).toHaveCount(0);
    await expect(e.body).toHaveValue(text);
    await page.unroute('**/api/save_section');

    // Reloaded (still editing: the address says so), the page runs the current bundle, and
    // the text is there.
    await page.reload();
    await settle(page);
    await expect(editor(page).body).toHaveValue(text);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
