import { expect, type Page } from '@playwright/test';
import { test } from './helpers';
import { ADMIN, CIVIL, COMMITTEE, DEMO_PLAN, DONOR, JUSTICE, MONITOR, TRUST, loggedInContext, type DemoPerson } from './helpers';

/** One list of work on the home page (`data-work` names it). */
function work(page: Page, name: string) {
  return page.locator(`section.work[data-work="${name}"]`);
}

// What each demo person finds waiting on their home page, from the demo data alone (other
// tests add to the plan, so lists are checked for what they must hold, not for all they hold).
const EXPECTED: { person: DemoPerson; role: string | null; due: string | null }[] = [
  { person: ADMIN, role: null, due: null },
  { person: JUSTICE, role: 'Lead', due: 'Civilian oversight of the military' },
  { person: COMMITTEE, role: 'Reviewer', due: 'Known triggers such as elections' },
  { person: CIVIL, role: 'Editor', due: null },
  { person: DONOR, role: 'Editor', due: null },
  { person: MONITOR, role: 'Reviewer', due: null },
  { person: TRUST, role: 'Reviewer', due: null },
];

for (const { person, role, due } of EXPECTED) {
  test(`home shows ${person.name} their plans, their due checklist items and what changed, each a link`, async ({
    browser,
  }) => {
    const { context, page } = await loggedInContext(browser, person);
    try {
      await page.goto('/');
      for (const name of ['plans', 'review', 'unread', 'due', 'sent-back', 'recent']) {
        await expect(work(page, name)).toHaveCount(1);
      }
      if (role === null) {
        // No plan: every list says what to do next instead.
        await expect(work(page, 'plans')).toContainText('You have no role on a plan yet');
        await expect(work(page, 'plans').getByRole('link', { name: 'see the plans you can find' })).toBeVisible();
        await expect(work(page, 'recent')).toContainText('Nobody else has saved anything on your plans yet.');
        await expect(work(page, 'due')).toContainText('No checklist item of yours is due');
      } else {
        const plan = work(page, 'plans').locator('li.card').filter({ hasText: DEMO_PLAN.title });
        await expect(plan.getByRole('link', { name: DEMO_PLAN.title })).toHaveAttribute('href', `/plans/${DEMO_PLAN.id}`);
        await expect(plan.locator('.badge')).toHaveText(role);
        // Where the plan stands, in words.
        await expect(plan.locator('.muted')).toHaveText(/^(Draft|In review|Approved|Archived)$/);
        // Others' saves on the plan, newest first, each linking to its section.
        const recent = work(page, 'recent').locator('li.card');
        expect(await recent.count()).toBeGreaterThan(0);
        await expect(recent.first().getByRole('link')).toHaveAttribute('href', new RegExp(`^/plans/${DEMO_PLAN.id}/sections/\\d+`));
        await expect(recent.first()).not.toContainText(`${person.name} saved`);
        await expect(recent.first().locator('time[datetime]')).toHaveCount(1);
      }
      // Lists of what happened are newest first (the due list is the most urgent first).
      for (const name of ['review', 'unread', 'sent-back', 'recent']) {
        const times = await work(page, name)
          .locator('li.card')
          .evaluateAll((cards) => cards.map((c) => c.querySelector('time[datetime]')?.getAttribute('datetime') ?? ''));
        expect(times, `${name} newest first`).toEqual([...times].sort().reverse());
      }
      if (due) {
        const item = work(page, 'due').locator('li.card').filter({ hasText: due });
        await expect(item).toHaveClass(/overdue/);
        await expect(item).toContainText('Overdue since');
        await expect(item.getByRole('link')).toHaveAttribute('href', new RegExp(`^/plans/${DEMO_PLAN.id}/checklist/\\d+`));
      } else {
        await expect(work(page, 'due').locator('li.card')).toHaveCount(0);
      }
    } finally {
      await context.close();
    }
  });
}

test('times read as relative words, with the exact time on hover, once the page has hydrated', async ({ browser }) => {
  const { context, page } = await loggedInContext(browser, JUSTICE);
  try {
    await page.goto('/');
    const time = work(page, 'recent').locator('time[datetime]').first();
    await expect(time).toHaveText(/^(just now|\d+ (minute|hour|day)s? ago|yesterday|\d{4}-\d\d-\d\d)$/);
    await expect(time).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await expect(time).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d \(UTC[+-]\d\d:\d\d\)$/);
  } finally {
    await context.close();
  }
});

test('without JavaScript, times are the exact UTC time', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto('/login');
    await page.locator('#login-email').fill(JUSTICE.email);
    await page.locator('#login-password').fill('upstream-demo-2026');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(work(page, 'recent').locator('time[datetime]').first()).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  } finally {
    await context.close();
  }
});
