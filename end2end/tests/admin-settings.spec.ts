import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { collectErrors, hydrated, signIn, acceptConfirmations } from './helpers';

const primaryOf = () => getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim();

test('an admin renames Goals and changes the primary colour; an open learner page follows', async ({ page, browser }) => {
  const errors = collectErrors(page);
  const learner = await (await browser.newContext()).newPage();
  await signIn(learner, 'learner@demo.cairn');
  await hydrated(learner);
  const story = learner.getByRole('region', { name: /and Projects$/ });
  await expect(story.getByRole('link', { name: 'Goals', exact: true })).toBeVisible();
  expect(await learner.evaluate(primaryOf)).toBe('#1f5fa8');

  await signIn(page, 'admin@demo.cairn');
  await page.getByRole('link', { name: 'Settings: module names and colours' }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await hydrated(page);
  await page.getByLabel('Goals are called').fill('Learning Intentions');

  // Too pale: the preview measures it, and saving is refused with the ratio; nothing changes.
  await page.getByLabel('Primary (links, buttons)').fill('#8ab4f8');
  await expect(page.locator('.contrast[data-passes="false"]').first()).toContainText('Links on the background: 1.9');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('alert')).toContainText('has a contrast of 1.9');
  await expect(story.getByRole('link', { name: 'Goals', exact: true })).toBeVisible();

  await page.getByLabel('Primary (links, buttons)').fill('#0b6e4f');
  await expect(page.locator('.contrast[data-passes="false"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  // The admin's own page takes the new colour too, as every open page does.
  await expect.poll(() => page.evaluate(primaryOf)).toBe('#0b6e4f');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // The learner's open page changes without a reload: the name, and the colour.
  await expect(story.getByRole('link', { name: 'Learning Intentions' })).toBeVisible();
  await expect.poll(() => learner.evaluate(primaryOf)).toBe('#0b6e4f');
  await learner.getByRole('link', { name: 'Learning Intentions' }).click();
  await expect(learner.getByRole('heading', { level: 1 })).toHaveText('My learning intentions');

  // Both changes are in the audit log, with who and from where.
  await page.goto('/admin/audit');
  const log = page.locator('table.audit-log');
  await expect(log).toContainText('Goals → Learning Intentions');
  await expect(log).toContainText('#1f5fa8 → #0b6e4f');
  await page.getByLabel('Action').selectOption('change colour');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=change/);
  await expect(log).not.toContainText('Learning Intentions');
  await expect(log).toContainText('127.0.0.1');

  // Put the school back as it was.
  await page.goto('/admin/settings');
  await hydrated(page);
  await page.getByLabel('Goals are called').fill('Goals');
  await page.getByRole('button', { name: "Back to Cairn's colours" }).click();
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await expect.poll(() => learner.evaluate(primaryOf)).toBe('#1f5fa8');
  // The refused save is the one failed request the browser reports; nothing else went wrong.
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
  expect(errors.length).toBeLessThanOrEqual(1);
});

test('settings and the audit log are for administrators only', async ({ page }) => {
  await signIn(page, 'teacher@demo.cairn');
  for (const path of ['/admin/settings', '/admin/audit', '/admin/people']) {
    const response = await page.goto(path);
    expect(response!.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
  }
  const refused = await page.request.post('/api/save_settings', {
    form: { 'settings[goals]': 'Mine', 'settings[projects]': 'P', 'settings[checkins]': 'C', 'settings[primary]': '#000000', 'settings[accent]': '#000000', 'settings[background]': '#ffffff' },
    headers: { Accept: 'application/json' },
  });
  expect(refused.ok()).toBe(false);
  expect(await refused.json()).toEqual('Forbidden');
});

test("a disabled person's open session stops working at once", async ({ page, browser }) => {
  const asked = acceptConfirmations(page);
  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, 'manager@demo.cairn');
  expect((await manager.request.get('/api/v1/me')).status()).toBe(200);

  await signIn(page, 'admin@demo.cairn');
  await page.getByRole('link', { name: /^People/ }).click();
  await expect(page).toHaveURL(/\/admin\/people$/);
  await hydrated(page);
  await page.getByLabel('Name or email').fill('manager@demo');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/query=manager/);
  const row = page.locator('table.people-list tbody tr');
  await expect(row).toHaveCount(1);
  const name = (await row.locator('th').textContent())!.trim();
  await row.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(row).toHaveAttribute('data-status', 'disabled');
  expect(asked).toEqual([
    `Disable ${name}? They are signed out at once and cannot sign in until enabled again; their record is kept.`,
  ]);

  // Their next request is refused, and their page goes to sign-in.
  expect((await manager.request.get('/api/v1/me')).status()).toBe(401);
  await manager.reload();
  await expect(manager).toHaveURL(/\/login(\?next=[^&]*)?$/);

  // Enabled again, they sign in as before; both changes are in the audit log.
  await row.getByRole('button', { name: `Enable ${name}` }).click();
  await expect(row).toHaveAttribute('data-status', 'active');
  await signIn(manager, 'manager@demo.cairn');
  await page.goto('/admin/audit');
  await expect(page.locator('table.audit-log')).toContainText('disable person');
});

