import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import {
  COMMITTEE,
  createPlan,
  DEMO_PLAN,
  JUSTICE,
  MONITOR,
  TRUST,
  editor,
  loggedInContext,
  openSection,
  settle,
  startEditing,
  typeInEditor,
  watchForErrors,
} from './helpers';

// The demo plan's rule asks one approval from a government, a civil-society and a donor
// organisation; the committee, the monitoring platform and the trust review it.
const SECTION = 'PSG 4';

function reviewState(page: Page) {
  return page.getByTestId('review-state');
}

/** Saves `text` in the editor; returns the version it was saved as. No reload: the review
 * panel must follow the editor's saves by itself. */
async function saveEdit(page: Page, text: string, shows: string): Promise<string> {
  await typeInEditor(page, text, shows);
  await editor(page).save.click();
  await expect(editor(page).alert).toHaveText(/^Saved as version \d+\.$/);
  const saved = /(\d+)/.exec((await editor(page).alert.textContent()) ?? '')?.[1] ?? '';
  expect(saved).not.toBe('');
  return saved;
}

function submitForm(page: Page) {
  return page.locator('form').filter({ has: page.getByRole('button', { name: 'Submit for review' }) });
}

test('a section goes from draft to approved by government, civil-society and donor reviewers, and an edit resets it', async ({
  browser,
}) => {
  const lead = await loggedInContext(browser, JUSTICE);
  const problems = watchForErrors(lead.page);
  const path = await openSection(lead.page, DEMO_PLAN.id, SECTION);
  await startEditing(lead.page);
  const first = await saveEdit(
    lead.page,
    'Jobs and livelihoods for young people in the northern provinces come first.\n\nLand registration will be free and local.',
    'Land registration will be free and local.',
  );
  await expect(reviewState(lead.page)).toHaveText('Draft');
  // The panel was read again after the save: it submits the version just saved.
  await expect(submitForm(lead.page).locator('input[name="version"]')).toHaveValue(first);
  await lead.page.getByRole('button', { name: 'Submit for review' }).click();
  // The panel is read again: the state changes and the submit form gives way to review.
  await expect(reviewState(lead.page)).toHaveText('In review');

  // The plan's overview says where the section stands and what it still needs, by kind.
  const overview = await lead.context.newPage();
  await overview.goto(`/plans/${DEMO_PLAN.id}`);
  const standing = overview.locator('ul.standings li').filter({ hasText: SECTION });
  await expect(standing.locator('.badge')).toHaveText('In review');
  await expect(standing).toContainText(/needs .*government.*civil.society.*donor/);
  await expect(overview.locator('ul.standings li .badge', { hasText: 'Draft' }).first()).toBeVisible();
  await expect(overview.getByRole('button', { name: 'Approve the plan' })).toHaveCount(0);
  // ...and says what is missing before the plan can be approved.
  await expect(overview.locator('section.plan-approval')).toContainText(
    /The plan can be approved once every section is approved: \d+ of \d+ still (is|are) not/,
  );

  // The lead may review, but not text they wrote: the page says so instead of offering the button.
  await expect(
    lead.page.getByText('You wrote part of this text since the last approval, so someone else must approve it.'),
  ).toBeVisible();
  await expect(lead.page.getByRole('button', { name: 'Approve this version' })).toHaveCount(0);
  await expect(reviewState(lead.page)).toHaveText('In review');

  const reviewers = [
    { person: COMMITTEE, kind: 'government' },
    { person: MONITOR, kind: 'civil society' },
    { person: TRUST, kind: 'donor' },
  ];
  for (const [i, { person }] of reviewers.entries()) {
    const r = await loggedInContext(browser, person);
    problems.push(...watchForErrors(r.page));
    // The request reached their queue.
    await r.page.goto('/reviews');
    await expect(r.page.getByRole('heading', { level: 1 })).toHaveText('Waiting for your review');
    await expect(r.page.locator('table.queue')).toContainText(SECTION);
    await r.page.goto(path);
    await settle(r.page);
    await expect(reviewState(r.page)).toHaveText('In review');
    await r.page.getByRole('button', { name: 'Approve this version' }).click();
    await expect(r.page.getByText(new RegExp(`Approvals of version \\d+: .*${person.name} \\(`))).toBeVisible();
    await expect(reviewState(r.page)).toHaveText(i < reviewers.length - 1 ? 'In review' : 'Approved');
    if (i < reviewers.length - 1) {
      // While others still review, a reviewer who approved sees that, not an Approve button.
      await expect(r.page.locator('.approved-by-me')).toContainText(/^You approved version \d+ \(counting for /);
      await expect(r.page.getByRole('button', { name: 'Approve this version' })).toHaveCount(0);
    }
    // Approved by them, it leaves their queue.
    await r.page.goto('/reviews');
    await expect(r.page.getByRole('heading', { level: 1 })).toHaveText('Waiting for your review');
    await expect(r.page.locator('main')).not.toContainText(SECTION);
    await r.context.close();
  }

  await overview.reload();
  await expect(standing.locator('.badge')).toHaveText('Approved');
  await expect(standing).not.toContainText('needs');
  await overview.close();

  await lead.page.reload();
  await settle(lead.page);
  await expect(reviewState(lead.page)).toHaveText('Approved');
  const edited = await saveEdit(
    lead.page,
    'Jobs and livelihoods for young people in the northern provinces come first.\n\nLand registration will be free, local and open to women.',
    'open to women',
  );
  // Without a reload, the panel shows the section back in draft at the new version.
  await expect(reviewState(lead.page)).toHaveText('Draft');
  await expect(submitForm(lead.page).locator('input[name="version"]')).toHaveValue(edited);
  await expect(
    lead.page.getByText(/This section changed since it was approved \(version \d+\), so it is a draft again/),
  ).toBeVisible();
  await expect(lead.page.getByRole('link', { name: 'See what changed since the approval' })).toBeVisible();
  expect(problems).toEqual([]);
  await lead.context.close();
});

test('an approval clicked on a page that went stale says it was not recorded, and shows the review as it now stands', async ({
  browser,
}) => {
  const stamp = Date.now();
  const lead = await loggedInContext(browser, JUSTICE);
  const stale = await loggedInContext(browser, COMMITTEE);
  const other = await loggedInContext(browser, MONITOR);
  const problems = [...watchForErrors(lead.page), ...watchForErrors(stale.page), ...watchForErrors(other.page)];
  try {
    const path = await openSection(lead.page, DEMO_PLAN.id, 'PSG 2');
    await startEditing(lead.page);
    const saved = await editor(lead.page).body.inputValue();
    await saveEdit(lead.page, `${saved}\n\nDistrict peace committees meet monthly (${stamp}).`, `(${stamp})`);
    await lead.page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(reviewState(lead.page)).toHaveText('In review');

    // One reviewer opens the section and leaves the page open...
    await stale.page.goto(path);
    await settle(stale.page);
    await expect(stale.page.getByRole('button', { name: 'Approve this version' })).toBeVisible();
    // ...while another asks for changes.
    await other.page.goto(path);
    await settle(other.page);
    await other.page.getByLabel('What needs to change').fill(`Name who convenes the committees (${stamp}).`);
    await other.page.getByRole('button', { name: 'Request changes' }).click();
    await expect(reviewState(other.page)).toHaveText('Changes requested');

    // The first approves on the stale page: refused, and told so.
    await stale.page.getByRole('button', { name: 'Approve this version' }).click();
    await expect(stale.page.getByRole('alert').filter({ hasText: 'Not recorded' })).toBeVisible();
    await expect(reviewState(stale.page)).toHaveText('Changes requested');

    // The plan's overview shows the section sent back.
    await lead.page.goto(`/plans/${DEMO_PLAN.id}`);
    const standing = lead.page.locator('ul.standings li').filter({ hasText: 'PSG 2' });
    await expect(standing.locator('.badge')).toHaveText('Changes requested');
    await expect(standing).toContainText('changes requested: to be revised and submitted again');
    expect(problems).toEqual([]);
  } finally {
    await lead.context.close();
    await stale.context.close();
    await other.context.close();
  }
});

test('clicking Reviews while on the review queue asks for it again and shows what arrived meanwhile', async ({ browser }) => {
  const SUBMITTED = 'PSG 5';
  const lead = await loggedInContext(browser, JUSTICE);
  const reviewer = await loggedInContext(browser, TRUST);
  const problems = [...watchForErrors(lead.page), ...watchForErrors(reviewer.page)];
  try {
    const rp = reviewer.page;
    await rp.goto('/reviews');
    await settle(rp);
    await expect(rp.locator('main')).not.toContainText(SUBMITTED);

    await openSection(lead.page, DEMO_PLAN.id, SUBMITTED);
    await lead.page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(reviewState(lead.page)).toHaveText('In review');

    // Same address: the router alone would do nothing; the queue is fetched again.
    await rp.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reviews' }).click();
    await expect(rp.locator('table.queue')).toContainText(SUBMITTED);
    expect(problems).toEqual([]);
  } finally {
    await lead.context.close();
    await reviewer.context.close();
  }
});

test('"Approve the plan" is offered once every section is approved, and until then the overview says what is missing', async ({
  browser,
}) => {
  const stamp = Date.now();
  const lead = await loggedInContext(browser, JUSTICE);
  const reviewer = await loggedInContext(browser, COMMITTEE);
  const problems = [...watchForErrors(lead.page), ...watchForErrors(reviewer.page)];
  try {
    // A plan of one section (no template), reviewed by the committee; with no rule set, one
    // approval of any kind approves a section.
    const lp = lead.page;
    const planId = await createPlan(lp, JUSTICE, `One-section plan ${stamp}`, { template: false });
    await settle(lp);
    await lp.locator('#add-section-title').fill(`Early warning ${stamp}`);
    await lp.getByRole('button', { name: 'Add section' }).click();
    await expect(lp.locator('ol.sections li.section-item')).toHaveCount(1);
    await lp.goto(`/plans/${planId}/members`);
    await settle(lp);
    const orgPanel = lp.locator('section.panel', { has: lp.getByRole('heading', { level: 2, name: 'Add an organisation' }) });
    await lp.locator('#grant-org-organisation_id').selectOption({ label: COMMITTEE.org! });
    await lp.locator('#grant-org-role').selectOption('reviewer');
    await orgPanel.getByRole('button', { name: 'Grant role' }).click();
    await expect(lp.locator('table.members tbody tr').filter({ hasText: COMMITTEE.org! })).toHaveCount(1);

    const path = await openSection(lp, planId, `Early warning ${stamp}`);
    await lp.getByRole('button', { name: 'Submit for review' }).click();
    await expect(reviewState(lp)).toHaveText('In review');
    await lp.goto(`/plans/${planId}`);
    const approval = lp.locator('section.plan-approval');
    await expect(approval).toContainText('The plan can be approved once every section is approved: 1 of 1 still is not');
    await expect(approval.getByRole('button', { name: 'Approve the plan' })).toHaveCount(0);

    await reviewer.page.goto(path);
    await settle(reviewer.page);
    await reviewer.page.getByRole('button', { name: 'Approve this version' }).click();
    await expect(reviewState(reviewer.page)).toHaveText('Approved');

    await lp.reload();
    await settle(lp);
    await expect(approval).toContainText('Every section is approved.');
    await expect(approval).not.toContainText('can be approved once');
    await approval.getByRole('button', { name: 'Approve the plan' }).click();
    await expect(approval).toContainText('Plan approved as a new version.');
    await expect(approval.locator('ul.versions')).toContainText('Approved version 1');
    expect(problems).toEqual([]);
  } finally {
    await lead.context.close();
    await reviewer.context.close();
  }
});
