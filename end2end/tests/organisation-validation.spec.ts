import { expect, test } from '@playwright/test';
import { ADMIN, DEMO_PASSWORD, logIn, settle } from './helpers';

test('creating an organisation without a name shows the message beside the name field and creates nothing', async ({
  page,
}) => {
  await logIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.goto('/admin/organisations');
  await settle(page);

  const rows = page.locator('table.data tbody tr');
  await expect(rows.first()).toBeVisible();
  const before = await rows.count();

  await page.locator('#org-new-name').fill('');
  await page.locator('#org-new-kind').selectOption('civil_society');
  await page.locator('#org-new-country').selectOption('XV');
  await page.getByRole('button', { name: 'Create organisation' }).click();

  const nameField = page.locator('.field', { has: page.locator('#org-new-name') });
  await expect(nameField.locator('p.field-error')).toHaveText("Enter the organisation's name.");
  await expect(page.locator('#org-new-name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/admin\/organisations(\?.*)?$/);

  // Nothing was created: the list is unchanged, also after a fresh load.
  await expect(rows).toHaveCount(before);
  await page.goto('/admin/organisations');
  await expect(page.locator('table.data tbody tr')).toHaveCount(before);
});
