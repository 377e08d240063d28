import { expect, type Browser, type Page } from '@playwright/test';
import {
  CIVIL,
  COMMITTEE,
  DEMO_PLAN,
  JUSTICE,
  createPlan,
  editor,
  loggedInContext,
  membersPage,
  startEditing,
  test,
  waitForHydration,
  watchForErrors,
} from './helpers';

// Pages here keep their event stream open, so they are never "network idle": they wait for
// what they expect to see instead of `settle`.

const SECTION = 'International assistance';
const HUMANITARIAN = 'Humanitarian and peacekeeping personnel';

/** The path of the demo plan's section whose title starts with `titleStart`. */
async function sectionPath(page: Page, titleStart: string): Promise<string> {
  await page.goto(`/plans/${DEMO_PLAN.id}`);
  const link = page.locator('ol.sections li.section-item > a').filter({ hasText: titleStart });
  await expect(link).toHaveCount(1);
  return (await link.getAttribute('href'))!;
}

/** Waits until `page` shows `name` among the people who have its section open. */
async function seesHere(page: Page, name: string, editing = false): Promise<void> {
  const present = page.locator('p.last-change .here-now .present').filter({ hasText: name });
  await expect(present).toHaveCount(1, { timeout: 15_000 });
  await expect(present.locator('.present-org')).not.toHaveText('');
  if (editing) {
    await expect(present).toContainText('editing');
  }
}

/** Lina (an editor) and Tomas (the lead), each in a browser of their own, and the section. */
async function twoPeople(browser: Browser) {
  const lina = await loggedInContext(browser, CIVIL, { live: true });
  const tomas = await loggedInContext(browser, JUSTICE, { live: true });
  const problems = [...watchForErrors(lina.page), ...watchForErrors(tomas.page)];
  const path = await sectionPath(tomas.page, SECTION);
  return { lina, tomas, problems, path };
}

/** Tomas saves `start` in the section's editor, then Lina opens the editor on it and sees him
 * there: both editors, on the same version. */
async function bothEditing(lina: { page: Page }, tomas: { page: Page }, path: string, start: string) {
  await tomas.page.goto(`${path}?edit`);
  const his = editor(tomas.page);
  await expect(his.body).toBeVisible();
  await his.body.fill(start);
  await his.save.click();
  await expect(his.alert).toHaveText(/^Saved as version \d+\.$/);

  await lina.page.goto(`${path}?edit`);
  const hers = editor(lina.page);
  await seesHere(lina.page, JUSTICE.name, true);
  await expect(hers.body).toHaveValue(start);
  return { his, hers };
}

test('two people on one section see each other, and each other’s comments and saves, as they happen', async ({ browser }) => {
  const stamp = Date.now();
  const { lina, tomas, problems, path } = await twoPeople(browser);
  try {
    await tomas.page.goto(path);
    await lina.page.goto(path);
    // Presence: each sees the other (which also says both pages are hydrated and connected).
    await seesHere(lina.page, JUSTICE.name);
    await seesHere(tomas.page, CIVIL.name);

    // A comment appears on the other's page without a reload.
    const question = `Who funds the oversight bodies after 2027? (${stamp})`;
    await tomas.page.locator('#new-thread-body').fill(question);
    await tomas.page.locator('#new-thread').getByRole('button', { name: 'Comment', exact: true }).click();
    await expect(lina.page.locator('aside.threads').getByText(question)).toBeVisible({ timeout: 2_000 });

    // Tomas opens the editor: Lina sees him editing; his save reaches her reading page.
    await tomas.page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(editor(tomas.page).body).toBeVisible();
    await seesHere(lina.page, JUSTICE.name, true);
    const text = `Partners commit to country systems (${stamp}).\n\nA second paragraph.`;
    await editor(tomas.page).body.fill(text);
    await editor(tomas.page).save.click();
    await expect(editor(tomas.page).alert).toHaveText(/^Saved as version \d+\.$/);
    await expect(lina.page.locator('article.annotated')).toContainText(`(${stamp})`, { timeout: 2_000 });

    // Closing the page takes him off hers.
    await tomas.page.close();
    await expect(lina.page.locator('.here-now .present').filter({ hasText: JUSTICE.name })).toHaveCount(0, {
      timeout: 10_000,
    });
    expect(problems).toEqual([]);
  } finally {
    await lina.context.close();
    await tomas.context.close();
  }
});

