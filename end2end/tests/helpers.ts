import { expect, test as base, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

/**
 * Pages of the app keep an event stream open (`/live`). Playwright's `networkidle`, which
 * `settle` waits for, never comes while a request is open, so the suite's pages get the answer
 * of a server without the stream (204: the browser does not retry) and run on the fallback
 * (polling, merges and conflicts at save time). `live.spec.ts` opens real streams.
 */
export async function withoutLiveStream(context: BrowserContext): Promise<void> {
  await context.route(LIVE_STREAM, (route) => route.fulfill({ status: 204 }));
}

const LIVE_STREAM = /\/live(\?|$)/;

/** `test`, with the default page's context on the fallback (see `withoutLiveStream`). */
export const test = base.extend({
  context: async ({ context }, use) => {
    await withoutLiveStream(context);
    await use(context);
  },
});

/** `browser.newContext()` on the fallback (see `withoutLiveStream`). */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await withoutLiveStream(context);
  return context;
}

export const DEMO_PASSWORD = 'upstream-demo-2026';

export type DemoPerson = { email: string; name: string; org?: string };

export const ADMIN: DemoPerson = { email: 'admin@upstream.example', name: 'Ines Albero' };
export const COMMITTEE: DemoPerson = {
  email: 'committee@upstream.example',
  name: 'Grace Mbeki',
  org: 'National Committee for the Prevention of Atrocity Crimes',
};
export const JUSTICE: DemoPerson = {
  email: 'justice@upstream.example',
  name: 'Tomas Reyl',
  org: 'Ministry of Justice and Human Rights',
};
export const CIVIL: DemoPerson = {
  email: 'civil@upstream.example',
  name: 'Lina Osei',
  org: "Valdoria Women's Peace Network",
};
export const DONOR: DemoPerson = {
  email: 'donor@upstream.example',
  name: 'Erik Sand',
  org: 'Nordic Fund for Peaceful Societies',
};

/** The demo plan every fresh database starts with. */
export const DEMO_PLAN = {
  id: 1,
  title: 'Valdoria national plan for the prevention of atrocity crimes 2026-2030',
  lead: 'Ministry of Justice and Human Rights',
};

