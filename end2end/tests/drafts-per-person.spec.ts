import { expect, type Page } from '@playwright/test';
import { newContext, test } from './helpers';
import {
  CIVIL,
  DEMO_PLAN,
  DONOR,
  JUSTICE,
  editor,
  loggedInContext,
  logInAs,
  openSection,
  startEditing,
  paragraphs,
  settle,
  storedDrafts,
  typeInEditor,
  watchForErrors,
} from './helpers';

const SECTION = 'International assistance';

/** The section's current version, read from "… · version N · History". */
async function versionOf(page: Page): Promise<number> {
  return Number((await page.locator('p.last-change').innerText()).match(/version (\d+)/)![1]);
}

/** Whether any draft kept in the browser contains `text`. */
async function keeps(page: Page, text: string): Promise<boolean> {
  return Object.values(await storedDrafts(page)).some((d) => d.includes(text));
}

test('after logging out, the next person on the same browser never sees the first one’s draft, and it is gone from the browser', async ({
  browser,
}) => {
  const stamp = Date.now();
  const context = await newContext(browser);
  const page = await context.newPage();
  const problems = watchForErrors(page);
  try {
    await logInAs(page, JUSTICE);
    const path = await openSection(page, DEMO_PLAN.id, SECTION);
    await startEditing(page);
    const e = editor(page);
    const saved = await e.body.inputValue();
    await typeInEditor(page, `${saved}\n\nOur negotiating position (justice ${stamp}).`, `justice ${stamp}`);
    expect(await keeps(page, `justice ${stamp}`)).toBe(true);

    // Logging out removes the drafts before the form is sent.
    await page.locator('nav.main-nav').getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    expect(await storedDrafts(page)).toEqual({});

    // The next person opens the same section on the same browser: only the saved text.
    await logInAs(page, CIVIL);
    await page.goto(`${path}?edit`);
    await settle(page);
    await expect(e.body).toHaveValue(saved);
    await expect(e.state).toHaveText('All changes saved');
    await expect(page.locator('p.alert.alert-info')).toHaveCount(0);
    await expect(page.locator('.waiting-draft')).toHaveCount(0);
    expect(await storedDrafts(page)).toEqual({});
    expect(problems, 'errors in the browser').toEqual([]);
  } finally {
    await context.close();
  }
});

test('a logout that ran no script leaves no draft for the next person either: it is never shown to them, and their login removes it', async ({
  browser,
}) => {
  const stamp = Date.now();
  const context = await newContext(browser);
  const page = await context.newPage();
  const problems = watchForErrors(page);
  try {
    await logInAs(page, JUSTICE);
    const path = await openSection(page, DEMO_PLAN.id, SECTION);
    await startEditing(page);
    const e = editor(page);
    const saved = await e.body.inputValue();
    await typeInEditor(page, `${saved}\n\nOur negotiating position (justice ${stamp}).`, `justice ${stamp}`);

    // The logout form sent without its submit handler, as without JavaScript: the draft stays.
    await page.locator('nav.main-nav form').evaluate((form: HTMLFormElement) => form.submit());
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    expect(await keeps(page, `justice ${stamp}`)).toBe(true);

    // The next person logs in: the first one's draft goes, and is never shown.
    await logInAs(page, CIVIL);
    await expect.poll(() => storedDrafts(page)).toEqual({});
    await page.goto(`${path}?edit`);
    await settle(page);
    await expect(e.body).toHaveValue(saved);
    await expect(e.state).toHaveText('All changes saved');
    await expect(page.locator('p.alert.alert-info')).toHaveCount(0);
    await expect(page.locator('.waiting-draft')).toHaveCount(0);
    expect(await storedDrafts(page)).toEqual({});
    expect(problems, 'errors in the browser').toEqual([]);
  } finally {
    await context.close();
  }
});

/**
 * I type a change to the first paragraph and leave without saving; someone else then saves a
 * change to the last paragraph; I come back to the section.
 */
