import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { collectErrors, hydrated, signIn, acceptConfirmations } from './helpers';

/** A CSV of `rows` new learners in group 7A, with a bad email on line `badEmail` and an
 * unknown group on line `badGroup` (the header is line 1). */
function peopleCsv(rows: number, badEmail: number, badGroup: number): string {
  const lines = ['name,email,role,groups'];
  for (let n = 2; n <= rows + 1; n++) {
    const email = n === badEmail ? `import.learner.${n}-at-riverbend.example` : `import.learner.${n}@riverbend.example`;
    const group = n === badGroup ? 'Room 99' : '7A';
    lines.push(`Imported Learner ${n},${email},learner,${group}`);
  }
  return lines.join('\n') + '\n';
}

test('a CSV with two bad rows: the progress bar moves and the report names both rows', async ({ page }) => {
  // Twenty thousand rows, in a debug build on a shared machine.
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  // Every value the progress bar shows, from the first render on.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as any).progressSeen = seen;
    const record = () => {
      const bar = document.getElementById('import-progress');
      const value = bar?.getAttribute('value');
      if (value != null && seen[seen.length - 1] !== value) seen.push(value);
    };
    new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/people');
  await hydrated(page);
  await page.getByLabel('CSV file').setInputFiles({
    name: 'year7.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(peopleCsv(20000, 1500, 17001)),
  });
  await page.getByLabel('Import the valid rows, report the others').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/people\?import=\d+/);

  const summary = page.locator('.import-summary');
  await expect(summary).toHaveText('Imported 19998 of 20000 rows; 2 rows were rejected and not written.', { timeout: 60_000 });
  const seen: string[] = await page.evaluate(() => (window as any).progressSeen);
  expect(seen[seen.length - 1]).toBe('100');
  expect(seen.some((value) => Number(value) < 100), `values seen: ${seen}`).toBe(true);
  console.log(`progress seen: ${seen.join(' ')}`);

  const report = page.locator('table.import-errors tbody tr');
  await expect(report).toHaveCount(2);
  await expect(report.nth(0)).toContainText('1500');
  await expect(report.nth(0)).toContainText('email');
  await expect(report.nth(0)).toContainText('is not an email address');
  await expect(report.nth(1)).toContainText('17001');
  await expect(report.nth(1)).toContainText("no open group is named 'Room 99'");
  // The report comes first on the page, above the search, and says who was written.
  const reportBox = await summary.boundingBox();
  const searchBox = await page.getByLabel('Name or email').boundingBox();
  expect(reportBox!.y).toBeLessThan(searchBox!.y);
  const written = page.locator('details.import-written');
  await expect(written.locator('summary')).toHaveText('Who was written (19998)');
  await written.locator('summary').click();
  await expect(written.locator('li').first()).toContainText('@');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // The people are there; the rejected ones are not.
  await page.getByLabel('Name or email').fill('import.learner.1499@');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('table.people-list tbody tr')).toHaveCount(1);
  await page.getByLabel('Name or email').fill('import.learner.17001@');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('0 people match.')).toBeVisible();
  await page.goto('/admin/audit');
  await expect(page.locator('table.audit-log')).toContainText('year7.csv: 19998 people imported, 2 rows rejected');
  expect(errors).toEqual([]);
});

test('a file with a wrong header is refused at line 1 and nothing is written', async ({ page }) => {
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/people');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'wrong.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('full name,email,role\nNo One,no.one@riverbend.example,learner\n'),
  });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.locator('.import-summary')).toHaveText('The file cannot be imported as it is, so nothing was written.', { timeout: 30_000 });
  const report = page.locator('table.import-errors tbody tr');
  await expect(report.first()).toContainText('full name');
  await expect(report.first()).toContainText('is not a column Cairn knows');
  await expect(report.nth(1)).toContainText('is missing from the header');

  // Not for anyone but administrators.
  const teacher = await page.context().browser()!.newContext();
  const teacherPage = await teacher.newPage();
  await signIn(teacherPage, 'teacher@demo.cairn');
  const refused = await teacherPage.request.post('/admin/people/import', {
    multipart: { mode: 'valid', file: { name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('name,email,role\n') } },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);
  expect((await teacherPage.request.post('/api/import_progress', { form: { id: '1' } })).ok()).toBe(false);
  await teacher.close();
});

