import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn, hydrated, collectErrors } from './helpers';

test('a learner opens their dashboard and sees levels and badges', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'learner@demo.cairn');
  await page.getByRole('link', { name: 'Open my dashboard' }).click();
  await expect(page).toHaveURL(/\/learners\/\d+$/);
  const me = await (await page.request.get('/api/v1/me')).json();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(me.name);
  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(progress.locator('li.competency').first()).toBeVisible();
  await expect(progress.locator('.level').first()).toContainText(/Beginning|Developing|Proficient|Extending|No evidence yet/);
  const badges = page.getByRole('region', { name: 'Badges' });
  await expect(badges.locator('li.badge')).toHaveCount(7);
  await expect(badges).toContainText(/earned · \d+ in progress/);
  await hydrated(page);
  expect(errors).toEqual([]);
});

test('a competency page explains the level with its evidence', async ({ page }) => {
  await signIn(page, 'learner@demo.cairn');
  await page.getByRole('link', { name: 'Open my dashboard' }).click();
  const first = page.getByRole('region', { name: 'Progress' }).locator('a.competency-name').first();
  const name = (await first.textContent())?.trim() ?? '';
  await first.click();
  await expect(page).toHaveURL(/\/learners\/\d+\/competencies\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name.replace(/^\S+\s+/, ''));
  await expect(page.getByText('How it is worked out:')).toBeVisible();
  const rows = page.locator('table.evidence tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
  await expect(rows.filter({ hasText: 'Yes' }).first()).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  expect(serious).toEqual([]);
});

test('a parent sees their child, and "not allowed" for another learner', async ({ page }) => {
  await signIn(page, 'parent@demo.cairn');
  const me = await (await page.request.get('/api/v1/me')).json();
  const child = me.linked_learners[0];
  await page.getByRole('link', { name: `Open ${child.name}'s dashboard` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(child.name);

  const everyone = await (await page.request.get('/api/v1/learners')).json();
  const mine = new Set(everyone.map((l: { id: number }) => l.id));
  let stranger = 1;
  while (mine.has(stranger)) stranger++;
  const response = await page.goto(`/learners/${stranger}`);
  expect([403, 404]).toContain(response?.status());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Not allowed|Not found/);
});

test('the dashboard has no serious accessibility violations', async ({ page }) => {
  await signIn(page, 'learner@demo.cairn');
  await page.getByRole('link', { name: 'Open my dashboard' }).click();
  await hydrated(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
});

test('the cohort radar chart renders and switching framework redraws it without a reload', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'learner@demo.cairn');
  await page.getByRole('link', { name: 'Open my dashboard' }).click();
  const tile = page.getByRole('region', { name: 'Compared with the cohort' });
  const chart = tile.locator('.radar-svg');
  await expect(chart.locator('svg')).toBeVisible();
  await expect(chart).toContainText('Algebraic techniques');
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  await tile.getByLabel('Framework').selectOption({ label: 'Riverbend Values' });
  await expect(chart).toContainText('Respect');
  await page.screenshot({ path: 'test-results/cohort-chart.png', fullPage: true });
  await expect(chart).not.toContainText('Algebraic techniques');
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await tile.getByText('Show as table').click();
  await expect(tile.getByRole('row', { name: /Respect/ })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a badge opens its category page: the evidence record and the timeline of its levels', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'learner@demo.cairn');
  await page.getByRole('link', { name: 'Open my dashboard' }).click();
  await page.getByRole('region', { name: 'Badges' }).getByRole('link', { name: 'Stage 4 English' }).click();
  await expect(page).toHaveURL(/\/learners\/\d+\/categories\/curriculum#achievement-\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Curriculum');
  const record = page.getByRole('article', { name: /Stage 4 English/ });
  await expect(record).toHaveAttribute('data-state', /provisional|earned/);
  // The link lands on that badge's record, not the top of the page.
  await expect(record.getByRole('heading', { name: /Stage 4 English/ })).toBeInViewport();
  // Each required competency with where it stands, and when its level changed and why.
  await expect(record.locator('table.criteria tbody tr')).toHaveCount(3);
  await expect(record.locator('table.criteria')).toContainText('Reading, viewing and listening');
  const changes = record.locator('ol.timeline li.change');
  expect(await changes.count()).toBeGreaterThan(0);
  await expect(changes.first()).toContainText(/→/);
  await expect(changes.first()).toContainText(/after a (mark|correction)/);
  await changes.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/competencies\/\d+$/);
  await expect(page.getByText('How it is worked out:')).toBeVisible();
  await page.goBack();
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  expect(serious).toEqual([]);
  expect(errors).toEqual([]);
});
