import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'upstream-demo-2026';

export const ADMIN = { email: 'admin@upstream.example', name: 'Ines Albero' };
export const COMMITTEE = { email: 'committee@upstream.example', name: 'Grace Mbeki' };

/** Waits until the page has loaded and the WebAssembly bundle has had time to hydrate it. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForLoadState('networkidle');
}

/** Logs in through the login page (a plain form post) and waits for the home page. */
export async function logIn(page: Page, email: string, password: string, name: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${name}`);
  await settle(page);
}
