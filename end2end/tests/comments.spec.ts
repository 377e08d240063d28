import { expect, type Locator, type Page } from '@playwright/test';
import { test } from './helpers';
import { CIVIL, COMMITTEE, DEMO_PLAN, loggedInContext, openSection, settle, watchForErrors } from './helpers';

/** Selects `phrase` inside the rendered section text, as a reader dragging the mouse would. */
async function selectInText(page: Page, phrase: string): Promise<void> {
  const text = page.locator('article.prose.annotated');
  await expect(text).toContainText(phrase);
  await text.evaluate((el, wanted) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node.textContent ?? '').indexOf(wanted);
      if (at >= 0) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + wanted.length);
        const selection = window.getSelection()!;
        selection.removeAllRanges();
        selection.addRange(range);
        el.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
        return;
      }
    }
    throw new Error(`"${wanted}" is not in one text node of the section`);
  }, phrase);
}

function threadWith(page: Page, text: string): Locator {
  return page.locator('article.thread').filter({ hasText: text });
}

test('a reader comments on selected text, another replies, and the first sees the reply in the inbox and resolves the thread', async ({
  browser,
}) => {
  const stamp = Date.now();
  const phrase = 'drives the risk of mass violence';
  const question = `Which data shows this for the northern provinces? (${stamp})`;
  const answer = `The 2025 household survey, table 4 (${stamp}).`;

  const first = await loggedInContext(browser, COMMITTEE);
  const second = await loggedInContext(browser, CIVIL);
  const problems = [...watchForErrors(first.page), ...watchForErrors(second.page)];
  try {
    // The reviewer selects a passage and comments on it.
    const fp = first.page;
    const sectionPath = await openSection(fp, DEMO_PLAN.id, 'PSG 4');
    await selectInText(fp, phrase);
    await fp.getByRole('button', { name: 'Comment on selection' }).click();
    await expect(fp.locator('#new-thread-quote')).toHaveValue(phrase);
    await expect(fp.locator('#new-thread-body')).toBeFocused();
    await fp.locator('#new-thread-body').fill(question);
    await fp.locator('#new-thread').getByRole('button', { name: 'Comment', exact: true }).click();
    const mine = threadWith(fp, question);
    await expect(mine).toBeVisible();
    // The focus goes to the new thread, where a screen reader reads it out.
    await expect(mine).toBeFocused();
    await expect(mine.locator('blockquote.quote')).toHaveText(phrase);
    await expect(fp.locator('article.prose.annotated mark.passage')).toHaveText(phrase);
    await expect(fp.locator('#new-thread-quote')).toHaveValue('');
    const threadId = await mine.getAttribute('data-thread');
    expect(threadId).toMatch(/^\d+$/);

    // Someone else opens the section, sees the highlighted passage and the thread, and replies.
    const badge = fp.locator('.inbox-link .unread-count');
    const unreadBefore = (await badge.count()) ? Number((await badge.textContent())?.match(/\d+/)?.[0] ?? '0') : 0;
    const sp = second.page;
    await sp.goto(sectionPath);
    await settle(sp);
    await expect(sp.locator(`mark.passage[data-thread="${threadId}"]`)).toHaveText(phrase);
    const theirs = threadWith(sp, question);
    await theirs.locator(`#reply-${threadId}`).fill(answer);
    await theirs.getByRole('button', { name: 'Reply', exact: true }).click();
    await expect(threadWith(sp, question).locator('.comment')).toHaveCount(2);
    await expect(threadWith(sp, question)).toContainText(answer);
    await expect(threadWith(sp, question).locator('.comment').last()).toBeFocused();

    // The first page shows the reply without a reload (it polls while visible).
    await expect(threadWith(fp, question)).toContainText(answer, { timeout: 20_000 });
    // ...and the navigation's unread count follows without a navigation (asked every 30 s).
    await expect(fp.locator('.inbox-link .unread-count')).toContainText(String(unreadBefore + 1), { timeout: 40_000 });

    // The inbox counts it and links straight to the thread.
    await fp.goto('/inbox');
    await settle(fp);
    await expect(fp.locator('.inbox-link .unread-count')).toBeVisible();
    const item = fp.locator('li.inbox-item').filter({ hasText: answer });
    await expect(item).toContainText(`${CIVIL.name} replied in a thread you are in`);
    await expect(item).toHaveClass(/unread/);
    const link = item.getByRole('link');
    await expect(link).toHaveAttribute('href', `${sectionPath}#thread-${threadId}`);
    await item.getByRole('button', { name: 'Mark read' }).click();
    await expect(fp.locator('li.inbox-item').filter({ hasText: answer })).not.toHaveClass(/unread/);
    await fp.locator('li.inbox-item').filter({ hasText: answer }).getByRole('link').click();
    await expect(fp).toHaveURL(new RegExp(`${sectionPath}#thread-${threadId}$`));
    await settle(fp);

    // The first person resolves the thread: it folds away with who resolved it.
    const thread = fp.locator(`#thread-${threadId}`);
    await expect(thread).toContainText(answer);
    await thread.getByRole('button', { name: 'Resolve' }).click();
    const folded = fp.locator('details.resolved-threads');
    await expect(folded.locator(`#thread-${threadId}`)).toBeAttached();
    await expect(folded.locator(`#thread-${threadId}`)).toBeHidden();
    await folded.locator(':scope > summary').click();
    await expect(folded.locator(`#thread-${threadId}`)).toContainText(`Resolved by ${COMMITTEE.name}`);
    await expect(fp.locator(`mark.passage[data-thread="${threadId}"]`)).toHaveCount(0);
    expect(problems).toEqual([]);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});

test('comment on selection has a keyboard route: select in the focusable text, then Ctrl+Alt+M', async ({ browser }) => {
  const phrase = 'drives the risk of mass violence';
  const { context, page } = await loggedInContext(browser, COMMITTEE);
  const problems = watchForErrors(page);
  try {
    await openSection(page, DEMO_PLAN.id, 'PSG 4');
    const text = page.locator('article.prose.annotated');
    await expect(page.getByText('With the keyboard: select text in the section, then press')).toBeVisible();
    await text.focus();
    await expect(text).toBeFocused();
    // A keyboard selection (caret browsing) ends as a selection inside the text: make one.
    await text.evaluate((el, wanted) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = (node.textContent ?? '').indexOf(wanted);
        if (at >= 0) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + wanted.length);
          window.getSelection()!.removeAllRanges();
          window.getSelection()!.addRange(range);
          return;
        }
      }
    }, phrase);
    await page.keyboard.press('Control+Alt+M');
    await expect(page.locator('#new-thread-quote')).toHaveValue(phrase);
    await expect(page.locator('#new-thread-body')).toBeFocused();
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