test('an admin creates a group, adds a learner, moves them out with history kept, and archives it', async ({ page }) => {
  const errors = collectErrors(page);
  const asked = acceptConfirmations(page);
  await signIn(page, 'admin@demo.cairn');
  await page.getByRole('link', { name: /^Groups/ }).click();
  await expect(page).toHaveURL(/\/admin\/groups$/);
  await hydrated(page);
  await page.getByLabel('Name').fill('Robotics club');
  await page.getByLabel('Year level (optional)').fill('8');
  await page.getByRole('button', { name: 'Create the group' }).click();
  const club = page.locator('li.group-admin', { has: page.getByRole('heading', { name: 'Robotics club' }) });
  await expect(club).toContainText('Year 8 · 0 learners');
  await club.getByLabel('Add to Robotics club: emails, separated by commas or lines').fill('learner@demo.cairn, nobody@demo.cairn');
  await club.getByRole('button', { name: 'Add' }).click();
  await expect(club.getByRole('alert')).toContainText('nobody was added: nobody@demo.cairn is nobody here');
  await club.getByLabel('Add to Robotics club: emails, separated by commas or lines').fill('learner@demo.cairn');
  await club.getByRole('button', { name: 'Add' }).click();
  await expect(club).toContainText('Year 8 · 1 learners');

  // The learner's own page for administrators: roles, groups, and history.
  await page.goto('/admin/people?query=learner%40demo.cairn');
  await page.locator('table.people-list tbody tr').first().getByRole('link').click();
  await expect(page).toHaveURL(/\/admin\/people\/\d+$/);
  await hydrated(page);
  await expect(page.locator('li[data-held="true"]')).toContainText('Learner');
  await page.getByRole('button', { name: 'Leave Robotics club' }).click();
  await expect(page.locator('ul.history')).toContainText('Robotics club — learner from');
  expect(asked.at(-1)).toContain('Leave Robotics club? Their record in it is kept');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await page.goto('/admin/groups');
  await hydrated(page);
  await page.getByRole('button', { name: 'Archive Robotics club' }).click();
  await expect(page.locator('li.group-admin[data-archived="true"]', { hasText: 'Robotics club' })).toContainText('Archived on');
  expect(asked.at(-1)).toContain('Archive Robotics club?');
  await page.goto('/admin/audit');
  const log = page.locator('table.audit-log');
  for (const action of ['create group', 'add group members', 'leave group', 'archive group']) {
    await expect(log).toContainText(action);
  }
  // The refused addition is the one failed request the browser reports.
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

test('an admin defines a custom role and can give it to a person', async ({ page }) => {
  const asked = acceptConfirmations(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/people');
  await hydrated(page);
  const roles = page.getByRole('region', { name: 'Custom roles' });
  await expect(roles).toContainText('Head of Year 9');
  const create = roles.locator('form', { has: page.getByRole('button', { name: 'Create the role' }) });
  await create.getByLabel('Name').fill('Head of Year 10');
  await create.getByLabel('See learners\' records and rosters').check();
  await create.getByLabel('Mark learners').check();
  await create.getByLabel('Over the groups of year (empty: every group)').fill('10');
  await create.getByRole('button', { name: 'Create the role' }).click();
  await expect(roles.locator('ul.custom-roles')).toContainText('Head of Year 10');
  await expect(roles.locator('ul.custom-roles')).toContainText('over the groups of year 10; held by 0');

  // Edited: another year, one right fewer; then a spare role is deleted.
  const edited = roles.locator('li', { hasText: 'Head of Year 10' });
  await edited.getByText('Edit Head of Year 10').click();
  await edited.getByLabel('Mark learners').uncheck();
  await edited.getByLabel('Over the groups of year (empty: every group)').fill('11');
  await edited.getByLabel('Name').fill('Head of Year 11');
  await edited.getByRole('button', { name: 'Save the role' }).click();
  await expect(roles.locator('ul.custom-roles')).toContainText('Head of Year 11');
  await expect(roles.locator('li', { hasText: 'Head of Year 11' })).toContainText('over the groups of year 11; held by 0');
  await create.getByLabel('Name').fill('Spare role');
  await create.getByLabel('Give feedback on goals and projects').check();
  await create.getByRole('button', { name: 'Create the role' }).click();
  const spare = roles.locator('li', { hasText: 'Spare role' });
  await spare.getByText('Edit Spare role').click();
  await spare.getByRole('button', { name: 'Delete Spare role' }).click();
  await expect(roles.locator('ul.custom-roles')).not.toContainText('Spare role');
  expect(asked).toEqual(['Delete Spare role? Nobody holds it any more; this cannot be undone.']);
  await page.goto('/admin/people?query=teacher%40demo.cairn');
  await page.locator('table.people-list tbody tr').first().getByRole('link').click();
  await expect(page.getByRole('button', { name: 'Give Head of Year 11' })).toBeVisible();
});

test('an admin adds a person, who chooses a password through the link and is signed in', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await signIn(page, 'admin@demo.cairn');
  await page.goto('/admin/people');
  await hydrated(page);
  const add = page.getByRole('region', { name: 'Add a person' });
  await add.getByLabel('Name', { exact: true }).fill('Ava Stone');
  await add.getByLabel('Email', { exact: true }).fill('teacher@demo.cairn');
  await add.getByLabel('Role', { exact: true }).selectOption('teacher');
  await add.getByRole('button', { name: 'Add the person' }).click();
  await expect(add.getByRole('alert')).toContainText('email');
  await add.getByLabel('Email', { exact: true }).fill('ava.stone@example.org');
  await add.getByRole('button', { name: 'Add the person' }).click();
  const link = add.getByLabel(/^Give this link to the person/);
  await expect(link).toHaveValue(/\/welcome\/[0-9a-f]{64}$/);
  const address = await link.inputValue();

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(address);
  await expect(visitor.getByText('Welcome, Ava Stone.')).toBeVisible();
  await visitor.getByLabel(/^Password/).fill('a long passphrase');
  await visitor.getByLabel('The same password again').fill('a long passphrase!');
  await visitor.getByRole('button', { name: 'Choose my password and sign in' }).click();
  await expect(visitor.getByRole('alert')).toContainText('the two passwords are not the same');
  await visitor.getByLabel(/^Password/).fill('a long passphrase');
  await visitor.getByLabel('The same password again').fill('a long passphrase');
  await visitor.getByRole('button', { name: 'Choose my password and sign in' }).click();
  await expect(visitor).toHaveURL(/\/$/);
  await expect(visitor.getByText('Welcome, Ava')).toBeVisible();

  // The link worked once; the new password signs in.
  await visitor.goto(address);
  await expect(visitor.getByRole('alert')).toContainText('expired or has already been used');
  const again = await (await browser.newContext()).newPage();
  await signIn(again, 'ava.stone@example.org', 'a long passphrase');
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});
