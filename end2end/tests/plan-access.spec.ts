import { expect } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, COMMITTEE, DEMO_PLAN, logInAs, openSection } from './helpers';

test('a reviewer reads a section of the plan but gets no editor', async ({ page }) => {
  await logInAs(page, COMMITTEE);
  await openSection(page, DEMO_PLAN.id, 'Early warning and timely response');

  const text = page.locator('article.prose');
  await expect(text).toBeVisible();
  await expect(text).toContainText('early-warning dashboard');
  // Reviewers may comment, so the page has comment boxes, but not the section's text box.
  await expect(page.locator('textarea#section-body')).toHaveCount(0);
  await expect(page.locator('form.editor')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  // Asking for the editor in the address changes nothing: the text, and no editor.
  await page.goto(`${page.url()}?edit`);
  await expect(page.locator('article.prose')).toContainText('early-warning dashboard');
  await expect(page.locator('textarea#section-body')).toHaveCount(0);
  await expect(page.locator('form.editor')).toHaveCount(0);

  // Nor can the reviewer change the plan's sections.
  await page.goto(`/plans/${DEMO_PLAN.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(DEMO_PLAN.title);
  await expect(page.locator('ol.sections li.section-item').first()).toBeVisible();
  await expect(page.locator('#add-section-title')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Move up' })).toHaveCount(0);
});

test('an administrator with no role on a plan sees it listed without a link and is refused its page', async ({ page }) => {
  await logInAs(page, ADMIN);

  await page.goto('/plans');
  const row = page.locator('table.data tbody tr', { hasText: DEMO_PLAN.title });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(DEMO_PLAN.lead);
  await expect(row.getByRole('link')).toHaveCount(0);

  const response = await page.goto(`/plans/${DEMO_PLAN.id}`);
  expect(response, `navigation to /plans/${DEMO_PLAN.id} returned no response`).not.toBeNull();
  expect(response!.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
  await expect(page.getByText(DEMO_PLAN.title)).toHaveCount(0);
  await expect(page.locator('ol.sections')).toHaveCount(0);
});