/** Waits until the page has loaded and the WebAssembly bundle has had time to hydrate it. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForLoadState('networkidle');
}

/** Logs in through the login page (a plain form post) and waits for the home page. */
export async function logIn(page: Page, email: string, password: string, name: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${name}`);
  await settle(page);
}

/** Logs a demo person in with the shared demo password. */
export async function logInAs(page: Page, person: DemoPerson): Promise<void> {
  await logIn(page, person.email, DEMO_PASSWORD, person.name);
}

/** A fresh browser context (own cookies and local storage) with a demo person logged in. */
export async function loggedInContext(
  browser: Browser,
  person: DemoPerson,
  options: { live?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  // Logging in waits for `networkidle`: the stream opens after (see `withoutLiveStream`).
  await withoutLiveStream(context);
  const page = await context.newPage();
  await logInAs(page, person);
  if (options.live) {
    await context.unroute(LIVE_STREAM);
  }
  return { context, page };
}

/** Collects uncaught page errors and Rust panics, so a test can insist hydration went cleanly. */
export function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('panicked at')) {
      problems.push(`${page.url()}: ${message.text().split('\n').slice(0, 2).join(' ')}`);
    }
  });
  return problems;
}

/** The members page's parts, for a lead. */
export function membersPage(page: Page) {
  const listPanel = page.locator('section.panel', { has: page.locator('table.members') });
  const orgPanel = page.locator('section.panel', {
    has: page.getByRole('heading', { level: 2, name: 'Add an organisation' }),
  });
  return {
    listPanel,
    listAlert: listPanel.locator('p.alert'),
    row: (name: string) => listPanel.locator('table.members tbody tr').filter({ hasText: name }),
    orgPanel,
    orgAlert: orgPanel.locator('p.alert'),
  };
}

/**
 * Creates a plan led by `person`'s organisation, as a lead would on `/plans/new`, so a test's
 * grants and revocations touch no plan other tests rely on: with the template's sections unless
 * `template` is false (the checklist is copied either way). Leaves the page on the new plan's
 * overview and returns its id.
 */
export async function createPlan(
  page: Page,
  person: DemoPerson,
  title: string,
  { template = true }: { template?: boolean } = {},
): Promise<number> {
  await page.goto('/plans/new');
  await expect(page.locator('#plan-title')).toBeVisible();
  await settle(page);
  await page.locator('#plan-title').fill(title);
  await page.locator('#plan-country').selectOption('SL');
  await page.locator('#plan-summary').fill(`A plan made by a browser test: ${title}.`);
  await page.locator('#plan-period_start').fill('2026');
  await page.locator('#plan-period_end').fill('2030');
  await page.locator('#plan-fragility_stage').selectOption('3');
  await page.locator('#plan-lead_org_id').selectOption({ label: person.org! });
  await page.locator('#plan-use_template').setChecked(template);
  await page.getByRole('button', { name: 'Create plan' }).click();
  await expect(page).toHaveURL(/\/plans\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/**
 * Opens a plan's overview, follows the link of the section whose title starts with
 * `titleStart`, and waits for the section page to hydrate. Returns the section's URL path.
 */
export async function openSection(page: Page, planId: number, titleStart: string): Promise<string> {
  await page.goto(`/plans/${planId}`);
  const link = page
    .locator('ol.sections li.section-item > a')
    .filter({ hasText: new RegExp(`^${escapeRegExp(titleStart)}`) });
  await expect(link).toHaveCount(1);
  const href = await link.getAttribute('href');
  expect(href).toMatch(new RegExp(`^/plans/${planId}/sections/\\d+$`));
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(href!)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`^${escapeRegExp(titleStart)}`));
  await settle(page);
  return href!;
}

/**
 * Switches a section page from reading to its editor with the "Edit" link (the page only
 * carries the editor when asked, `?edit`) and waits until the editor is there and hydrated.
 */
export async function startEditing(page: Page): Promise<void> {
  await expect(page.locator('form.editor')).toHaveCount(0);
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page).toHaveURL(/\?edit$/);
  await expect(editor(page).body).toBeVisible();
  await settle(page);
}

/** The section editor's parts. */
export function editor(page: Page): {
  form: Locator;
  body: Locator;
  preview: Locator;
  save: Locator;
  state: Locator;
  alert: Locator;
  conflict: Locator;
} {
  const form = page.locator('form.editor');
  return {
    form,
    body: form.locator('textarea#section-body'),
    preview: form.locator('div.preview'),
    save: form.getByRole('button', { name: 'Save', exact: true }),
    state: form.locator('span.save-state'),
    alert: form.locator('p.alert'),
    conflict: form.locator('div.conflict'),
  };
}

/**
 * Types into the editor and proves the page is hydrated: the live preview must show the new
 * text (only the WebAssembly side updates it) and the state must say there are unsaved changes.
 */
export async function typeInEditor(page: Page, text: string, previewShows: string): Promise<void> {
  const e = editor(page);
  await e.body.fill(text);
  await expect(e.preview).toContainText(previewShows);
  await expect(e.state).toHaveText('Unsaved changes (kept in this browser until saved)');
}

/** Splits a section body into paragraphs the way the app does (blank-line separated). */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trimEnd()).join('\n').trim())
    .filter((p) => p.length > 0);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const MONITOR: DemoPerson = {
  email: 'monitor@upstream.example',
  name: 'Amani Diallo',
  org: 'Valdoria Civil Society Monitoring Platform',
};
export const TRUST: DemoPerson = {
  email: 'trust@upstream.example',
  name: 'Sofia Lind',
  org: 'Peacebuilding Partnership Trust',
};

/**
 * Slows the page down like a fragile-state office connection: Chromium's network emulation at
 * about 1.6 Mbps down, 750 kbps up and 150 ms latency, with the CPU slowed four times, and
 * the cache off (a first visit: the bundle is not in the cache yet). The section page then
 * takes several seconds to hydrate. Returns a function that lifts it.
 */
export async function throttle(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1600 * 1000) / 8,
    uploadThroughput: (750 * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await cdp.detach();
  };
}

/** Whether the WebAssembly bundle has hydrated the page (the app marks `<html data-hydrated>`). */
export async function isHydrated(page: Page): Promise<boolean> {
  return (await page.locator('html[data-hydrated]').count()) > 0;
}

/** Waits until the WebAssembly bundle has hydrated the page. */
export async function waitForHydration(page: Page, timeout = 90_000): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout });
}

/** Every draft kept in this browser's local storage: storage key -> text. */
export async function storedDrafts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.startsWith('upstream.draft.')) out[key] = localStorage.getItem(key) ?? '';
    }
    return out;
  });
}

/**
 * The main pages a demo person sees, by address: home, plans, the demo plan's overview,
 * checklist (and one item), members, a section with its history, inbox, review queue,
 * account, a missing page; the plan's audit trail and the section's editor for its lead and
 * editors; for the administrator (who has no role on the demo plan: its overview is then a
 * refusal page) the admin pages. Sections and items are found on the pages that list them,
 * since their ids depend on the demo data.
 */
export async function mainPages(page: Page, person: DemoPerson): Promise<string[]> {
  const common = ['/', '/plans', `/plans/${DEMO_PLAN.id}`, '/inbox', '/reviews', '/account', '/no-such-page'];
  if (person === ADMIN) {
    return [...common, '/admin/organisations', '/admin/people', '/admin/audit', '/admin/template', '/admin/checklist-template'];
  }
  // An organisation admin's own organisation, from their home page.
  let organisation: string | null = null;
  if (person === JUSTICE) {
    await page.goto('/');
    organisation = await page.locator('a[href^="/admin/organisations/"]').first().getAttribute('href');
  }
  await page.goto(`/plans/${DEMO_PLAN.id}`);
  const section = await page.locator('ol.sections li.section-item > a').first().getAttribute('href');
  await page.goto(`/plans/${DEMO_PLAN.id}/checklist`);
  const item = await page.locator('li.checklist-item a.item-text').first().getAttribute('href');
  const pages = [
    ...common,
    `/plans/${DEMO_PLAN.id}/checklist`,
    item!,
    `/plans/${DEMO_PLAN.id}/members`,
    section!,
    `${section}/history`,
  ];
  // Pages that look alike for every role are checked once, as the person who sees the most of
  // them: the lead's own organisation, a new plan, a comparison of two revisions (every demo
  // section with text has at least two); and the 403 page, as a reviewer.
  if (person === JUSTICE) {
    pages.push(`/plans/${DEMO_PLAN.id}/audit`, organisation!, '/plans/new', `${section}/history?from=1&to=2`);
  }
  if (person === COMMITTEE) pages.push('/admin/audit');
  if (person === JUSTICE || person === CIVIL) pages.push(`${section}?edit`);
  return pages;
}
