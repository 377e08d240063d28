import { expect } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, DEMO_PLAN, loggedInContext, waitForHydration, watchForErrors } from './helpers';

// A page's modules (the main one, `upstream.*.wasm`, and its own, `split_section_pages_*`) are
// each fetched by the page's preload and then by wasm-bindgen's glue or the splitter's loader;
// on a link that drops requests both can fail. Both try again (bundle/src/retries.rs), so the
// page still comes to life instead of staying without scripts or stopping them half-way. The
// same holds for the two scripts the page imports first, the glue and the splitter's loader:
// the page's start script fetches them with retries before importing them (a browser
// remembers a failed import for the page's life). Those are fetched once more by the import
// here, since routing requests turns the browser's cache off.
for (const [which, pattern, exactly] of [
  ['own module', /\/pkg\/split_section_pages_[^/]*\.wasm$/, 3],
  ['main module', /\/pkg\/upstream\.[^/]*\.wasm$/, 3],
  ['script', /\/pkg\/upstream\.[^/]*\.js$/, undefined],
  ['split loader', /\/pkg\/__wasm_split\.[^/]*\.js$/, undefined],
] as const) {
  test(`a section page whose ${which} fails to download twice still hydrates and works`, async ({ browser }) => {
    const { context, page } = await loggedInContext(browser, CIVIL);
    const problems = watchForErrors(page);
    try {
      await page.goto(`/plans/${DEMO_PLAN.id}`);
      // Started for good before the routes below drop files: the plan page's own start
      // (its import of the glue, which imports the loader) may still be under way at `load`.
      await waitForHydration(page);
      const href = await page
        .locator('ol.sections li.section-item > a')
        .filter({ hasText: /^International assistance/ })
        .getAttribute('href');
      expect(href).toMatch(/^\/plans\/\d+\/sections\/\d+$/);

      let requests = 0;
      await page.route(pattern, async (route) => {
        requests += 1;
        if (requests <= 2) await route.abort('connectionreset');
        else await route.continue();
      });
      await page.goto(href!);
      await waitForHydration(page);
      if (exactly) expect(requests).toBe(exactly);
      else expect(requests).toBeGreaterThanOrEqual(3);

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
}
