import { expect } from '@playwright/test';
import { test } from './helpers';
import { COMMITTEE, DEMO_PASSWORD, logIn } from './helpers';

test('a member who is not an administrator is refused the people page with 403 Not allowed', async ({ page }) => {
  await logIn(page, COMMITTEE.email, DEMO_PASSWORD, COMMITTEE.name);

  const response = await page.goto('/admin/people');
  expect(response, 'navigation to /admin/people returned no response').not.toBeNull();
  expect(response!.status()).toBe(403);
  // One page heading, and it is the refusal.
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
  // Nothing of the people page itself is shown.
  await expect(page.locator('table.data')).toHaveCount(0);
  await expect(page.locator('#invite-email')).toHaveCount(0);
  await expect(page.getByTestId('invitation-link')).toHaveCount(0);
  await expect(page.locator('nav.main-nav').getByRole('link', { name: 'People' })).toHaveCount(0);
});
