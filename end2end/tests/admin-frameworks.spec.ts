import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { collectErrors, hydrated, signIn, acceptConfirmations } from './helpers';

/** Opens a framework's page from the frameworks list, hydrated. */
async function openFramework(page: Page, name: string) {
  await page.goto('/admin/frameworks');
  await hydrated(page);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/frameworks\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await hydrated(page);
}

/** Chooses a framework's method on its page, saves, and waits for the recompute to finish. */
async function changeMethod(page: Page, method: string) {
  const fields = page.getByRole('region', { name: 'Framework' });
  const progress = page.locator('#recompute-progress');
  // The page may show the framework's previous recompute: wait for a new one.
  const previous = (await progress.count()) ? await progress.getAttribute('data-recompute') : null;
  await fields.getByLabel('Mastery method').selectOption({ label: method });
  await fields.getByLabel(/^Weight in %/).fill('');
  await fields.getByRole('button', { name: 'Save the framework' }).click();
  await expect(progress).not.toHaveAttribute('data-recompute', previous ?? 'none');
  await expect(progress).toHaveAttribute('data-finished', 'true', { timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Recomputing levels' })).toContainText(/done\. \d+ learners recomputed, \d+ levels changed/);
}

test('an admin changes a mastery method: levels are recomputed with progress and an open dashboard follows', async ({ page, browser }) => {
  const errors = collectErrors(page);
  const learner = await (await browser.newContext()).newPage();
  await signIn(learner, 'learner@demo.cairn');
  // Straight to the dashboard (another admin test rearranges the learner's home tiles).
  const me = await (await learner.request.get('/api/v1/me')).json();
  await learner.goto(`/learners/${me.id}`);
  await hydrated(learner);
  const levels = learner.getByRole('region', { name: 'Progress' }).locator('.level');
  await expect(levels.first()).toBeVisible();
  const before = await levels.allTextContents();

  await signIn(page, 'admin@demo.cairn');
  await page.getByRole('link', { name: /^Frameworks:/ }).click();
  await expect(page).toHaveURL(/\/admin\/frameworks$/);
  const list = page.locator('table.framework-list');
  await expect(list.getByRole('row', { name: /Riverbend Values/ })).toContainText('Most recent score');
  await openFramework(page, 'Riverbend Values');

  // A parameter the method does not take is refused, and nothing changes.
  const fields = page.getByRole('region', { name: 'Framework' });
  await fields.getByLabel('Mastery method').selectOption({ label: 'Highest score' });
  await fields.getByLabel(/^Weight in %/).fill('3');
  await fields.getByRole('button', { name: 'Save the framework' }).click();
  await expect(fields.getByRole('alert')).toContainText('highest takes no parameter');
  await expect(page.locator('#recompute-progress')).toHaveCount(0);

  await changeMethod(page, 'Average of all scores');
  await expect(page.locator('.framework-method')).toContainText('Mastery method: Average of all scores');
  // The learner's open dashboard moves to the recomputed levels without a reload.
  await expect.poll(() => levels.allTextContents(), { timeout: 15_000 }).not.toEqual(before);

  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // The change is in the audit log.
  await page.goto('/admin/audit');
  await expect(page.locator('table.audit-log')).toContainText('Most recent score → Average of all scores');

  // Put the school back as it was: the learner's levels come back too.
  await openFramework(page, 'Riverbend Values');
  await changeMethod(page, 'Most recent score');
  await expect.poll(() => levels.allTextContents(), { timeout: 15_000 }).toEqual(before);
  // The refused save answered 422, which the browser reports; nothing else went wrong.
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

test('an admin adds a tag, a framework, an area and a competency with its skill descriptor fields', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/frameworks');
  await hydrated(page);

  const tags = page.getByRole('region', { name: 'Skill and value tags' });
  await tags.getByLabel('New tag').fill('Curiosity');
  await tags.getByLabel('Kind', { exact: true }).selectOption('value');
  await tags.getByRole('button', { name: 'Add the tag' }).click();
  await expect(tags.getByLabel('Name of the tag Curiosity')).toHaveValue('Curiosity');
  await expect(tags.getByLabel('Kind of the tag Curiosity')).toHaveValue('value');

  const create = page.getByRole('region', { name: 'New framework' });
  await create.getByLabel('Name').fill('Digital Literacy');
  await create.getByLabel('Mastery method').selectOption({ label: 'Weighted average' });
  await create.getByLabel(/^Weight in %/).fill('70');
  await create.getByRole('button', { name: 'Create the framework' }).click();
  await expect(page.locator('table.framework-list').getByRole('row', { name: /Digital Literacy/ })).toContainText('Weighted average (70 % on the most recent)');

  await openFramework(page, 'Digital Literacy');
  const areas = page.getByRole('region', { name: 'Areas' });
  await areas.getByLabel('Code', { exact: true }).fill('DL1');
  await areas.getByLabel('Name', { exact: true }).fill('Finding information');
  await areas.getByRole('button', { name: 'Add the area' }).click();
  await expect(areas.getByLabel('Code of the area DL1 Finding information')).toHaveValue('DL1');

  const add = page.getByRole('region', { name: 'New competency' });
  await add.getByLabel('Code', { exact: true }).fill('DL1.1');
  await add.getByLabel('Name', { exact: true }).fill('Judges sources');
  await add.getByLabel('Skill statement').fill('Judges whether a source can be trusted for a question.');
  await add.getByLabel('Keywords (comma-separated)').fill('sources, trust');
  await add.getByLabel('Area').selectOption({ label: 'DL1 Finding information' });
  await add.getByLabel('Tags (comma-separated)').fill('Wonder');
  await add.getByRole('button', { name: 'Add the competency' }).click();
  await expect(add.getByRole('alert')).toContainText('there is no tag Wonder');
  await add.getByLabel('Tags (comma-separated)').fill('Curiosity');
  await add.getByLabel(/^Alignments/).fill('Information literacy | https://example.org/il | ACRL | IL2');
  await add.getByRole('button', { name: 'Add the competency' }).click();

  const saved = page.locator('details.competency-editor', { hasText: 'DL1.1 Judges sources' });
  await expect(saved).toContainText('Weighted average (70 % on the most recent)');
  await saved.locator('summary').click();
  await expect(saved.getByLabel('Tags (comma-separated)')).toHaveValue('Curiosity');
  await expect(saved.getByLabel(/^Alignments/)).toHaveValue('Information literacy | https://example.org/il | ACRL | IL2');
  await expect(saved.getByLabel('Area')).toHaveValue(/\d+/);
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

test('an admin renames and deletes categories, tags and areas, and what is still in use is kept', async ({ page }) => {
  const errors = collectErrors(page);
  const asked = acceptConfirmations(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/frameworks');
  await hydrated(page);

  // A category: added, renamed, deleted. One still in use is refused and stays.
  const categories = page.getByRole('region', { name: 'Categories' });
  await categories.getByLabel('New category').fill('Enrichment');
  await categories.getByRole('button', { name: 'Add the category' }).click();
  const name = categories.getByLabel('Name of the category Enrichment');
  await expect(name).toHaveValue('Enrichment');
  await name.fill('Extension');
  await categories.getByRole('button', { name: 'Rename the category Enrichment' }).click();
  await expect(categories.getByLabel('Name of the category Extension')).toHaveValue('Extension');
  await categories.getByRole('button', { name: 'Delete the category Extension' }).click();
  await expect(categories.getByLabel('Name of the category Extension')).toHaveCount(0);
  expect(asked.at(-1)).toBe('Delete the category Extension? This cannot be undone.');
  await categories.getByRole('button', { name: 'Delete the category Curriculum', exact: true }).click();
  await expect(categories.getByRole('alert')).toContainText('Curriculum is still the category of');
  await expect(categories.getByLabel('Name of the category Curriculum', { exact: true })).toHaveValue('Curriculum');

  // A tag: renamed with a new kind, then deleted.
  const tags = page.getByRole('region', { name: 'Skill and value tags' });
  await tags.getByLabel('New tag').fill('Patience');
  await tags.getByRole('button', { name: 'Add the tag' }).click();
  await tags.getByLabel('Name of the tag Patience').fill('Perseverance');
  await tags.getByLabel('Kind of the tag Patience').selectOption('value');
  await tags.getByRole('button', { name: 'Save the tag Patience' }).click();
  await expect(tags.getByLabel('Kind of the tag Perseverance')).toHaveValue('value');
  await expect(tags.getByRole('button', { name: 'Delete the tag Perseverance' })).toHaveText('Delete');
  await tags.getByRole('button', { name: 'Delete the tag Perseverance' }).click();
  await expect(tags.getByLabel('Name of the tag Perseverance')).toHaveCount(0);

  // An area: renamed, then deleted once empty; one that holds competencies stays.
  await openFramework(page, 'Riverbend Values');
  const areas = page.getByRole('region', { name: 'Areas' });
  const inUse = areas.locator('li.named-item').first();
  const inUseCode = await inUse.locator('input[name="code"]').inputValue();
  await areas.getByLabel('Code', { exact: true }).fill('TMP');
  await areas.getByLabel('Name', { exact: true }).fill('Temporary');
  await areas.getByRole('button', { name: 'Add the area' }).click();
  await areas.getByLabel('Code of the area TMP Temporary').fill('TMP2');
  await areas.getByLabel('Name of the area TMP Temporary').fill('Short-lived');
  await areas.getByRole('button', { name: 'Rename the area TMP Temporary' }).click();
  await expect(areas.getByLabel('Name of the area TMP2 Short-lived')).toHaveValue('Short-lived');
  await areas.getByRole('button', { name: 'Delete the area TMP2 Short-lived' }).click();
  await expect(areas.getByLabel('Name of the area TMP2 Short-lived')).toHaveCount(0);
  await inUse.getByRole('button', { name: /^Delete the area/ }).click();
  await expect(areas.getByRole('alert')).toContainText('move them to another area first');
  await expect(areas.locator('li.named-item').first().locator('input[name="code"]')).toHaveValue(inUseCode);

  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  // The refusals answered 422, which the browser reports; nothing else went wrong.
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});
