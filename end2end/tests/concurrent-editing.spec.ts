import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import {
  CIVIL,
  DEMO_PLAN,
  DONOR,
  editor,
  loggedInContext,
  openSection,
  paragraphs,
  settle,
  startEditing,
  watchForErrors,
} from './helpers';

/** The section's current version, read from "… · version N · History". */
async function versionOf(page: Page): Promise<number> {
  const text = await page.locator('p.last-change').innerText();
  const match = text.match(/version (\d+)/);
  expect(match, `no version in "${text}"`).not.toBeNull();
  return Number(match![1]);
}

/** Both editors open the same section of the demo plan, each in a browser of their own. */
async function openTogether(browser: import('@playwright/test').Browser, titleStart: string) {
  const first = await loggedInContext(browser, CIVIL);
  const second = await loggedInContext(browser, DONOR);
  const problems = [...watchForErrors(first.page), ...watchForErrors(second.page)];
  const path = await openSection(first.page, DEMO_PLAN.id, titleStart);
  await startEditing(first.page);
  await openSection(second.page, DEMO_PLAN.id, titleStart);
  await startEditing(second.page);
  const base = await editor(first.page).body.inputValue();
  await expect(editor(second.page).body).toHaveValue(base);
  const version = await versionOf(first.page);
  expect(await versionOf(second.page)).toBe(version);
  return { first, second, problems, path, base, version };
}

test('two editors change the same paragraph: the second gets a conflict, resolves it and saves', async ({ browser }) => {
  const stamp = Date.now();
  const { first, second, problems, path, base, version } = await openTogether(browser, 'PSG 3 - Justice');
  try {
    const baseParagraphs = paragraphs(base);
    expect(baseParagraphs.length, 'the demo section should have at least two paragraphs').toBeGreaterThanOrEqual(2);
    const [opening, ...rest] = baseParagraphs;

    // The first editor rewrites the opening paragraph and saves.
    const theirOpening = `${opening} The bill will be published in draft for comment (civil ${stamp}).`;
    const a = editor(first.page);
    await a.body.fill([theirOpening, ...rest].join('\n\n'));
    await expect(a.preview).toContainText(`civil ${stamp}`);
    await a.save.click();
    await expect(a.alert).toHaveText(`Saved as version ${version + 1}.`);

    // The second editor, still on the old version, rewrites the same paragraph differently.
    const myOpening = `${opening} A special chamber will hear the cases (donor ${stamp}).`;
    const b = editor(second.page);
    await b.body.fill([myOpening, ...rest].join('\n\n'));
    await expect(b.preview).toContainText(`donor ${stamp}`);
    await b.save.click();

    // Nothing is overwritten: the conflict panel shows both versions of the passage.
    await expect(b.conflict).toBeVisible();
    await expect(b.conflict).toContainText(/^\s*Not saved:/);
    await expect(b.conflict).toContainText(CIVIL.name);
    const passages = b.conflict.locator('div.conflict-passage');
    await expect(passages).toHaveCount(1);
    await expect(passages.getByText('Your version', { exact: true })).toBeVisible();
    await expect(passages.getByText(`Saved by ${CIVIL.name}`, { exact: true })).toBeVisible();
    await expect(passages.locator('pre.mine')).toHaveText(myOpening);
    await expect(passages.locator('pre.theirs')).toHaveText(theirOpening);
    await expect(b.alert.filter({ hasText: /^Saved as version/ })).toHaveCount(0);
    // The editor holds the merge with my own wording in the conflicting passage.
    await expect(b.body).toHaveValue([myOpening, ...rest].join('\n\n'));

    // The second editor combines both and saves again, on top of the newest version.
    const resolvedOpening = `${opening} The bill will be published in draft for comment (civil ${stamp}), and a special chamber will hear the cases (donor ${stamp}).`;
    const resolved = [resolvedOpening, ...rest].join('\n\n');
    await b.body.fill(resolved);
    await expect(b.preview).toContainText(`special chamber will hear the cases (donor ${stamp})`);
    await b.save.click();
    await expect(b.alert).toHaveText(`Saved as version ${version + 2}.`);
    await expect(b.conflict).toHaveCount(0);
    await expect(b.state).toHaveText('All changes saved');

    // Both see the resolved text after reloading.
    for (const page of [second.page, first.page]) {
      await page.reload();
      await expect(editor(page).body).toHaveValue(resolved);
      await expect(page.locator('p.last-change')).toContainText(`Last changed by ${DONOR.name} (${DONOR.org})`);
      await expect(page.locator('p.last-change')).toContainText(`version ${version + 2}`);
      await settle(page);
      await expect(editor(page).alert).toHaveCount(0);
    }
    expect(first.page.url()).toContain(path);
    expect(problems, 'errors in the browsers').toEqual([]);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});

test('two editors change different paragraphs: the second save merges both changes', async ({ browser }) => {
  const stamp = Date.now();
  const { first, second, problems, base, version } = await openTogether(browser, 'PSG 2 - Security');
  try {
    const baseParagraphs = paragraphs(base);
    expect(baseParagraphs.length, 'the demo section should have at least three paragraphs').toBeGreaterThanOrEqual(3);
    const last = baseParagraphs.length - 1;

    // The first editor changes the first paragraph and saves.
    const firstChanged = [...baseParagraphs];
    firstChanged[0] = `${baseParagraphs[0]} Reform starts with the police (civil ${stamp}).`;
    const a = editor(first.page);
    await a.body.fill(firstChanged.join('\n\n'));
    await expect(a.preview).toContainText(`civil ${stamp}`);
    await a.save.click();
    await expect(a.alert).toHaveText(`Saved as version ${version + 1}.`);

    // The second editor, on the old version, changes the last paragraph and saves.
    const secondChanged = [...baseParagraphs];
    secondChanged[last] = `${baseParagraphs[last]} Committee minutes are published within a month (donor ${stamp}).`;
    const b = editor(second.page);
    await b.body.fill(secondChanged.join('\n\n'));
    await expect(b.preview).toContainText(`donor ${stamp}`);
    await b.save.click();

    const merged = [...baseParagraphs];
    merged[0] = firstChanged[0];
    merged[last] = secondChanged[last];
    await expect(b.alert).toHaveText(
      `${CIVIL.name} saved changes while you were editing. Your changes touched other paragraphs, so both were merged and saved as version ${version + 2}.`,
    );
    await expect(b.conflict).toHaveCount(0);
    await expect(b.body).toHaveValue(merged.join('\n\n'));
    await expect(b.state).toHaveText('All changes saved');

    // The saved text has both changes, for both of them.
    for (const page of [second.page, first.page]) {
      await page.reload();
      await expect(editor(page).body).toHaveValue(merged.join('\n\n'));
      await expect(page.locator('p.last-change')).toContainText(`version ${version + 2}`);
    }
    expect(problems, 'errors in the browsers').toEqual([]);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});
