import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { acceptConfirmations, collectErrors, hydrated, signIn } from './helpers';

test('a registration code link brings a person through sign-in to their seat', async ({ browser }) => {
  // The manager's home lists their codes: take one with seats left.
  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, 'manager@demo.cairn');
  const rows = manager.getByRole('region', { name: 'Registration codes' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  let code = '';
  let training = '';
  for (const row of await rows.all()) {
    const used = (await row.locator('td').nth(2).textContent()) ?? '';
    const [, assigned, seats] = used.match(/^(\d+) of (\d+)/) ?? [];
    if (Number(assigned) < Number(seats)) {
      code = ((await row.locator('code').textContent()) ?? '').trim();
      training = ((await row.locator('td').nth(1).textContent()) ?? '').trim();
      break;
    }
  }
  expect(code).not.toBe('');

  // A teacher follows the link they were sent: signs in, and is back at the code.
  const teacher = await (await browser.newContext()).newPage();
  const errors = collectErrors(teacher);
  await teacher.goto(`/register/${code}`);
  await expect(teacher).toHaveURL(/\/login\?next=%2Fregister%2F/);
  await teacher.getByLabel('Email').fill('teacher@demo.cairn');
  await teacher.getByLabel('Password').fill('cairn-demo');
  await teacher.getByRole('button', { name: 'Sign in' }).click();
  await expect(teacher).toHaveURL(new RegExp(`/register/${code}$`));
  await expect(teacher.getByRole('heading', { level: 1 })).toHaveText(training);
  await hydrated(teacher);
  await teacher.getByRole('button', { name: `Take a seat on ${training}` }).click();
  await expect(teacher.getByRole('status').filter({ hasText: 'You have a seat' })).toHaveText(`You have a seat on ${training}.`);

  // The manager's count moved by one; their codes page names the teacher as registered.
  await manager.reload();
  const row = manager.getByRole('region', { name: 'Registration codes' }).getByRole('row', { name: new RegExp(code) });
  await expect(row).toContainText('registered');
  const managerErrors = collectErrors(manager);
  const asked = acceptConfirmations(manager);
  await manager.getByRole('link', { name: 'Give seats and see who registered' }).click();
  await expect(manager).toHaveURL(/\/codes$/);
  await hydrated(manager);
  const section = manager.getByRole('region', { name: `${code} — ${training}` });
  await expect(section.locator('.seat-holders')).toContainText(/\(teacher@demo\.cairn\) — registered/);
  const results = await new AxeBuilder({ page: manager }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // A seat given to an email address, then taken back before it is taken up.
  await section.getByLabel(`Give a seat of ${code} to`).fill('guest.trainee@example.org');
  await section.getByRole('button', { name: 'Give the seat' }).click();
  const given = section.getByRole('listitem').filter({ hasText: 'guest.trainee@example.org' });
  await expect(given).toContainText('not taken up yet');
  await given.getByRole('button', { name: 'Take back the seat of guest.trainee@example.org' }).click();
  await expect(given).toHaveCount(0);
  expect(asked).toEqual(['Take back the seat of guest.trainee@example.org?']);
  expect(errors).toEqual([]);
  expect(managerErrors).toEqual([]);
});
