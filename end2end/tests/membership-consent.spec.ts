import { expect } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, loggedInContext, settle, watchForErrors } from './helpers';

const MONITOR = { email: 'monitor@upstream.example', name: 'Amani Diallo' };
const TRUST = { email: 'trust@upstream.example', name: 'Sofia Lind' };

test('an organisation admin invites an existing account, which joins only by accepting; another invitation is withdrawn', async ({
  browser,
}) => {
  const admin = await loggedInContext(browser, CIVIL);
  const invited = await loggedInContext(browser, MONITOR);
  try {
    const ap = admin.page;
    const adminErrors = watchForErrors(ap);
    // Lina opens her organisation from her home page.
    await ap.getByRole('link', { name: CIVIL.org! }).click();
    await expect(ap.getByRole('heading', { level: 1 })).toHaveText(CIVIL.org!);
    await settle(ap);

    // She invites two existing accounts.
    for (const person of [MONITOR, TRUST]) {
      await ap.locator('#add-email').fill(person.email);
      await ap.getByRole('button', { name: 'Invite to join' }).click();
      await expect(ap.getByText('Invitation sent: they will see it when they log in.')).toBeVisible();
      await expect(ap.locator(`summary[aria-label="Withdraw the invitation of ${person.email}"]`)).toBeVisible();
    }
    // Nobody was added yet.
    const members = ap.locator('table.data');
    await expect(members).not.toContainText(MONITOR.email);

    // Amani sees the invitation on her home page and accepts it.
    const ip = invited.page;
    const invitedErrors = watchForErrors(ip);
    await ip.goto('/');
    await settle(ip);
    const myOrgs = ip.locator('section', { has: ip.getByRole('heading', { name: 'My organisations' }) });
    await expect(myOrgs.getByRole('link', { name: CIVIL.org! })).toHaveCount(0);
    await ip.getByRole('button', { name: `Join ${CIVIL.org!}` }).click();
    await expect(ip).toHaveURL(/\/\?done=joined$/);
    await expect(myOrgs.getByRole('link', { name: CIVIL.org! })).toBeVisible();
    await expect(ip.getByRole('button', { name: `Join ${CIVIL.org!}` })).toHaveCount(0);

    // Lina withdraws the other invitation; her list is then empty and Amani is a member.
    await ap.reload();
    await settle(ap);
    await expect(members).toContainText(MONITOR.email);
    // Withdrawing asks first.
    const trustInvitation = ap.locator('li', {
      has: ap.locator(`summary[aria-label="Withdraw the invitation of ${TRUST.email}"]`),
    });
    await trustInvitation.locator('details.confirm > summary').click();
    await trustInvitation.getByRole('button', { name: 'Yes, withdraw it' }).click();
    await expect(ap.getByText('No open invitations.')).toBeVisible();

    expect(adminErrors).toEqual([]);
    expect(invitedErrors).toEqual([]);
  } finally {
    await admin.context.close();
    await invited.context.close();
  }
});
