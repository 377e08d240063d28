import { expect } from '@playwright/test';
import { test } from './helpers';
import { DEMO_PLAN, JUSTICE, editor, logInAs, openSection, settle, startEditing, typeInEditor, watchForErrors } from './helpers';

test('text typed but not saved survives a reload, and is gone from the browser once saved', async ({ page }) => {
  const problems = watchForErrors(page);
  const stamp = Date.now();
  await logInAs(page, JUSTICE);
  await openSection(page, DEMO_PLAN.id, 'PSG 4 - Economic foundations');
  await startEditing(page);
  const e = editor(page);
  const saved = await e.body.inputValue();
  const versionText = await page.locator('p.last-change').innerText();
  const version = Number(versionText.match(/version (\d+)/)![1]);
  await expect(e.state).toHaveText('All changes saved');

  // Type a new paragraph and reload without saving.
  const typed = `${saved}\n\nRegional employment figures are published every quarter (draft ${stamp}).`;
  await typeInEditor(page, typed, `draft ${stamp}`);
  await page.reload();
  await settle(page);

  // The typed text comes back from this browser, and the page says so.
  await expect(e.body).toHaveValue(typed);
  await expect(page.locator('p.alert.alert-info')).toContainText('Unsaved text from this browser was restored');
  await expect(e.preview).toContainText(`draft ${stamp}`);
  await expect(e.state).toHaveText('Unsaved changes (kept in this browser until saved)');

  // Saving it keeps it for good.
  await e.save.click();
  await expect(e.alert.filter({ hasText: /^Saved as version/ })).toHaveText(`Saved as version ${version + 1}.`);
  await expect(page.locator('p.alert.alert-info')).toHaveCount(0);
  await expect(e.state).toHaveText('All changes saved');

  // After another reload there is nothing to restore: the text is the saved one.
  await page.reload();
  await settle(page);
  await expect(e.body).toHaveValue(typed);
  await expect(page.locator('p.last-change')).toContainText(`version ${version + 1}`);
  await expect(page.locator('p.alert.alert-info')).toHaveCount(0);
  await expect(e.alert).toHaveCount(0);
  await expect(e.state).toHaveText('All changes saved');

  expect(problems, 'errors in the browser').toEqual([]);
});
