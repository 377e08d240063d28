import { expect } from '@playwright/test';
import { newContext, test } from './helpers';
import { ADMIN, DEMO_PASSWORD, logIn, settle } from './helpers';

test('an administrator creates an organisation and invites someone who joins, logs out and logs back in', async ({
  browser,
  page,
}) => {
  const stamp = Date.now();
  const orgName = `Coastal Water Board ${stamp}`;
  const inviteeEmail = `invitee-${stamp}@example.org`;
  const inviteeName = `Amara Kallon ${stamp}`;
  const inviteePassword = `river delta lantern ${stamp}`;

  // The administrator creates an organisation.
  await logIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.goto('/admin/organisations');
  await settle(page);
  await page.locator('#org-new-name').fill(orgName);
  await page.locator('#org-new-kind').selectOption('government');
  await page.locator('#org-new-country').selectOption('SL');
  await page.getByRole('button', { name: 'Create organisation' }).click();

  await expect(page).toHaveURL(/\/admin\/organisations\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(orgName);
  await settle(page);

  // ...and invites a new person into it from the organisation's page.
  await page.locator('#invite-org-email').fill(inviteeEmail);
  await page.locator('#invite-org-display_name').fill(inviteeName);
  await page.locator('#invite-org-organisation_role').selectOption('member');
  await page.getByRole('button', { name: 'Create invitation link' }).click();

  const linkField = page.getByTestId('invitation-link');
  await expect(linkField).toBeVisible();
  const link = await linkField.inputValue();
  const origin = new URL(page.url()).origin.replace(/[.]/g, '\\.');
  expect(link).toMatch(new RegExp(`^${origin}/invite/[^/?#\\s]+$`));

  // The invitee, in a browser with no cookies of its own, opens the link and joins.
  const inviteeContext = await newContext(browser);
  try {
    const invitee = await inviteeContext.newPage();
    await invitee.goto(link);
    await expect(invitee.getByText(`This invitation is for ${inviteeEmail}`)).toBeVisible();
    await settle(invitee);
    await expect(invitee.locator('#accept-display_name')).toHaveValue(inviteeName);
    await invitee.locator('#accept-password').fill(inviteePassword);
    await invitee.locator('#accept-password_confirm').fill(inviteePassword);
    await invitee.getByRole('button', { name: 'Create my account' }).click();

    // They are logged in, greeted by name, and belong to the new organisation.
    await expect(invitee).toHaveURL(/\/$/);
    await expect(invitee.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${inviteeName}`);
    const myOrgs = invitee.locator('section', { has: invitee.getByRole('heading', { name: 'My organisations' }) });
    await expect(myOrgs.getByRole('link', { name: orgName })).toBeVisible();
    await expect(invitee.locator('nav.main-nav span.who')).toHaveText(inviteeName);
    await settle(invitee);

    // They log out...
    await invitee.locator('nav.main-nav').getByRole('button', { name: 'Log out' }).click();
    await expect(invitee).toHaveURL(/\/login(\?.*)?$/);
    await expect(invitee.locator('#login-email')).toBeVisible();
    await invitee.goto('/');
    await expect(invitee).toHaveURL(/\/login(\?.*)?$/);

    // ...and log back in with the password they chose.
    await logIn(invitee, inviteeEmail, inviteePassword, inviteeName);
    await expect(invitee.getByRole('link', { name: orgName })).toBeVisible();

    // The link worked once: opening it again says it has been used.
    await invitee.goto(link);
    await expect(invitee.getByText(/This invitation has already been used/)).toBeVisible();
    await expect(invitee.locator('#accept-password')).toHaveCount(0);
  } finally {
    await inviteeContext.close();
  }
});
