import { expect } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, CIVIL, COMMITTEE, JUSTICE, loggedInContext, mainPages, settle, watchForErrors } from './helpers';

test.describe('at phone width (390 px)', () => {
  for (const person of [ADMIN, JUSTICE, CIVIL, COMMITTEE]) {
    test(`no page is wider than the screen for ${person.name}`, async ({ browser }) => {
      const { context, page } = await loggedInContext(browser, person);
      const problems = watchForErrors(page);
      try {
        await page.setViewportSize({ width: 390, height: 844 });
        for (const path of await mainPages(page, person)) {
          await page.goto(path);
          await settle(page);
          const wide = await page.evaluate(() => ({
            page: document.documentElement.scrollWidth,
            screen: document.documentElement.clientWidth,
            // What sticks out, to say which element to fix when this fails.
            culprits: [...document.querySelectorAll('body *')]
              .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .slice(0, 5)
              .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
          }));
          expect(wide.page, `${path} is ${wide.page}px wide: ${wide.culprits.join(', ')}`).toBeLessThanOrEqual(wide.screen);
        }
        expect(problems, 'errors in the browser').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  test('the navigation folds into a menu that opens without JavaScript and closes after a navigation', async ({ browser }) => {
    const { context, page } = await loggedInContext(browser, JUSTICE);
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/');
      await settle(page);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Plans' })).toBeHidden();
      await nav.locator('summary', { hasText: 'Menu' }).click();
      await expect(nav.getByRole('link', { name: 'Plans' })).toBeVisible();
      await nav.getByRole('link', { name: 'Plans' }).click();
      await expect(page).toHaveURL(/\/plans$/);
      await expect(nav.getByRole('link', { name: 'Plans' })).toBeHidden();

      // On a desktop the links show at once and there is no menu to open.
      await page.setViewportSize({ width: 1280, height: 800 });
      await expect(nav.getByRole('link', { name: 'Plans' })).toBeVisible();
      await expect(nav.locator('summary')).toBeHidden();
    } finally {
      await context.close();
    }
  });

  test('tables of plans, members and the audit trail become cards with their column names', async ({ browser }) => {
    const { context, page } = await loggedInContext(browser, JUSTICE);
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/plans/1/members');
      const row = page.locator('table.members tbody tr').first();
      await expect(row).toHaveCSS('display', 'block');
      await expect(row.locator('td[data-label="Role"]')).toBeVisible();
      const label = await row
        .locator('td[data-label="Role"]')
        .evaluate((td) => getComputedStyle(td, '::before').content);
      expect(label).toBe('"Role: "');
      await page.goto('/plans');
      await expect(page.locator('table.data tbody tr').first()).toHaveCSS('display', 'block');
      await page.goto('/plans/1/audit');
      await expect(page.locator('table.audit tbody tr').first()).toHaveCSS('display', 'block');
    } finally {
      await context.close();
    }
  });
});
