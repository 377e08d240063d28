import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, CIVIL, COMMITTEE, JUSTICE, loggedInContext, mainPages, waitForHydration, type DemoPerson } from './helpers';

type Scheme = 'light' | 'dark';

/** axe-core's WCAG 2.0 A and AA findings on `path`, once hydrated, one line each. */
async function violations(page: Page, path: string, label: string): Promise<string[]> {
  await page.goto(path);
  await waitForHydration(page, 30_000);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return violations.map((v) => `${path} ${label}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}

// Every main page, as each kind of demo person (an administrator, a lead, an editor and a
// reviewer), on a desktop and a phone, in light and dark mode: every combination.
const RUNS: { person: DemoPerson; width: number; scheme: Scheme }[] = [ADMIN, JUSTICE, CIVIL, COMMITTEE].flatMap(
  (person) => [1280, 390].flatMap((width) => (['light', 'dark'] as const).map((scheme) => ({ person, width, scheme }))),
);

for (const { person, width, scheme } of RUNS) {
  test(`the main pages pass axe-core (WCAG 2 A and AA) for ${person.name} at ${width} px in ${scheme} mode`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const { context, page } = await loggedInContext(browser, person);
    try {
      await page.emulateMedia({ colorScheme: scheme });
      const pages = await mainPages(page, person);
      await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
      const found: string[] = [];
      for (const path of pages) found.push(...(await violations(page, path, `${width}px ${scheme}`)));
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  });
}

test('the login page passes axe-core when nobody is signed in', async ({ page }) => {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      found.push(...(await violations(page, '/login', `${width}px ${scheme}`)));
    }
  }
  expect(found).toEqual([]);
});
