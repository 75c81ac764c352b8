import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn, hydrated, collectErrors, acceptConfirmations } from './helpers';

type Listing = { id: number; name: string; email: string; groups: string[] };

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** The roster links on a teacher's home: group id by group name. */
async function rosterLinks(page: Page): Promise<Map<string, string>> {
  const links = page.getByRole('link', { name: /^Open the roster of / });
  // The home streams its tiles after the URL changes: wait for them before reading.
  await links.first().waitFor();
  const found = new Map<string, string>();
  for (const link of await links.all()) {
    const name = ((await link.textContent()) ?? '').replace('Open the roster of ', '').trim();
    found.set(name, (await link.getAttribute('href')) ?? '');
  }
  return found;
}

test('a teacher marks with the keyboard and the parent sees the new level without a reload', async ({ browser }) => {
  const teacher = await signedIn(browser, 'teacher@demo.cairn');
  const errors = collectErrors(teacher);
  const learners: Listing[] = await (await teacher.request.get('/api/v1/learners')).json();
  const child = learners.find((l) => l.email === 'learner@demo.cairn')!;

  const parent = await signedIn(browser, 'parent@demo.cairn');
  await parent.goto(`/learners/${child.id}`);
  await hydrated(parent);
  await parent.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const item = parent.locator('li.competency', { hasText: 'Reading, viewing and listening' });
  // The parent's choices survive the live update.
  const framework = parent.getByRole('region', { name: 'Compared with the cohort' }).getByLabel('Framework');
  await framework.selectOption({ label: 'Riverbend Values' });
  await expect(parent.locator('.radar-svg')).toContainText('Respect');

  await teacher.getByRole('link', { name: `Open the roster of ${child.groups[0]}` }).click();
  await expect(teacher).toHaveURL(/\/groups\/\d+\/roster$/);
  await hydrated(teacher);
  const row = teacher.getByRole('row', { name: new RegExp(child.name) });
  const cell = row.getByRole('gridcell').first();
  const before = parseFloat((await cell.textContent()) ?? '0') || 0;
  await cell.click();
  await teacher.keyboard.press('ArrowRight');
  await teacher.keyboard.press('ArrowLeft');
  await expect(cell).toBeFocused();
  const digit = before >= 2.5 ? '1' : '4';
  await teacher.keyboard.press(digit);
  await expect(cell).toHaveText(`→ ${digit}`);
  await teacher.keyboard.press('Enter');
  await expect(teacher.getByRole('status')).toHaveText(
    `Saved ${digit} for ${child.name} on Reading, viewing and listening.`,
  );
  const after = ((await cell.textContent()) ?? '').trim();
  expect(after).not.toBe(before.toFixed(1));
  await expect(cell).toHaveAttribute('title', /^Marked \d by /);

  await expect(item).toContainText(`${after} of 4`, { timeout: 2000 });
  await expect(framework.locator('option:checked')).toHaveText('Riverbend Values');
  expect(await parent.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  expect(errors).toEqual([]);
});

test('two teachers of one group see each other\'s marks appear on the roster', async ({ browser }) => {
  const first = await signedIn(browser, 'teacher@demo.cairn');
  const second = await signedIn(browser, 'coteacher@demo.cairn');
  const mine = await rosterLinks(first);
  const theirs = await rosterLinks(second);
  const shared = [...mine.keys()].find((name) => theirs.has(name))!;
  expect(shared).toBeTruthy();
  await first.goto(mine.get(shared)!);
  await second.goto(theirs.get(shared)!);
  await hydrated(first);
  await hydrated(second);

  // The first teacher marks with the mouse: a cell, a level, Save.
  const target = first.getByRole('gridcell').nth(5);
  await target.click();
  await first.getByRole('button', { name: '3 Proficient' }).click();
  await first.getByLabel('Comment (optional)').fill('Explained the method to the class.');
  await first.getByRole('button', { name: 'Save mark' }).click();
  await expect(first.getByRole('status')).toHaveText(/^Saved 3 for /);
  // Focus goes back to the cell just marked, to go on from there with the keyboard.
  await expect(target).toBeFocused();
  const value = ((await target.textContent()) ?? '').trim();

  // The co-teacher's grid shows it, highlighted a moment, and says so politely.
  const seen = second.getByRole('gridcell').nth(5);
  await expect(seen).toHaveText(value, { timeout: 2000 });
  const teacherName = await first.evaluate(async () => (await (await fetch('/api/v1/me')).json()).name);
  await expect(seen).toHaveAttribute('title', new RegExp(`^Marked 3 by ${teacherName} on `));
  await expect(seen).toHaveClass(/\bfresh\b/);
  await expect(second.getByRole('status')).toHaveText(new RegExp(`^${teacherName} marked 3 for .+ on .+\\.$`));
  await seen.focus();
  await expect(second.locator('.mark-panel')).toContainText(`Marked 3 by ${teacherName}`);
  // "c" opens the comment for the focused cell.
  await second.keyboard.press('c');
  await expect(second.getByLabel(/^Comment/)).toBeFocused();
  // Column headers name the competency, not only its code.
  await expect(second.locator('table.roster thead th .column-name').first()).not.toBeEmpty();
});

test('the roster has no serious accessibility violations, and a parent cannot open it', async ({ browser }) => {
  // axe over a 30 × 20 grid in a debug build takes 30 s on two idle cores; more when they are busy.
  test.setTimeout(120_000);
  const teacher = await signedIn(browser, 'teacher@demo.cairn');
  await teacher.getByRole('link', { name: /^Open the roster of / }).first().click();
  await hydrated(teacher);
  // The roster arrives by client-side navigation: wait for it (and its title) to be there.
  await expect(teacher.getByRole('grid')).toBeVisible();
  await expect(teacher).toHaveTitle(/^Roster — /);
  const results = await new AxeBuilder({ page: teacher })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
  // Voice control: each cell's accessible name holds what it shows, so "click 2.5" finds it
  // (axe runs this rule only when asked).
  const spoken = await new AxeBuilder({ page: teacher }).withRules(['label-content-name-mismatch']).analyze();
  expect(spoken.violations.map((v) => `${v.id}: ${v.nodes.length} cells, e.g. ${v.nodes[0]?.html}`)).toEqual([]);

  const path = new URL(teacher.url()).pathname;
  const parent = await signedIn(browser, 'parent@demo.cairn');
  await parent.goto(path);
  await expect(parent.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
  await expect(parent.getByRole('grid')).toHaveCount(0);
});

test('an admin creates an integration token shown once, maps a line item, and a pushed score lands', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin@demo.cairn');
  const errors = collectErrors(admin);
  await admin.getByRole('link', { name: /^Integrations/ }).click();
  await expect(admin).toHaveURL(/\/admin\/integrations$/);
  await hydrated(admin);
  const name = `LMS ${Date.now()}`;
  await admin.getByLabel('New token for').fill(name);
  await admin.getByRole('button', { name: 'Create token' }).click();
  const token = ((await admin.locator('code.token').textContent()) ?? '').trim();
  expect(token).toMatch(/^cairn_[0-9a-f]{48}$/);
  await expect(admin.getByRole('row', { name: new RegExp(name) })).toContainText('Live');

  const item = `quiz-${Date.now()}`;
  await admin.getByLabel('Line item id (as the platform sends it)').fill(item);
  await admin.getByLabel('Title').fill('Algebra quiz');
  await admin.getByLabel('Competency').selectOption({ label: 'MA4-ALG-C-01 Algebraic techniques' });
  await admin.getByRole('button', { name: 'Map line item' }).click();
  await expect(admin.getByRole('row', { name: new RegExp(item) })).toContainText('Algebraic techniques');

  const pushed = await admin.request.post('/api/v1/scores', {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      sourcedId: `${item}-learner`, userId: 'learner@demo.cairn', lineItem: item,
      scoreGiven: 9, scoreMaximum: 10, activityProgress: 'Completed', gradingProgress: 'FullyGraded',
      timestamp: '2026-11-24T08:00:00Z',
    },
  });
  expect(pushed.status()).toBe(201);
  expect((await pushed.json()).mark).toBe(3);

  const asked = acceptConfirmations(admin);
  await admin.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(admin.getByRole('row', { name: new RegExp(name) })).toContainText('Revoked');
  expect(asked).toEqual([
    `Revoke the token ${name}? The platform using it can no longer push scores; this cannot be undone.`,
  ]);
  const refused = await admin.request.post('/api/v1/scores', {
    headers: { Authorization: `Bearer ${token}` },
    data: { sourcedId: `${item}-2` },
  });
  expect(refused.status()).toBe(401);
  expect(errors).toEqual([]);

  const teacher = await signedIn(browser, 'teacher@demo.cairn');
  const response = await teacher.goto('/admin/integrations');
  expect(response?.status()).toBe(403);
  await expect(teacher.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
});
