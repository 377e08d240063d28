import { expect } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, DEMO_PLAN, loggedInContext, waitForHydration, watchForErrors } from './helpers';

// A page's own module (`split_section_pages_*`) is fetched by the page's preload and then by the
// splitter's loader; on a link that drops requests both can fail. The loader tries again
// (bundle/src/loader_retry.rs), so the page still comes to life instead of stopping its scripts.
test('a section page whose module fails to download twice still hydrates and works', async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, CIVIL);
  const problems = watchForErrors(page);
  try {
    await page.goto(`/plans/${DEMO_PLAN.id}`);
    const href = await page
      .locator('ol.sections li.section-item > a')
      .filter({ hasText: /^International assistance/ })
      .getAttribute('href');
    expect(href).toMatch(/^\/plans\/\d+\/sections\/\d+$/);

    let requests = 0;
    await page.route(/\/pkg\/split_section_pages_[^/]*\.wasm$/, async (route) => {
      requests += 1;
      if (requests <= 2) await route.abort('connectionreset');
      else await route.continue();
    });
    await page.goto(href!);
    await waitForHydration(page);
    expect(requests).toBe(3);

    // Hydrated for real: a client-side link follows without a full page load.
    await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page).toHaveURL(/\?edit$/);
    await expect(page.locator('form.editor textarea')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
