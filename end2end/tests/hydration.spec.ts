import { expect } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, DEMO_PASSWORD, logIn, settle } from './helpers';

test('the WebAssembly bundle hydrates pages without errors, so forms submit without a page load', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  const panics: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('panicked at')) {
      panics.push(`${page.url()}: ${message.text().split('\n').slice(0, 2).join(' ')}`);
    }
  });

  // Every request the pages make must succeed (no missing favicon, script or stylesheet).
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));

  await page.goto('/login');
  await settle(page);
  await logIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.goto('/admin/organisations');
  await settle(page);

  expect(panics, 'Rust panics in the browser console').toEqual([]);
  expect(pageErrors, 'uncaught errors in the page (hydration did not finish)').toEqual([]);
  expect(failed, 'requests that failed while loading the pages').toEqual([]);

  // A hydrated ActionForm posts with fetch and stays on the page; an unhydrated one navigates.
  await page.locator('#org-new-name').fill('   ');
  await page.locator('#org-new-kind').selectOption('donor');
  await page.locator('#org-new-country').selectOption('SL');
  const request = page.waitForRequest(
    (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/create_organisation',
  );
  await page.getByRole('button', { name: 'Create organisation' }).click();
  expect((await request).resourceType(), 'how the create-organisation form was sent').toBe('fetch');
  await expect(page.locator('.field', { has: page.locator('#org-new-name') }).locator('p.field-error')).toHaveText(
    "Enter the organisation's name.",
  );
  expect(pageErrors).toEqual([]);
});