test('another person’s save of paragraph 1 comes into an editor typing in paragraph 3, typing intact', async ({ browser }) => {
  const stamp = Date.now();
  const { lina, tomas, problems, path } = await twoPeople(browser);
  try {
    const start = `Opening paragraph ${stamp}.\n\nMiddle paragraph.\n\nClosing paragraph.`;
    const { his, hers } = await bothEditing(lina, tomas, path, start);
    // Lina types at the end of paragraph 3.
    await hers.body.click();
    await lina.page.keyboard.press('Control+End');
    await lina.page.keyboard.type(' Lina types here');

    // Tomas changes paragraph 1 and saves.
    const changed = `Opening paragraph ${stamp}, changed by Tomas.\n\nMiddle paragraph.\n\nClosing paragraph.`;
    await his.body.fill(changed);
    await his.save.click();
    await expect(his.alert).toHaveText(/^Saved as version \d+\.$/);

    // His change is in her editor at once, her typing intact, and she is told.
    await expect(hers.body).toHaveValue(`${changed} Lina types here`, { timeout: 2_000 });
    await expect(lina.page.locator('p.arrived')).toContainText(JUSTICE.name);
    // The caret stayed where she was typing.
    await lina.page.keyboard.type(' and goes on.');
    await expect(hers.body).toHaveValue(`${changed} Lina types here and goes on.`);
    await hers.save.click();
    await expect(hers.alert).toHaveText(/^Saved as version \d+\.$/);
    expect(problems).toEqual([]);
  } finally {
    await lina.context.close();
    await tomas.context.close();
  }
});

test('another person’s save of the paragraph being typed shows both versions before saving, typing untouched', async ({ browser }) => {
  const stamp = Date.now();
  const { lina, tomas, problems, path } = await twoPeople(browser);
  try {
    const start = `First paragraph ${stamp}.\n\nSecond paragraph.`;
    const { his, hers } = await bothEditing(lina, tomas, path, start);
    // Lina types at the end of paragraph 1, not yet saved.
    await hers.body.click();
    await lina.page.keyboard.press('Control+Home');
    await lina.page.keyboard.press('End');
    await lina.page.keyboard.type(' Lina adds this');
    const mine = `First paragraph ${stamp}. Lina adds this\n\nSecond paragraph.`;
    await expect(hers.body).toHaveValue(mine);

    // Tomas rewrites paragraph 1 and saves.
    await his.body.fill(`First paragraph ${stamp}, rewritten by Tomas.\n\nSecond paragraph.`);
    await his.save.click();
    await expect(his.alert).toHaveText(/^Saved as version \d+\.$/);

    // Both versions are before her at once; her text is as she typed it.
    const overlap = lina.page.locator('.arrived-overlap');
    await expect(overlap).toBeVisible({ timeout: 2_000 });
    await expect(overlap.locator('pre.mine').first()).toContainText('Lina adds this');
    await expect(overlap.locator('pre.theirs').first()).toContainText('rewritten by Tomas');
    await expect(hers.body).toHaveValue(mine);
    expect(problems).toEqual([]);
  } finally {
    await lina.context.close();
    await tomas.context.close();
  }
});

test('a checklist change by one person shows on another’s open checklist as it happens', async ({ browser }) => {
  const { lina, tomas, problems } = await twoPeople(browser);
  try {
    const path = `/plans/${DEMO_PLAN.id}/checklist`;
    const item = (page: Page) => page.locator('li.checklist-item').filter({ hasText: HUMANITARIAN });
    // Lina's page is ready once its stream has answered.
    const streaming = lina.page.waitForResponse((r) => new URL(r.url()).pathname === '/live');
    await lina.page.goto(path);
    await streaming;
    await tomas.page.goto(path);
    await waitForHydration(tomas.page);
    const before = (await item(lina.page).locator('.item-status').innerText()).trim();
    const next = before === 'In progress' ? 'not_started' : 'in_progress';
    const label = next === 'in_progress' ? 'In progress' : 'Not started';
    const row = item(tomas.page);
    await row.locator('summary', { hasText: 'Change status' }).click();
    await row.locator('select[name=status]').selectOption(next);
    await row.getByRole('button', { name: 'Save status' }).click();
    await expect(item(tomas.page).locator('.item-status')).toHaveText(label);
    await expect(item(lina.page).locator('.item-status')).toHaveText(label, { timeout: 2_000 });
    expect(problems).toEqual([]);
  } finally {
    await lina.context.close();
    await tomas.context.close();
  }
});

