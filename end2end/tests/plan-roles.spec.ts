import { expect } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, JUSTICE, createPlan, editor, membersPage, loggedInContext, openSection, settle, startEditing, typeInEditor, watchForErrors } from './helpers';

test('a lead grants an organisation the editor role, a member edits, and after demotion to viewer the editor is gone and a direct save is refused', async ({
  browser,
}) => {
  const stamp = Date.now();
  const planTitle = `Role handover plan ${stamp}`;
  const org = CIVIL.org!;

  const lead = await loggedInContext(browser, JUSTICE);
  const member = await loggedInContext(browser, CIVIL);
  const problems = [...watchForErrors(lead.page), ...watchForErrors(member.page)];
  try {
    // The lead creates a fresh plan, so no grant from the demo data gets in the way.
    const lp = lead.page;
    const planId = await createPlan(lp, JUSTICE, planTitle);
    await expect(lp.locator('p', { hasText: 'Your role: Lead' })).toHaveCount(1);
    await settle(lp);

    // Before any grant, the organisation's member cannot open the plan.
    const refused = await member.page.goto(`/plans/${planId}`);
    expect(refused!.status()).toBe(403);

    // The overview links to the members page.
    await lp.getByRole('link', { name: 'Members and roles' }).click();
    await expect(lp).toHaveURL(new RegExp(`/plans/${planId}/members$`));
    await expect(lp.getByRole('heading', { level: 1 })).toHaveText('Members and roles');
    await settle(lp);
    const m = membersPage(lp);
    await expect(m.row(JUSTICE.name).locator('td').nth(1)).toHaveText('Person');
    await expect(m.row(JUSTICE.name).locator('td').nth(2)).toHaveText('Lead');
    await expect(m.row(org)).toHaveCount(0);

    // Grant the organisation the editor role.
    await lp.locator('#grant-org-organisation_id').selectOption({ label: org });
    await lp.locator('#grant-org-role').selectOption('editor');
    await m.orgPanel.getByRole('button', { name: 'Grant role' }).click();
    await expect(m.orgAlert).toHaveText('Role granted.');
    await expect(m.row(org)).toHaveCount(1);
    await expect(m.row(org).locator('td').nth(1)).toHaveText('Organisation');
    await expect(m.row(org).locator('td').nth(2)).toHaveText('Editor');

    // A member of that organisation now edits a section of the plan.
    const mp = member.page;
    await mp.goto(`/plans/${planId}`);
    await expect(mp.getByRole('heading', { level: 1 })).toHaveText(planTitle);
    await expect(mp.locator('p', { hasText: 'Your role: Editor' })).toHaveCount(1);
    const sectionPath = await openSection(mp, planId, 'Context and risk assessment');
    await startEditing(mp);
    const sectionId = sectionPath.split('/').pop()!;
    const e = editor(mp);
    await expect(e.body).toBeVisible();
    const saved = `Women's groups report rising hate speech in the northern provinces (civil ${stamp}).`;
    await typeInEditor(mp, saved, `civil ${stamp}`);
    await e.save.click();
    await expect(e.alert).toHaveText('Saved as version 2.');
    await expect(e.state).toHaveText('All changes saved');

    // The lead demotes the organisation to viewer.
    await lp.goto(`/plans/${planId}/members`);
    await settle(lp);
    await m.row(org).getByLabel(`New role for ${org}`).selectOption('viewer');
    await m.row(org).getByRole('button', { name: 'Change', exact: true }).click();
    await expect(m.listAlert).toHaveText('Role changed.');
    await expect(m.row(org).locator('td').nth(2)).toHaveText('Viewer');

    // The member reloads the section: the text is there, the editor is not.
    await mp.reload();
    await expect(mp.getByRole('heading', { level: 1 })).toHaveText('Context and risk assessment');
    await settle(mp);
    await expect(mp.locator('article.prose')).toContainText(saved);
    await expect(mp.locator('textarea#section-body')).toHaveCount(0);
    await expect(mp.locator('form.editor')).toHaveCount(0);
    await expect(mp.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
    await expect(mp.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);

    // A save posted directly, with the member's own session, is refused.
    const response = await mp.request.post('/api/save_section', {
      form: { plan_id: String(planId), section_id: sectionId, base_version: '2', body: 'sneaky' },
    });
    const answer = await response.text();
    expect(response.status(), `direct save answered: ${answer}`).toBe(403);
    expect(answer).not.toContain('Cross-site');
    await mp.reload();
    await expect(mp.locator('article.prose')).toContainText(saved);
    await expect(mp.locator('article.prose')).not.toContainText('sneaky');
    await expect(mp.locator('p.last-change')).toContainText('version 2');

    // The plan overview now tells the member they are a viewer.
    await mp.goto(`/plans/${planId}`);
    await expect(mp.locator('p', { hasText: 'Your role: Viewer' })).toHaveCount(1);

    // The lead cannot revoke the plan's only lead.
    await lp.goto(`/plans/${planId}/members`);
    await settle(lp);
    // Revoking asks first, saying what it does.
    await m.row(JUSTICE.name).getByText('Revoke', { exact: true }).click();
    await expect(m.row(JUSTICE.name).locator('.confirm-step')).toContainText('a lead can grant a role again');
    await m.row(JUSTICE.name).getByRole('button', { name: 'Yes, revoke' }).click();
    await expect(m.listAlert).toContainText('must keep at least one lead');
    await expect(m.row(JUSTICE.name)).toHaveCount(1);
    await expect(m.row(JUSTICE.name).locator('td').nth(2)).toHaveText('Lead');
    await lp.reload();
    await expect(m.row(JUSTICE.name).locator('td').nth(2)).toHaveText('Lead');

    expect(problems, 'errors in the browsers').toEqual([]);
  } finally {
    await lead.context.close();
    await member.context.close();
  }
});
