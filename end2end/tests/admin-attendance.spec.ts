import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn, hydrated, collectErrors } from './helpers';

test('an administrator watches the attendance feed and imports a register file', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Attendance', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/attendance$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Attendance feed');
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status).toContainText('Last record received');
  await hydrated(page);

  const day = new Date().toISOString().slice(0, 10);
  await page.getByLabel('Attendance file (.csv)').setInputFiles({
    name: 'register-export.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      `\ufeffStudent Email,Date,Period,Attendance Status,Comment\r\n` +
        `learner@demo.cairn,${day},P6,L,Bus late\r\n` +
        `nobody@riverbend.example,${day},P6,A,\r\n`,
    ),
  });
  await page.getByLabel('Write the valid rows, report the others').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/attendance\?run=\d+/);
  const report = page.getByRole('region', { name: 'Imported register-export.csv' });
  await expect(report.getByRole('status')).toHaveText('2 records: 1 new, 0 changed, 0 unchanged, 1 refused');
  await expect(report.locator('ul.errors')).toContainText('Line 3: userId: no learner has the email or external id “nobody@riverbend.example”');
  await expect(status).toContainText('from register-export.csv');
  await expect(page.getByRole('region', { name: 'Latest deliveries' })).toContainText('register-export.csv');

  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
  expect(errors).toEqual([]);
});
