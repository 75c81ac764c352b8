import { test, expect, type Page } from '@playwright/test';
import { hydrated, signIn } from './helpers';

/** How far the page scrolls sideways: nothing, on a page that fits the phone. */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** What sticks out past the right edge, for a message that says where to look. */
async function widest(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *')]
      .filter((element) => element.getBoundingClientRect().right > width + 1)
      .filter((element) => !element.closest('.roster-scroll, .table-scroll, .radar-svg'))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className} → ${Math.round(element.getBoundingClientRect().right)} px`);
  });
}

test.use({ viewport: { width: 390, height: 844 } });

test('the main pages fit a 390 px phone with no sideways scrolling', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, 'learner@demo.cairn');
  const me = await (await page.request.get('/api/v1/me')).json();
  const pages = ['/', `/learners/${me.id}`, '/backpack', `/learners/${me.id}/goals`, '/checkins'];
  for (const path of pages) {
    await page.goto(path);
    await hydrated(page);
    expect(await overflow(page), `${path}: ${(await widest(page)).join('; ')}`).toBeLessThanOrEqual(0);
  }
  // On the dashboard the badges come before the long list, and the cohort comparison is readable.
  await page.goto(`/learners/${me.id}`);
  await hydrated(page);
  const badges = await page.locator('ul.badges').boundingBox();
  const list = await page.locator('ul.competencies').boundingBox();
  expect(badges!.y).toBeLessThan(list!.y);
  const smallest = await page.evaluate(() =>
    Math.min(...[...document.querySelectorAll('.radar-svg text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * ((t as SVGGraphicsElement).getScreenCTM()?.a ?? 1))),
  );
  const table = page.locator('.cohort table');
  if (!(await table.isVisible())) expect(smallest).toBeGreaterThanOrEqual(11);

  const teacher = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  await teacher.getByRole('link', { name: /^Open the roster of / }).first().click();
  await hydrated(teacher);
  await expect(teacher.getByRole('grid')).toBeVisible();
  expect(await overflow(teacher), (await widest(teacher)).join('; ')).toBeLessThanOrEqual(0);

  const admin = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signIn(admin, 'admin@demo.cairn');
  for (const path of ['/', '/admin/people', '/admin/frameworks', '/admin/settings']) {
    await admin.goto(path);
    await hydrated(admin);
    expect(await overflow(admin), `${path}: ${(await widest(admin)).join('; ')}`).toBeLessThanOrEqual(0);
  }
});
