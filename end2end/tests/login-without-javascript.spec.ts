import { expect } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, DEMO_PASSWORD } from './helpers';

test('logging in works without JavaScript: a wrong password is explained beside the field and the email is kept', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/login');

    await page.locator('#login-email').fill(ADMIN.email);
    await page.locator('#login-password').fill('not-the-right-password');
    await page.getByRole('button', { name: 'Log in' }).click();

    // The login page comes back with the message under the password field, and nothing of
    // what was typed in its address.
    await expect(page).toHaveURL(/\/login$/);
    const passwordField = page.locator('.field', { has: page.locator('#login-password') });
    await expect(passwordField.locator('p.field-error')).toHaveText('The email or password is wrong.');
    await expect(page.locator('#login-email')).toHaveValue(ADMIN.email);
    await expect(page.getByRole('heading', { name: /Welcome/ })).toHaveCount(0);

    // The right password reaches the home page.
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${ADMIN.name}`);
  } finally {
    await context.close();
  }
});
