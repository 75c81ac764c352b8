import { test, expect, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { signIn, hydrated, collectErrors } from './helpers';

const root = path.resolve(__dirname, '..', '..');

/** An integration token for the attendance system, made as its integrator would: `cairn token create`. */
function integrationToken(name: string): string {
  const bin = process.env.CAIRN_BIN ?? path.join(root, 'target', 'debug', 'cairn');
  const data = process.env.CAIRN_E2E_DATA ?? path.join(root, 'target', 'e2e-data');
  const out = execFileSync(bin, ['token', 'create', name, '--data-dir', data], { encoding: 'utf8' });
  const token = out.trim().split('\n').pop() ?? '';
  expect(token).toMatch(/^cairn_[0-9a-f]{48}$/);
  return token;
}

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

test("a parent's open dashboard shows a newly pushed absence without a reload", async ({ browser, request }) => {
  const token = integrationToken(`Registers ${Date.now()}`);
  const parent = await signedIn(browser, 'parent@demo.cairn');
  const errors = collectErrors(parent);
  const learners: { id: number; name: string; email: string }[] = await (await parent.request.get('/api/v1/learners')).json();
  const child = learners.find((l) => l.email === 'learner@demo.cairn')!;
  await parent.getByRole('link', { name: `Open ${child.name}'s dashboard` }).click();
  const tile = parent.getByRole('region', { name: 'Attendance' });
  // The demo term's figures, its weekly trend drawn on the server, and the same as a table.
  await expect(tile).toContainText('This term (Autumn term 2026)');
  await expect(tile.locator('.chart-svg svg')).toBeVisible();
  await expect(tile.locator('.chart-svg')).toHaveAttribute('aria-label', /Line chart of attendance each week/);
  await tile.getByText('Show weeks as table').click();
  await expect(tile.locator('table.figures tbody tr').first()).toBeVisible();
  await hydrated(parent);
  await parent.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  const note = `Pushed at ${Date.now()}: parent phoned, dentist`;
  const pushed = await request.post('/api/v1/attendance', {
    headers: { Authorization: `Bearer ${token}` },
    data: [{ sourcedId: `e2e-${Date.now()}`, userId: child.email, date: today(), session: 'AM', status: 'absent', note }],
  });
  expect(pushed.status(), await pushed.text()).toBe(201);

  // Live: the absence appears in the open tile, the page never reloaded.
  await expect(tile.locator('.attendance-recent li').first()).toContainText(note);
  await expect(tile.locator('.attendance-recent li').first()).toContainText('Absent');
  await expect(tile).toContainText(/This week\s*\d+(\.\d)? %/);
  expect(await parent.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await parent.screenshot({ path: 'test-results/attendance-tile.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('a teacher sees each group\'s attendance and who is under 90 %', async ({ browser }) => {
  const teacher = await signedIn(browser, 'teacher@demo.cairn');
  const groups = teacher.getByRole('region', { name: 'My groups' });
  await expect(groups).toContainText(/Attendance \d+(\.\d)? % in Autumn term 2026/);
  const concerns = groups.locator('details.attendance-concerns').first();
  await concerns.locator('summary').click();
  const first = concerns.getByRole('link').first();
  const name = (await first.textContent())?.trim() ?? '';
  await first.click();
  await expect(teacher.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(teacher.getByRole('region', { name: 'Attendance' })).toContainText('This term');
});
