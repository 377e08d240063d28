import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import {
  CIVIL, COMMITTEE, DEMO_PLAN, editor, loggedInContext, openSection, typeInEditor, waitForHydration, watchForErrors,
} from './helpers';

/** Counts the browser's requests for the preview renderer's module (`split_preview_html_*`). */
function previewModuleRequests(page: Page): () => number {
  let count = 0;
  page.on('request', (r) => {
    if (/\/pkg\/split_preview_html_[^/]*\.wasm$/.test(new URL(r.url()).pathname)) count += 1;
  });
  return () => count;
}

test("a reader's section page never fetches the preview's renderer", async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, COMMITTEE);
  const problems = watchForErrors(page);
  const fetched = previewModuleRequests(page);
  try {
    await openSection(page, DEMO_PLAN.id, 'International assistance');
    await waitForHydration(page);
    await expect(page.locator('form.editor')).toHaveCount(0);
    // Give a late fetch the time to show itself.
    await page.waitForTimeout(1_000);
    expect(fetched()).toBe(0);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test("an editor's page keeps the server's preview and fetches the renderer once the text changes", async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, CIVIL);
  const problems = watchForErrors(page);
  const fetched = previewModuleRequests(page);
  try {
    const path = await openSection(page, DEMO_PLAN.id, 'International assistance');
    // The editor loaded with the page: the server rendered the first preview.
    await page.goto(`${path}?edit`);
    await waitForHydration(page);
    const e = editor(page);
    const first = (await e.body.inputValue()).split(/\s+/).slice(0, 3).join(' ');
    await expect(e.preview).toContainText(first);
    await page.waitForTimeout(1_000);
    expect(fetched()).toBe(0);

    // Typing needs the renderer: its module comes, and the preview follows the text.
    await typeInEditor(page, 'A **new** first line', 'A new first line');
    await expect(e.preview.locator('strong')).toHaveText('new');
    expect(fetched()).toBe(1);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
