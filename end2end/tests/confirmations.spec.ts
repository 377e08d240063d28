import { expect } from '@playwright/test';
import { test } from './helpers';
import {
  ADMIN,
  CIVIL,
  DEMO_PASSWORD,
  DEMO_PLAN,
  JUSTICE,
  loggedInContext,
  newContext,
  openSection,
  settle,
  watchForErrors,
} from './helpers';
import type { Page } from '@playwright/test';

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

test('deleting a comment asks first, says it cannot be undone, and only the confirmation deletes it', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, CIVIL);
  try {
    const problems = watchForErrors(page);
    const text = `A comment to delete (${Date.now()})`;
    await openSection(page, DEMO_PLAN.id, 'PSG 4');
    await page.locator('#new-thread-body').fill(text);
    await page.locator('#new-thread').getByRole('button', { name: 'Comment', exact: true }).click();
    const comment = () => page.locator('.comment', { hasText: text });
    await expect(comment()).toHaveCount(1);

    // The first press only asks.
    await comment().locator('details.confirm > summary').click();
    await expect(comment().locator('.confirm-step')).toContainText('This cannot be undone.');
    await page.reload();
    await settle(page);
    await expect(comment()).toHaveCount(1);

    // The confirmation deletes it; the thread keeps a note.
    const thread = page.locator('article.thread', { has: comment() });
    const threadId = await thread.getAttribute('data-thread');
    await comment().locator('details.confirm > summary').click();
    await comment().getByRole('button', { name: 'Yes, delete it' }).click();
    await expect(comment()).toHaveCount(0);
    await expect(page.locator(`article.thread[data-thread="${threadId}"] .comment.deleted`)).toHaveCount(1);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

/** Opens Tomas Reyl's organisation from his home page. */
async function openOwnOrganisation(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: JUSTICE.org! }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(JUSTICE.org!);
  await settle(page);
}

/** Creates an invitation link into the open organisation page's organisation; returns it. */
async function inviteByLink(page: Page, email: string, name: string): Promise<string> {
  await page.locator('#invite-org-email').fill(email);
  await page.locator('#invite-org-display_name').fill(name);
  await page.getByRole('button', { name: 'Create invitation link' }).click();
  const field = page.getByTestId('invitation-link');
  await expect(field).toBeVisible();
  return field.inputValue();
}

test('withdrawing an invitation asks first and says it can be made again', async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    const problems = watchForErrors(page);
    const email = `withdrawn-${Date.now()}@example.org`;
    await openOwnOrganisation(page);
    await inviteByLink(page, email, 'Withdrawn Invitee');
    const open = () => page.locator('li', { has: page.locator(`summary[aria-label="Withdraw the invitation of ${email}"]`) });
    await expect(open()).toHaveCount(1);

    await open().locator('details.confirm > summary').click();
    await expect(open().locator('.confirm-step')).toContainText('you can invite them again');
    await page.reload();
    await settle(page);
    await expect(open()).toHaveCount(1);

    await open().locator('details.confirm > summary').click();
    await open().getByRole('button', { name: 'Yes, withdraw it' }).click();
    await expect(open()).toHaveCount(0);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('removing an organisation member asks first, says they can be invited again, and only the confirmation removes them', async ({
  browser,
}) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  const joining = await newContext(browser);
  try {
    const problems = watchForErrors(page);
    const stamp = Date.now();
    const email = `removed-${stamp}@example.org`;
    const name = `Removed Member ${stamp}`;
    await openOwnOrganisation(page);
    const link = await inviteByLink(page, email, name);

    // The invitee joins through the link.
    const invitee = await joining.newPage();
    await invitee.goto(link);
    await settle(invitee);
    await invitee.locator('#accept-password').fill(`harbour lantern ${stamp}`);
    await invitee.locator('#accept-password_confirm').fill(`harbour lantern ${stamp}`);
    await invitee.getByRole('button', { name: 'Create my account' }).click();
    await expect(invitee).toHaveURL(/\/$/);

    await page.reload();
    await settle(page);
    const row = () => page.locator('table.data tr', { hasText: email });
    await expect(row()).toHaveCount(1);
    await row().locator('details.confirm > summary').click();
    await expect(row().locator('.confirm-step')).toContainText('they can be invited again');
    await page.reload();
    await settle(page);
    await expect(row()).toHaveCount(1);

    await row().locator('details.confirm > summary').click();
    await row().getByRole('button', { name: 'Yes, remove' }).click();
    await expect(row()).toHaveCount(0);
    expect(problems).toEqual([]);
  } finally {
    await joining.close();
    await context.close();
  }
});