test('an admin hides a tile and moves another for learners; a learner home follows', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/settings?tiles=learner#home-tiles');
  await hydrated(page);
  const order = page.getByRole('list', { name: 'Tiles of the learner home' });
  await expect(order.locator('li').first()).toContainText('1. My progress');
  await expect(page.getByRole('button', { name: 'Move My progress up' })).toBeDisabled();
  await page.getByRole('button', { name: 'Move Goals and projects up' }).click();
  await expect(order.locator('li').first()).toContainText('1. Goals and projects');
  await page.getByRole('button', { name: 'Hide My progress' }).click();
  await expect(order.locator('li', { hasText: 'My progress' })).toHaveAttribute('data-shown', 'false');

  const learner = await (await browser.newContext()).newPage();
  await signIn(learner, 'learner@demo.cairn');
  await expect(learner.locator('#my-progress')).toHaveCount(0);
  await expect(learner.locator('.tiles > section').first()).toHaveAttribute('id', /^story-/);

  // Teachers keep their own layout; put the learners' back.
  await page.getByRole('link', { name: 'Teacher' }).click();
  await expect(page.getByRole('list', { name: 'Tiles of the teacher home' }).locator('li').first()).toContainText('1. My progress');
  await page.goto('/admin/settings?tiles=learner#home-tiles');
  await hydrated(page);
  await page.getByRole('button', { name: 'Show My progress' }).click();
  await expect(order.locator('li', { hasText: 'My progress' })).toHaveAttribute('data-shown', 'true');
  await page.getByRole('button', { name: 'Move My progress up' }).click();
  await expect(order.locator('li').first()).toContainText('1. My progress');
  await learner.reload();
  await expect(learner.locator('#my-progress')).toBeVisible();
  expect(errors).toEqual([]);
});

/** What the browser's own time zone database says an instant reads as in a zone, in Cairn's words ("8 Dec 2026, 10:17 am"). */
const readIn = ({ at, zone }: { at: string; zone: string }) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} ${parts.dayPeriod.toLowerCase()}`;
};

test("an admin sets the institution's time zone; dates and times read in it, drawn by the server or in the browser", async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/settings');
  await hydrated(page);
  const zone = page.getByLabel('Time zone');
  await expect(zone).toHaveValue('UTC');
  await zone.selectOption('Pacific/Auckland');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  // The page loads again, drawn in the new zone.
  await expect(page.locator('meta[name="time-zone"]')).toHaveAttribute('content', /Pacific\/Auckland/);
  await hydrated(page);
  await expect(page.getByLabel('Time zone')).toHaveValue('Pacific/Auckland');

  // The change's own line (other administrators' tests may write lines after it meanwhile).
  const changed = page.locator('table.audit-log tbody tr', { hasText: 'UTC → Pacific/Auckland' });
  const expectReadIn = async (zoneName: string) => {
    const time = changed.locator('time');
    const at = (await time.getAttribute('datetime'))!;
    expect(at).toMatch(/Z$/);
    expect(await time.textContent()).toBe(await page.evaluate(readIn, { at, zone: zoneName }));
  };
  // Drawn by the server.
  await page.goto('/admin/audit');
  await hydrated(page);
  await expect(changed).toHaveCount(1);
  await expectReadIn('Pacific/Auckland');
  // Drawn in the browser: the log filtered without a page load.
  await page.getByLabel('Action').selectOption('change time zone');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=change\+time\+zone|action=change%20time%20zone/);
  await expect(page.locator('table.audit-log tbody tr')).toHaveCount(1);
  await expectReadIn('Pacific/Auckland');

  // A zone Cairn does not know is refused, and changes nothing.
  const refused = await page.request.post('/api/save_settings', {
    form: {
      'settings[goals]': 'Goals', 'settings[projects]': 'Projects', 'settings[checkins]': 'Check-ins',
      'settings[primary]': '#1f5fa8', 'settings[accent]': '#b3541e', 'settings[background]': '#f5f7fa', 'settings[time_zone]': 'Mars/Olympus_Mons',
    },
    headers: { Accept: 'application/json' },
  });
  expect(refused.ok()).toBe(false);
  expect(JSON.stringify(await refused.json())).toContain('time zone');

  // Back to UTC, as the school was.
  await page.goto('/admin/settings');
  await hydrated(page);
  await page.getByLabel('Time zone').selectOption('UTC');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.locator('meta[name="time-zone"]')).toHaveAttribute('content', /"UTC"/);
  await page.goto('/admin/audit');
  await expect(page.locator('table.audit-log tbody tr', { hasText: 'Pacific/Auckland → UTC' })).toHaveCount(1);
  await expectReadIn('UTC');
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

test('/admin is the administrator\'s landing page, linking every administration page', async ({ page }) => {
  await signIn(page, 'admin@demo.cairn');
  await page.getByRole('link', { name: 'Administration', exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');
  const pages = page.locator('ul.admin-pages');
  for (const name of ['People', 'Groups', 'Frameworks', 'Settings', 'Trusted issuers', 'Integrations', 'Audit log', 'Learners']) {
    await expect(pages.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: 'The institution' })).toContainText('Learners');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
  // Every administration page leads back here.
  await pages.getByRole('link', { name: 'Groups', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/groups$/);
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Administration' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');

  const teacher = await (await page.context().browser()!.newContext()).newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  const refused = await teacher.goto('/admin');
  expect(refused!.status()).toBe(403);
  await expect(teacher.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
});