/** The page's stream has answered (it is open, so what happens next reaches the page). */
function streamOpened(page: Page) {
  return page.waitForResponse((r) => new URL(r.url()).pathname === '/live' && r.status() === 200);
}

test('a review decision shows on the other person’s open section page as it happens, and the overview shows who is in which section', async ({
  browser,
}) => {
  const lead = await loggedInContext(browser, JUSTICE, { live: true });
  const reviewer = await loggedInContext(browser, COMMITTEE, { live: true });
  const problems = [...watchForErrors(lead.page), ...watchForErrors(reviewer.page)];
  try {
    const path = await sectionPath(lead.page, 'Early warning');
    // The lead on the overview sees the reviewer in the section they open, by name and organisation.
    await reviewer.page.goto(path);
    const row = lead.page.locator('ol.sections li.section-item').filter({ hasText: 'Early warning' });
    await expect(row.locator('.here-now .present')).toContainText(`${COMMITTEE.name} (${COMMITTEE.org})`, {
      timeout: 15_000,
    });

    await lead.page.goto(path);
    await seesHere(reviewer.page, JUSTICE.name);
    await seesHere(lead.page, COMMITTEE.name);
    const state = (page: Page) => page.getByTestId('review-state');
    await expect(state(reviewer.page)).toHaveText('Draft');
    // The reviewer reads at the foot of the page; the panel read again must not move them.
    await reviewer.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const scrolled = await reviewer.page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);

    await lead.page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(state(lead.page)).toHaveText('In review');
    await expect(state(reviewer.page)).toHaveText('In review', { timeout: 2_000 });
    expect(await reviewer.page.evaluate(() => window.scrollY)).toBeGreaterThanOrEqual(scrolled - 5);

    await reviewer.page.getByRole('button', { name: 'Approve this version' }).click();
    await expect(lead.page.getByText(new RegExp(`Approvals of version \\d+: .*${COMMITTEE.name} \\(`))).toBeVisible({
      timeout: 2_000,
    });
    expect(problems).toEqual([]);
  } finally {
    await lead.context.close();
    await reviewer.context.close();
  }
});

test('a viewer whose role is revoked is told at once, and their page hears nothing more of the plan', async ({ browser }) => {
  const stamp = Date.now();
  const title = `Revocation plan ${stamp}`;
  const org = CIVIL.org!;
  const lead = await loggedInContext(browser, JUSTICE);
  const member = await loggedInContext(browser, CIVIL, { live: true });
  const problems = [...watchForErrors(lead.page), ...watchForErrors(member.page)];
  try {
    const lp = lead.page;
    const planId = await createPlan(lp, JUSTICE, title);
    await lp.goto(`/plans/${planId}/members`);
    await waitForHydration(lp);
    const m = membersPage(lp);
    await lp.locator('#grant-org-organisation_id').selectOption({ label: org });
    await lp.locator('#grant-org-role').selectOption('viewer');
    await m.orgPanel.getByRole('button', { name: 'Grant role' }).click();
    await expect(m.orgAlert).toHaveText('Role granted.');

    // The member follows the plan's overview.
    const opened = streamOpened(member.page);
    await member.page.goto(`/plans/${planId}`);
    await opened;
    const sections = member.page.locator('ol.sections');
    await expect(sections).toBeVisible();

    await m.row(org).getByText('Revoke', { exact: true }).click();
    await m.row(org).getByRole('button', { name: 'Yes, revoke' }).click();
    await expect(m.row(org)).toHaveCount(0);
    await expect(member.page.locator('.live-ended')).toBeVisible({ timeout: 2_000 });
    const before = await sections.innerText();

    // A save on the plan afterwards does not reach the page.
    await lp.goto(`/plans/${planId}`);
    await lp.locator('ol.sections li.section-item > a').first().click();
    await startEditing(lp);
    await editor(lp).body.fill(`Written after the revocation (${stamp}).`);
    await editor(lp).save.click();
    await expect(editor(lp).alert).toHaveText(/^Saved as version \d+\.$/);
    await member.page.waitForTimeout(3_000);
    expect(await sections.innerText()).toBe(before);
    expect(problems).toEqual([]);
  } finally {
    await lead.context.close();
    await member.context.close();
  }
});
