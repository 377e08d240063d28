import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, COMMITTEE, JUSTICE, createPlan, loggedInContext, settle, watchForErrors } from './helpers';

const EARLY_WARNING = 'An early-warning channel reaches decision makers';
const PROTECTION = 'A named authority can order protection of civilians';
const HUMANITARIAN = 'Humanitarian and peacekeeping personnel';

/** The overview's progress matrix cell for PSG `psg` under pillar `pillar`. */
function cell(page: Page, psg: number, pillar: number) {
  return page.locator('table.progress-matrix tbody tr').nth(psg - 1).locator('td').nth(pillar - 1);
}

function itemRow(page: Page, text: string) {
  return page.locator('li.checklist-item').filter({ hasText: text });
}

test('an editor marks checklist items done, the matrix follows, and a viewer sees it but cannot change it', async ({
  browser,
}) => {
  const stamp = Date.now();
  const planTitle = `Checklist plan ${stamp}`;
  const lead = await loggedInContext(browser, JUSTICE);
  const editor = await loggedInContext(browser, CIVIL);
  const viewer = await loggedInContext(browser, COMMITTEE);
  const problems = [...watchForErrors(lead.page), ...watchForErrors(editor.page), ...watchForErrors(viewer.page)];
  try {
    // The lead creates a fresh plan: its checklist is a copy of the template.
    const lp = lead.page;
    const planId = await createPlan(lp, JUSTICE, planTitle);
    await expect(cell(lp, 2, 3)).toHaveText('0 / 3');
    await expect(lp.locator('ol.risk-strip li.risk-gap')).toHaveCount(0);

    // Civil society becomes editor, the committee viewer.
    await lp.goto(`/plans/${planId}/members`);
    await settle(lp);
    const orgPanel = lp.locator('section.panel', { has: lp.getByRole('heading', { level: 2, name: 'Add an organisation' }) });
    for (const [org, role] of [
      [CIVIL.org!, 'editor'],
      [COMMITTEE.org!, 'viewer'],
    ]) {
      await lp.locator('#grant-org-organisation_id').selectOption({ label: org });
      await lp.locator('#grant-org-role').selectOption(role);
      await orgPanel.getByRole('button', { name: 'Grant role' }).click();
      await expect(lp.locator('table.members tbody tr').filter({ hasText: org })).toHaveCount(1);
    }

    // The editor follows the matrix cell to its filtered list: PSG 2 x pillar 3, three items.
    const ep = editor.page;
    await ep.goto(`/plans/${planId}`);
    await expect(cell(ep, 2, 3)).toHaveText('0 / 3');
    await cell(ep, 2, 3).getByRole('link').click();
    await expect(ep).toHaveURL(new RegExp(`/plans/${planId}/checklist\\?psg=2&pillar=3$`));
    await expect(ep.locator('li.checklist-item')).toHaveCount(3);
    await settle(ep);

    // Marking N/A without a reason is refused next to that item's reason field.
    // Each item is one line; its status form opens from "Change status".
    const humanitarian = itemRow(ep, HUMANITARIAN);
    await expect(humanitarian.locator('select[name=status]')).toBeHidden();
    await humanitarian.locator('summary', { hasText: 'Change status' }).click();
    await humanitarian.locator('select[name=status]').selectOption('not_applicable');
    await humanitarian.getByRole('button', { name: 'Save status' }).click();
    await expect(humanitarian.locator('p.field-error')).toHaveText('Say why this item does not apply to the country.');
    await expect(ep.locator('p.field-error')).toHaveCount(1);
    await expect(humanitarian.locator('details.item-edit')).toHaveAttribute('open', '');

    // Two items marked done, one at a time.
    for (const text of [EARLY_WARNING, PROTECTION]) {
      const row = itemRow(ep, text);
      await row.locator('summary', { hasText: 'Change status' }).click();
      await row.locator('select[name=status]').selectOption('done');
      await row.getByRole('button', { name: 'Save status' }).click();
      await expect(ep.locator('p.alert-success')).toContainText('Saved.');
      await expect(itemRow(ep, text).locator('.badge.item-status')).toHaveText('Done');
    }
    await expect(itemRow(ep, HUMANITARIAN).locator('.badge.item-status')).toHaveText('Not started');

    // The overview's matrix now counts them.
    await ep.goto(`/plans/${planId}`);
    await expect(cell(ep, 2, 3)).toHaveText('2 / 3');
    await expect(cell(ep, 2, 3)).toHaveClass(/prog-high/);

    // The viewer sees the same progress, and no way to change it.
    const vp = viewer.page;
    await vp.goto(`/plans/${planId}`);
    await expect(vp.locator('p', { hasText: 'Your role: Viewer' })).toHaveCount(1);
    await expect(cell(vp, 2, 3)).toHaveText('2 / 3');
    await vp.goto(`/plans/${planId}/checklist?psg=2&pillar=3`);
    await settle(vp);
    await expect(itemRow(vp, EARLY_WARNING).locator('.badge.item-status')).toHaveText('Done');
    await expect(vp.locator('li.checklist-item select, li.checklist-item input, li.checklist-item details')).toHaveCount(0);
    await expect(vp.getByRole('button', { name: 'Save status' })).toHaveCount(0);
    const itemHref = await itemRow(vp, HUMANITARIAN).locator('a.item-text').getAttribute('href');
    const itemId = itemHref!.split('/').pop()!;
    await vp.goto(itemHref!);
    await expect(vp.getByRole('heading', { level: 1 })).toContainText(HUMANITARIAN);
    await expect(vp.locator('dd.item-status')).toHaveText('Not started');
    await expect(vp.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
    await expect(vp.getByRole('button', { name: 'Add evidence' })).toHaveCount(0);

    // Posting directly with the viewer's own session is refused and changes nothing.
    const response = await vp.request.post('/api/update_checklist_item', {
      form: { plan_id: String(planId), item_id: itemId, base_version: '1', status: 'done' },
    });
    expect(response.status(), await response.text()).toBe(403);
    await vp.goto(`/plans/${planId}`);
    await expect(cell(vp, 2, 3)).toHaveText('2 / 3');

    expect(problems, 'errors in the browsers').toEqual([]);
  } finally {
    await lead.context.close();
    await editor.context.close();
    await viewer.context.close();
  }
});

test('the checklist shows one line per item with its status, who is responsible and its due date, and tags read apart', async ({
  browser,
}) => {
  const lead = await loggedInContext(browser, JUSTICE);
  const problems = watchForErrors(lead.page);
  try {
    const page = lead.page;
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/plans/1/checklist');
      await settle(page);
      const rows = page.locator('li.checklist-item');
      expect(await rows.count()).toBeGreaterThan(20);
      // No status form is shown until an item is opened.
      await expect(page.locator('li.checklist-item select:visible')).toHaveCount(0);
      const first = rows.first();
      await expect(first.locator('.badge.item-status')).toBeVisible();
      await expect(first.locator('.item-owner')).toBeVisible();
      await expect(first.locator('.item-due')).toBeVisible();
      // The tags are words apart when read or copied, not "PSG 2Pillar 3".
      const tags = (await first.locator('.tags').innerText()).replace(/\s+/g, ' ');
      expect(tags).toMatch(/^PSG \d/);
      expect(tags).toContain('Pillar ');
      expect(tags).not.toMatch(/\S(Pillar|RF) \d/);
      // A tag's full name shows on keyboard focus too, not only on hover.
      const tag = first.locator('.tags .badge.named').first();
      await tag.focus();
      await expect(tag).toBeFocused();
      const name = await tag.getAttribute('data-name');
      expect(name).toBeTruthy();
      expect(await tag.evaluate((el) => getComputedStyle(el, '::after').content)).toBe(`"${name}"`);
      // A line is short: the whole list is a fraction of its former 6,700 px (15,500 on a phone).
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      console.log(`checklist page height at ${width}px: ${height}px`);
      expect(height).toBeLessThan(width > 400 ? 4500 : 9000);
      // Opening an item's status form works the same on a phone.
      await first.locator('summary', { hasText: 'Change status' }).click();
      await expect(first.locator('select[name=status]')).toBeVisible();
    }
    expect(problems, 'errors in the browser').toEqual([]);
  } finally {
    await lead.context.close();
  }
});
