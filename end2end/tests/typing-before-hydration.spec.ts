import { expect } from '@playwright/test';
import { test } from './helpers';
import {
  DEMO_PLAN,
  JUSTICE,
  editor,
  isHydrated,
  logInAs,
  openSection,
  startEditing,
  settle,
  storedDrafts,
  throttle,
  waitForHydration,
  watchForErrors,
} from './helpers';

test('text typed in the editor and the comment boxes before the page is hydrated stays there, is kept as a draft, and can then be saved', async ({
  page,
}) => {
  // A throttled page load and hydration take a while.
  test.setTimeout(240_000);
  const problems = watchForErrors(page);
  const stamp = Date.now();
  await logInAs(page, JUSTICE);
  const path = `${await openSection(page, DEMO_PLAN.id, 'PSG 5 - Revenues and services')}?edit`;
  await startEditing(page);
  const e = editor(page);
  const saved = await e.body.inputValue();
  const version = Number((await page.locator('p.last-change').innerText()).match(/version (\d+)/)![1]);

  // A thread of my own, to reply in and to edit my comment in.
  const opening = `Which revenue figures will be published, and when? (${stamp})`;
  await page.locator('#new-thread-body').fill(opening);
  await page.locator('#new-thread').getByRole('button', { name: 'Comment', exact: true }).click();
  const mine = page.locator('article.thread').filter({ hasText: opening });
  await expect(mine).toBeVisible();
  const threadId = (await mine.getAttribute('data-thread'))!;
  const commentId = (await mine.locator('.comment').first().getAttribute('id'))!.replace('comment-', '');
  const thread = page.locator(`article.thread[data-thread="${threadId}"]`);
  const newThread = page.locator('#new-thread-body');
  const reply = page.locator(`#reply-${threadId}`);
  const edit = page.locator(`#edit-${commentId}`);

  // On a slow link, the server-rendered page is there seconds before the bundle has hydrated
  // it: type into every box at once.
  const lift = await throttle(page);
  await page.goto(path, { waitUntil: 'commit' });
  const typedBody = [saved, `Quarterly revenue reports go to the provincial councils (typed early ${stamp}).`]
    .filter((p) => p.length > 0)
    .join('\n\n');
  const typedThread = `Are customs revenues included? (typed early ${stamp})`;
  const typedReply = `Monthly, from the treasury's own ledger (typed early ${stamp}).`;
  const typedEdit = `Which revenue figures will be published, and how often? (typed early ${stamp})`;
  await e.body.fill(typedBody);
  await newThread.fill(typedThread);
  await reply.fill(typedReply);
  await thread.locator('details.edit-comment > summary').click();
  await edit.fill(typedEdit);
  expect(await isHydrated(page), 'the typing has to happen before the page is hydrated').toBe(false);

  // Once hydrated, everything typed is still there, the page says it is not saved, and it is
  // kept in this browser.
  await waitForHydration(page);
  await expect(e.body).toHaveValue(typedBody);
  await expect(e.preview).toContainText(`typed early ${stamp}`);
  await expect(e.state).toHaveText('Unsaved changes (kept in this browser until saved)');
  await expect(newThread).toHaveValue(typedThread);
  await expect(reply).toHaveValue(typedReply);
  await expect(edit).toHaveValue(typedEdit);
  await expect
    .poll(async () => Object.values(await storedDrafts(page)).sort())
    .toEqual([`${version}\n${typedBody}`, typedEdit, typedReply, typedThread].sort());

  // A reload (at full speed) brings it all back.
  await lift();
  await page.reload();
  await settle(page);
  await expect(e.body).toHaveValue(typedBody);
  await expect(page.locator('p.alert.alert-info')).toContainText('Unsaved text from this browser was restored');
  await expect(e.state).toHaveText('Unsaved changes (kept in this browser until saved)');
  await expect(newThread).toHaveValue(typedThread);
  await expect(reply).toHaveValue(typedReply);
  await expect(edit).toBeVisible();
  await expect(edit).toHaveValue(typedEdit);

  // And it can all be saved.
  await e.save.click();
  await expect(e.alert.filter({ hasText: /^Saved as version/ })).toHaveText(`Saved as version ${version + 1}.`);
  await expect(e.state).toHaveText('All changes saved');
  await thread.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(thread.locator('.comment')).toHaveCount(2);
  await expect(thread.locator('.comment').nth(1)).toContainText(typedReply);
  await expect(reply).toHaveValue('');
  // The redrawn threads bring the edit still being typed back from the browser.
  await expect(edit).toHaveValue(typedEdit);
  await thread.getByRole('button', { name: 'Save comment' }).click();
  await expect(thread.locator('.comment').first().locator('.comment-body')).toHaveText(typedEdit);
  await page.locator('#new-thread').getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(page.locator('article.thread').filter({ hasText: typedThread })).toBeVisible();
  await expect(newThread).toHaveValue('');
  await expect.poll(() => storedDrafts(page)).toEqual({});

  // Nothing is left to restore.
  await page.reload();
  await settle(page);
  await expect(e.body).toHaveValue(typedBody);
  await expect(page.locator('p.last-change')).toContainText(`version ${version + 1}`);
  await expect(page.locator('p.alert.alert-info')).toHaveCount(0);
  await expect(e.state).toHaveText('All changes saved');
  await expect(newThread).toHaveValue('');
  await expect(reply).toHaveValue('');
  expect(problems, 'errors in the browser').toEqual([]);
});
