import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn, hydrated, collectErrors } from './helpers';

test('the category filter works once the page has hydrated', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'learner@demo.cairn');
  const progress = page.getByRole('region', { name: 'My progress' });
  const items = progress.locator('li.competency');
  await hydrated(page);
  // The home leads with the summary; the full list is one click away.
  await expect(progress.locator('.summary-figures')).toContainText('Mastered');
  await expect(items.first()).toBeHidden();
  await progress.getByText(/^All \d+ competencies$/).click();
  await expect(items.first()).toBeVisible();
  const all = await items.count();
  expect(all).toBeGreaterThan(10);

  const filter = progress.getByRole('button', { name: 'Cross-curriculum' });
  await filter.click();
  await expect(filter).toHaveAttribute('aria-pressed', 'true');
  await expect(items.first()).toHaveAttribute('data-category', 'cross_curriculum');
  const shown = await items.count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(all);
  const categories = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-category')));
  expect(new Set(categories)).toEqual(new Set(['cross_curriculum']));

  await progress.getByRole('button', { name: 'All' }).click();
  await expect(items).toHaveCount(all);
  expect(errors).toEqual([]);
});

test('a parent home leads with a summary card per child, short enough to take in, on a desktop and a phone', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'parent@demo.cairn');
  await hydrated(page);
  const me = await (await page.request.get('/api/v1/me')).json();
  expect(me.linked_learners).toHaveLength(2);
  for (const child of me.linked_learners) {
    const card = page.getByRole('region', { name: child.name });
    await expect(card).toBeVisible();
    await expect(card.locator('.summary-figures')).toContainText(/Mastered\s*\d+ of \d+/);
    await expect(card.locator('.summary-figures')).toContainText(/since last week/);
    await expect(card.locator('.summary-figures')).toContainText(/\d+ marks? · \d+ comments? · \d+ badges? earned/);
    await expect(card.getByRole('heading', { name: 'Badges in progress' })).toBeVisible();
    await expect(card.getByRole('heading', { name: 'Latest feedback' })).toBeVisible();
    await expect(card.getByRole('link', { name: `Open ${child.name}'s dashboard` })).toBeVisible();
    // The long list is folded away.
    await expect(card.locator('li.competency').first()).toBeHidden();
  }
  await expect(page.getByRole('region', { name: 'My progress' })).toHaveCount(0);
  // Jump links reach the second child at once.
  const second = me.linked_learners[1];
  await page.getByRole('navigation', { name: 'Your children' }).getByRole('link', { name: second.name }).click();
  await expect(page).toHaveURL(new RegExp(`#learner-${second.id}$`));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeLessThan(2600);
  // On a phone: no sideways scrolling, and still far shorter than the old lists.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(5200);
  expect(errors).toEqual([]);
});

test('the admin sees institution figures and no learner tiles', async ({ page }) => {
  await signIn(page, 'admin@demo.cairn');
  const institution = page.getByRole('region', { name: 'Institution' });
  await expect(institution).toContainText('Learners');
  await expect(institution).toContainText('150');
  await expect(page.locator('li.competency')).toHaveCount(0);
});

for (const [name, email] of [
  ['sign-in page', null],
  ['learner home', 'learner@demo.cairn'],
  ['teacher home', 'teacher@demo.cairn'],
  ['manager home', 'manager@demo.cairn'],
  ['admin home', 'admin@demo.cairn'],
] as const) {
  test(`the ${name} has no serious accessibility violations`, async ({ page }) => {
    if (email) {
      await signIn(page, email);
      await hydrated(page);
    } else {
      await page.goto('/login');
    }
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious).toEqual([]);
  });
}

test('the admin browses every learner, filters as they type and opens a dashboard', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'admin@demo.cairn');
  await page.getByRole('link', { name: 'Browse every learner' }).click();
  await expect(page).toHaveURL(/\/learners$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learners');
  const rows = page.locator('table.learners tbody tr');
  await expect(rows).toHaveCount(150);
  await hydrated(page);
  const everyone = await (await page.request.get('/api/v1/learners')).json();
  const someone = everyone[17];
  await page.getByLabel('Find a learner').fill(someone.email);
  await expect(rows).toHaveCount(1);
  await expect(page.getByText('1 of 150 learners')).toBeVisible();
  await rows.first().getByRole('link', { name: someone.name }).click();
  await expect(page).toHaveURL(new RegExp(`/learners/${someone.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(someone.name);
  expect(errors).toEqual([]);
});
