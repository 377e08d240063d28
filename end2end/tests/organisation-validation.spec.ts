import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, DEMO_PASSWORD, logIn, settle } from './helpers';

async function openOrganisations(page: Page) {
  await logIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.goto('/admin/organisations');
  await settle(page);
  const rows = page.locator('table.data tbody tr');
  await expect(rows.first()).toBeVisible();
  return { rows, before: await rows.count() };
}

async function expectNothingCreated(page: Page, before: number) {
  await expect(page.locator('table.data tbody tr')).toHaveCount(before);
  await page.goto('/admin/organisations');
  await expect(page.locator('table.data tbody tr')).toHaveCount(before);
}

test('creating an organisation without a name shows the message beside the name field and creates nothing', async ({
  page,
}) => {
  const { before } = await openOrganisations(page);

  const name = page.locator('#org-new-name');
  await name.fill('');
  await page.locator('#org-new-kind').selectOption('civil_society');
  await page.locator('#org-new-country').selectOption('XV');
  // Required is announced to assistive technology, not enforced by the browser.
  await expect(name).toHaveAttribute('aria-required', 'true');
  await expect(name).not.toHaveAttribute('required');
  // The empty form must reach the server (no browser bubble stops it first), and the app's own
  // message is what the person sees.
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/create_organisation',
  );
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await posted;

  const nameField = page.locator('.field', { has: name });
  await expect(nameField.locator('p.field-error')).toHaveText("Enter the organisation's name.");
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/admin\/organisations(\?.*)?$/);

  await expectNothingCreated(page, before);
});

test('a name of only spaces is refused by the server with the message beside the name field', async ({ page }) => {
  const { before } = await openOrganisations(page);

  const name = page.locator('#org-new-name');
  await name.fill('   ');
  await page.locator('#org-new-kind').selectOption('civil_society');
  await page.locator('#org-new-country').selectOption('XV');
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/create_organisation',
  );
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await posted;

  const nameField = page.locator('.field', { has: name });
  await expect(nameField.locator('p.field-error')).toHaveText("Enter the organisation's name.");
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  // The other choices are kept.
  await expect(page.locator('#org-new-kind')).toHaveValue('civil_society');
  await expect(page.locator('#org-new-country')).toHaveValue('XV');

  await expectNothingCreated(page, before);
});