async function draftOvertaken(browser: import('@playwright/test').Browser, stamp: number) {
  const me = await loggedInContext(browser, JUSTICE);
  const other = await loggedInContext(browser, DONOR);
  const problems = [...watchForErrors(me.page), ...watchForErrors(other.page)];
  const path = await openSection(me.page, DEMO_PLAN.id, SECTION);
  await startEditing(me.page);
  await openSection(other.page, DEMO_PLAN.id, SECTION);
  await startEditing(other.page);
  const base = paragraphs(await editor(me.page).body.inputValue());
  expect(base.length, 'the demo section should have at least two paragraphs').toBeGreaterThanOrEqual(2);
  const version = await versionOf(me.page);
  expect(await versionOf(other.page)).toBe(version);
  const last = base.length - 1;

  const mine = [...base];
  mine[0] = `${base[0]} Partners report through the joint committee (justice ${stamp}).`;
  await typeInEditor(me.page, mine.join('\n\n'), `justice ${stamp}`);

  const theirs = [...base];
  theirs[last] = `${base[last]} The 2028 review is published (donor ${stamp}).`;
  const o = editor(other.page);
  await typeInEditor(other.page, theirs.join('\n\n'), `donor ${stamp}`);
  await o.save.click();
  await expect(o.alert).toHaveText(`Saved as version ${version + 1}.`);

  await me.page.reload();
  await settle(me.page);
  return { me, other, problems, path, base, mine, theirs, version };
}

test('a draft typed on an older version asks before it is restored, and saving it merges with what was saved meanwhile', async ({
  browser,
}) => {
  const stamp = Date.now();
  const { me, other, problems, path, base, mine, theirs, version } = await draftOvertaken(browser, stamp);
  try {
    // The editor shows the saved text, and asks about my draft rather than overwriting anything.
    const e = editor(me.page);
    const waiting = me.page.locator('.waiting-draft');
    await expect(e.body).toHaveValue(theirs.join('\n\n'));
    await expect(e.state).toHaveText('All changes saved');
    await expect(me.page.locator('p.alert.alert-info.restored')).toHaveCount(0);
    await expect(waiting).toContainText(`it was typed on version ${version}`);
    await expect(waiting).toContainText(`it is now at version ${version + 1}`);
    await expect(waiting).toContainText('the saved text changed meanwhile');
    await expect(waiting.getByRole('link', { name: `See what changed since version ${version}` })).toHaveAttribute(
      'href',
      `${path}/history?from=${version}&to=${version + 1}`,
    );
    await expect(waiting.locator('pre.mine')).toHaveText(mine.join('\n\n'));

    // Undecided, it is still asked about after a reload.
    await me.page.reload();
    await settle(me.page);
    await expect(waiting).toBeVisible();
    await expect(e.body).toHaveValue(theirs.join('\n\n'));

    // Restoring brings my text back, and saving merges both changes.
    await waiting.getByRole('button', { name: 'Restore my unsaved text' }).click();
    await expect(waiting).toHaveCount(0);
    await expect(e.body).toHaveValue(mine.join('\n\n'));
    await expect(e.state).toHaveText('Unsaved changes (kept in this browser until saved)');
    await expect(me.page.locator('p.alert.alert-info.restored')).toContainText(
      `It was typed on version ${version}: saving merges it with the changes saved since.`,
    );
    await e.save.click();
    await expect(e.alert).toHaveText(
      `${DONOR.name} saved changes while you were editing. Your changes touched other paragraphs, so both were merged and saved as version ${version + 2}.`,
    );
    const merged = [...base];
    merged[0] = mine[0];
    merged[merged.length - 1] = theirs[theirs.length - 1];
    await expect(e.body).toHaveValue(merged.join('\n\n'));
    expect(await storedDrafts(me.page)).toEqual({});
    expect(problems, 'errors in the browsers').toEqual([]);
  } finally {
    await me.context.close();
    await other.context.close();
  }
});

test('a draft typed on an older version can be discarded, and is then gone for good', async ({ browser }) => {
  const stamp = Date.now();
  const { me, other, problems, theirs } = await draftOvertaken(browser, stamp);
  try {
    const e = editor(me.page);
    const waiting = me.page.locator('.waiting-draft');
    await expect(waiting).toBeVisible();
    // Discarding asks first: the text was only ever in this browser.
    await waiting.locator('details.confirm > summary').click();
    await expect(waiting.locator('.confirm-step')).toContainText('cannot be brought back');
    await waiting.getByRole('button', { name: 'Yes, discard it' }).click();
    await expect(waiting).toHaveCount(0);
    await expect(e.body).toHaveValue(theirs.join('\n\n'));
    await expect(e.state).toHaveText('All changes saved');
    expect(await storedDrafts(me.page)).toEqual({});

    await me.page.reload();
    await settle(me.page);
    await expect(waiting).toHaveCount(0);
    await expect(me.page.locator('p.alert.alert-info')).toHaveCount(0);
    await expect(e.body).toHaveValue(theirs.join('\n\n'));
    expect(problems, 'errors in the browsers').toEqual([]);
  } finally {
    await me.context.close();
    await other.context.close();
  }
});
