import { expect } from '@playwright/test';
import { test } from './helpers';
import { JUSTICE, editor, escapeRegExp, logInAs, settle, startEditing, typeInEditor, watchForErrors } from './helpers';

const TEMPLATE_SECTIONS = [
  'Context and risk assessment',
  'PSG 1 - Legitimate politics',
  'PSG 2 - Security',
  'PSG 3 - Justice',
  'PSG 4 - Economic foundations',
  'PSG 5 - Revenues and services',
  'International assistance',
  'Early warning and timely response',
  'Monitoring and evaluation',
];

test('an editor creates a plan from the template, writes a section, compares its revisions and restores an older one', async ({
  page,
}) => {
  const problems = watchForErrors(page);
  const stamp = Date.now();
  const planTitle = `Lakeland prevention plan ${stamp}`;

  await logInAs(page, JUSTICE);

  // The plans list offers a new plan to someone in an organisation.
  await page.goto('/plans');
  await settle(page);
  await page.locator('a[href="/plans/new"]').click();
  await expect(page).toHaveURL(/\/plans\/new$/);
  await expect(page.locator('#plan-title')).toBeVisible();
  await settle(page);

  await expect(page.locator('#plan-period_start')).toHaveValue('2026');
  await expect(page.locator('#plan-period_end')).toHaveValue('2030');
  await expect(page.locator('#plan-use_template')).toBeChecked();
  await page.locator('#plan-title').fill(planTitle);
  await page.locator('#plan-country').selectOption('SL');
  await page.locator('#plan-summary').fill(`A plan written by the browser tests (${stamp}).`);
  await page.locator('#plan-period_start').fill('2027');
  await page.locator('#plan-period_end').fill('2031');
  await page.locator('#plan-fragility_stage').selectOption('3');
  await page.locator('#plan-lead_org_id').selectOption({ label: JUSTICE.org! });
  await page.getByRole('button', { name: 'Create plan' }).click();

  // The new plan's page, with the nine template sections and the coverage matrix.
  await expect(page).toHaveURL(/\/plans\/\d+$/);
  const planId = Number(new URL(page.url()).pathname.split('/').pop());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(planTitle);
  const items = page.locator('ol.sections li.section-item');
  await expect(items).toHaveCount(TEMPLATE_SECTIONS.length);
  for (const [i, title] of TEMPLATE_SECTIONS.entries()) {
    await expect(items.nth(i).locator('> a')).toHaveText(title);
  }
  await expect(page.locator('table.matrix')).toBeVisible();
  await expect(page.getByText('2027–2031')).toBeVisible();
  await settle(page);

  // Open a section of the new plan.
  const sectionTitle = 'PSG 1 - Legitimate politics';
  const link = items.nth(1).getByRole('link', { name: sectionTitle });
  const sectionPath = await link.getAttribute('href');
  expect(sectionPath).toMatch(new RegExp(`^/plans/${planId}/sections/\\d+$`));
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(sectionPath!)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(sectionTitle);
  await expect(page.locator('p.last-change')).toContainText('version 1');
  await settle(page);

  // Write the first text; the preview follows the typing.
  await startEditing(page);
  const e = editor(page);
  await expect(e.body).toHaveValue('');
  await expect(e.state).toHaveText('All changes saved');
  const firstParagraph = `A national dialogue on the 2027 census will meet in every province (${stamp}).`;
  const secondParagraph = 'Party leaders sign a **code of conduct** against hate speech before the elections.';
  const version2 = `${firstParagraph}\n\n${secondParagraph}`;
  await typeInEditor(page, version2, 'national dialogue on the 2027 census');
  await expect(e.preview.locator('strong')).toHaveText('code of conduct');
  await e.save.click();
  await expect(e.alert).toHaveText('Saved as version 2.');
  await expect(e.state).toHaveText('All changes saved');

  // Reloading shows the saved text and who changed it.
  await page.reload();
  await expect(e.body).toHaveValue(version2);
  await expect(page.locator('p.last-change')).toContainText(`Last changed by ${JUSTICE.name} (${JUSTICE.org})`);
  await expect(page.locator('p.last-change')).toContainText('version 2');
  await settle(page);

  // History: the new revision is listed first.
  await page.locator('p.last-change').getByRole('link', { name: 'History' }).click();
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(sectionPath!)}/history$`));
  await settle(page);
  const rows = page.locator('table.data tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).locator('td').nth(0)).toHaveText('2');
  await expect(rows.nth(0).locator('td').nth(3)).toContainText(JUSTICE.name);
  await expect(rows.nth(1).locator('td').nth(0)).toHaveText('1');

  // Compare revisions 1 and 2: the new words are marked as added.
  await page.getByRole('radio', { name: 'Compare from revision 1' }).check();
  await page.getByRole('radio', { name: 'Compare to revision 2' }).check();
  await page.getByRole('button', { name: 'Compare selected revisions' }).click();
  await expect(page).toHaveURL((url) => {
    return url.pathname.endsWith('/history') && url.searchParams.get('from') === '1' && url.searchParams.get('to') === '2';
  });
  const comparison = page.locator('section', {
    has: page.getByRole('heading', { name: 'Changes from revision 1 to 2' }),
  });
  await expect(comparison).toBeVisible();
  const added = (await comparison.locator('div.diff ins').allTextContents()).join(' ');
  expect(added).toContain('national dialogue');
  expect(added).toContain(String(stamp));
  expect(added).toContain('hate speech');
  await settle(page);

  // Edit again and save version 3.
  await page.goto(sectionPath!);
  await settle(page);
  await startEditing(page);
  const version3 = `${firstParagraph}\n\nThe census is postponed until a dialogue agrees its questions.`;
  await typeInEditor(page, version3, 'census is postponed');
  await e.save.click();
  await expect(e.alert).toHaveText('Saved as version 3.');

  // Restore revision 2 from the history.
  await page.goto(`${sectionPath}/history`);
  await settle(page);
  await expect(rows).toHaveCount(3);
  await page.getByRole('button', { name: 'Restore revision 2' }).click();
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0).locator('td').nth(0)).toHaveText('4');
  await expect(rows.nth(0).locator('td').nth(5)).toHaveText('restore: Restored revision 2');

  // The section holds revision 2's text again (the editor opened straight from its address).
  await page.goto(`${sectionPath}?edit`);
  await expect(page.locator('p.last-change')).toContainText('version 4');
  await expect(e.body).toHaveValue(version2);
  await expect(e.preview.locator('strong')).toHaveText('code of conduct');
  await settle(page);
  await expect(e.state).toHaveText('All changes saved');

  // The new plan is listed, linked, among the plans.
  await page.goto('/plans');
  await expect(page.locator('table.data').getByRole('link', { name: planTitle })).toHaveAttribute('href', `/plans/${planId}`);

  expect(problems, 'errors in the browser').toEqual([]);
});
