import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectErrors, hydrated, signIn } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const bin = process.env.CAIRN_BIN ?? path.join(root, 'target', 'debug', 'cairn');

test('an administrator previews a OneRoster zip, runs it, and a new learner is found and marked', async ({ browser }) => {
  test.setTimeout(120_000);
  // The sample package a new user would try, written by the command the README gives.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-roster-'));
  const zip = path.join(dir, 'roster.zip');
  execFileSync(bin, ['seed', '--learners', '60', '--oneroster', zip]);

  const admin = await (await browser.newContext()).newPage();
  const errors = collectErrors(admin);
  await admin.addInitScript(() => {
    const seen: string[] = [];
    (window as any).progressSeen = seen;
    const record = () => {
      const value = document.getElementById('roster-progress')?.getAttribute('value');
      if (value != null && seen[seen.length - 1] !== value) seen.push(value);
    };
    new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await signIn(admin, 'admin@demo.cairn');
  await admin.goto('/admin');
  await admin.getByRole('link', { name: 'Rosters' }).click();
  await expect(admin).toHaveURL(/\/admin\/oneroster$/);
  await hydrated(admin);
  await expect(admin.getByText('No package has been imported yet.')).toBeVisible();

  await admin.getByLabel('OneRoster package (.zip)').setInputFiles(zip);
  await admin.getByRole('button', { name: 'Preview' }).click();
  await expect(admin).toHaveURL(/\/admin\/oneroster\?import=\d+/);
  const summary = admin.locator('.import-summary');
  await expect(summary).toHaveText(/^Preview of OneRoster 1\.2, \d+ rows read: nothing is written yet\.$/);
  // 60 learners, 54 guardians, 6 teachers; 24 classes; 240 learners' and 24 teachers' enrolments.
  const changes = admin.locator('table.roster-changes');
  await expect(changes.getByRole('row', { name: /^People/ }).locator('td')).toHaveText(['120', '0', '0']);
  await expect(changes.getByRole('row', { name: /^Groups/ }).locator('td')).toHaveText(['24', '0', '0']);
  await expect(changes.getByRole('row', { name: /^Enrolments/ }).locator('td')).toHaveText(['264', '0', '0']);
  await expect(admin.getByText('1 administrator left out')).toBeVisible();
  await expect(admin.getByText('54 parent links made', { exact: false })).toBeVisible();
  // The first class's gradebook (10 learners, 3 line items, every tenth result only submitted):
  // two line items are competency codes, the third waits for a mapping.
  await expect(admin.locator('.gradebook-summary')).toHaveText(/^3 line items: 18 results to record as new evidence, 0 as corrections; 0 unchanged/);
  await expect(admin.getByRole('table', { name: 'Line items mapped to no competency: their results wait' }).getByRole('row', { name: /homework-1/ }).locator('td')).toHaveText(['Homework 1', '9']);
  const results = await new AxeBuilder({ page: admin }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await admin.getByRole('button', { name: 'Run the import' }).click();
  await expect(summary).toHaveText(/^Imported: OneRoster 1\.2, \d+ rows read\.$/, { timeout: 60_000 });
  await expect(admin.locator('#roster-progress')).toHaveAttribute('value', '100');
  const seen: string[] = await admin.evaluate(() => (window as any).progressSeen);
  expect(seen[seen.length - 1]).toBe('100');
  await expect(admin.getByRole('table', { name: 'Roster imports, newest first' })).toContainText(
    'roster.zip (OneRoster 1.2): people +120 ~0 −0, groups +24 ~0 −0, enrolments +264 ~0 −0, 54 parent links',
  );

  // The new learner is found among the people.
  await admin.goto('/admin/people');
  await hydrated(admin);
  await admin.getByLabel('Name or email').fill('learner7@roster.demo.cairn');
  await admin.getByRole('button', { name: 'Search' }).click();
  const found = admin.locator('table.people-list tbody tr');
  await expect(found).toHaveCount(1);
  const learnerName = ((await found.locator('a').textContent()) ?? '').trim();

  // The demo teacher joins the learner's class, imported from the package, and marks them.
  await admin.getByLabel('Name or email').fill('teacher@demo.cairn');
  await admin.getByRole('button', { name: 'Search' }).click();
  await admin.locator('table.people-list tbody tr a').first().click();
  await hydrated(admin);
  await admin.getByLabel('Add to group').selectOption({ label: 'Year 7 Mathematics 1' });
  await admin.getByLabel('as', { exact: true }).selectOption('teacher');
  await admin.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(admin.getByRole('region', { name: 'Groups' })).toContainText('Year 7 Mathematics 1');

  const teacher = await browser.newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  await teacher.getByRole('link', { name: 'Open the roster of Year 7 Mathematics 1' }).click();
  await expect(teacher).toHaveURL(/\/groups\/\d+\/roster$/);
  await hydrated(teacher);
  const row = teacher.getByRole('row', { name: new RegExp(learnerName) });
  const cell = row.getByRole('gridcell').first();
  await cell.click();
  await teacher.keyboard.press('3');
  await teacher.keyboard.press('Enter');
  await expect(teacher.getByRole('status')).toHaveText(new RegExp(`^Saved 3 for ${learnerName} on `));
  expect(errors).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});
