import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { deflateSync } from 'node:zlib';
import { collectErrors, hydrated, signIn } from './helpers';

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG (a gradient), so the server can make a thumbnail of it. */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set([x % 256, y % 256, 160], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function noSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
}

test('a learner sets a goal with a plan, evidence and a reflection; a teacher comment arrives live', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await signIn(page, 'learner@demo.cairn');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.getByRole('region', { name: 'Goals and Projects' }).getByRole('link', { name: 'Goals' }).click();
  await expect(page).toHaveURL(new RegExp(`/learners/${me.id}/goals$`));
  await hydrated(page);

  const title = `Present at the science fair ${Date.now()}`;
  await page.getByLabel('What do you want to achieve?').fill(title);
  await page.getByLabel('Why it matters to you').fill('I want to explain my results clearly.');
  await page.getByLabel('Target date').fill('2026-12-18');
  await page.getByLabel('SC4-WS-02 Planning and conducting investigations').check();
  await page.getByLabel('Step 1', { exact: true }).fill('Plan the experiment');
  await page.getByLabel('Step 1 due').fill('2026-12-01');
  await page.getByLabel('Step 2', { exact: true }).fill('Make the poster');
  await page.getByRole('button', { name: 'Add to Goals' }).first().click();
  await expect(page).toHaveURL(/\/goals\/\d+$/);
  const goalUrl = page.url();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('main .chips')).toContainText('SC4-WS-02');
  const plan = page.getByRole('region', { name: 'Action plan' });
  await expect(plan.locator('li.plan-step')).toHaveCount(2);
  await expect(plan).toContainText('(due 1 Dec 2026)');

  // Evidence: a real image gets a thumbnail; an executable named .png is refused with a reason.
  await page.getByLabel(/^A file/).setInputFiles({ name: 'experiment.png', mimeType: 'image/png', buffer: png(640, 360) });
  await page.getByRole('button', { name: 'Upload the evidence' }).click();
  await expect(page.getByText('The evidence was added.')).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const thumbnail = timeline.locator('img.thumbnail');
  await expect(thumbnail).toBeVisible();
  const thumbnailResponse = await page.request.get((await thumbnail.getAttribute('src'))!);
  expect(thumbnailResponse.status()).toBe(200);
  expect(thumbnailResponse.headers()['content-type']).toBe('image/png');
  await hydrated(page);
  await page.getByLabel(/^A file/).setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: Buffer.from('4d5a90000300000004000000ffff0000', 'hex'),
  });
  await page.getByRole('button', { name: 'Upload the evidence' }).click();
  await expect(page.getByRole('alert')).toContainText('photo.png is not a PDF');
  await expect(timeline.locator('li.entry.evidence')).toHaveCount(1);

  // The plan moves on, and the learner reflects.
  await hydrated(page);
  await plan.getByLabel('Plan the experiment').check();
  await expect(timeline.locator('li.entry.step')).toContainText('Plan the experiment');
  const reflection = page.getByLabel('How is it going? What will you do next?');
  await reflection.fill('The plan is done; the poster is next.');
  // An impatient double click sends it once; the form says it was saved and empties the box.
  await page.getByRole('button', { name: 'Add the reflection' }).dblclick();
  await expect(timeline.locator('li.entry.reflection')).toContainText('the poster is next');
  await expect(page.getByRole('region', { name: 'Reflect' }).getByRole('status')).toHaveText('Saved');
  await expect(reflection).toHaveValue('');
  await expect(timeline.locator('li.entry.reflection')).toHaveCount(1);
  await noSeriousViolations(page);

  // The learner starts another reflection and leaves it half written.
  await reflection.fill('Half a thought');

  // The learner's teacher finds the reflection in their inbox, and comments in another
  // browser; the learner's page shows it unasked.
  const teacher = await (await browser.newContext()).newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  const inbox = teacher.getByRole('region', { name: 'Inbox' });
  await expect(inbox.locator('ul.inbox')).toContainText(`${me.name} reflected on ${title}`);
  await inbox.getByRole('link', { name: title }).click();
  await expect(teacher).toHaveURL(goalUrl);
  await hydrated(teacher);
  await expect(teacher.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(teacher.getByRole('button', { name: 'Add the reflection' })).toHaveCount(0);
  await teacher.getByLabel(`Your comment to ${me.name}`).fill('Lovely plan — show your data in a table.');
  await teacher.getByRole('button', { name: 'Post the comment' }).click();
  await expect(teacher.getByRole('region', { name: 'Timeline' }).locator('li.entry.comment')).toContainText('show your data');
  await expect(timeline.locator('li.entry.comment')).toContainText('show your data in a table');
  // The page was drawn again around the half-written reflection: it is still there, and the
  // cursor still in it.
  await expect(reflection).toHaveValue('Half a thought');
  await expect(reflection).toBeFocused();
  expect(errors).toEqual([]);
});

test('a project assessed by teacher and learner: both levels side by side, and the teacher\'s moves the dashboard', async ({ page, browser }) => {
  const errors = collectErrors(page);
  await signIn(page, 'learner@demo.cairn');
  const me = await (await page.request.get('/api/v1/me')).json();
  const levelOf = async (code: string) => {
    const progress = await (await page.request.get(`/api/v1/learners/${me.id}/progress`)).json();
    return progress.competencies.find((c: { code: string }) => c.code === code);
  };
  const before = await levelOf('GC-ETH');
  // A level far from where the learner stands, so the assessment moves it.
  const teacherLevel = (before.level ?? 0) >= 2.5 ? 1 : 4;

  await page.goto(`/learners/${me.id}/projects`);
  await hydrated(page);
  const title = `Ethics debate ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel(/^What it is about/).fill('## Our case\n\nWe argued **for** <script>alert(1)</script> a recycling rule.');
  await page.getByLabel('GC-ETH Ethical understanding').check();
  // A live event redraws the page while the learner is still at it (any mark for them, or a
  // change to the school, does): the competency chosen stays chosen, and is sent.
  await page.evaluate(() => (window as unknown as { cairnRedraw: () => Promise<void> }).cairnRedraw());
  await expect(page.getByLabel('GC-ETH Ethical understanding')).toBeChecked();
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await page.getByRole('button', { name: 'Add to Projects' }).first().click();
  await expect(page).toHaveURL(/\/projects\/\d+$/);
  const projectUrl = page.url();
  const body = page.locator('article.project-body');
  await expect(body.locator('h2')).toHaveText('Our case');
  await expect(body.locator('strong')).toHaveText('for');
  await expect(body.locator('script')).toHaveCount(0);

  // The learner's self-assessment: shown, never counted.
  await hydrated(page);
  await page.getByLabel('GC-ETH Ethical understanding').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Save the assessment of GC-ETH' }).click();
  const row = page.locator('table.comparison tr[data-competency="GC-ETH"]');
  await expect(row.locator('td').nth(1)).not.toHaveText('Not yet');
  await expect(row.locator('td').nth(0)).toHaveText('Not yet');
  expect((await levelOf('GC-ETH')).level).toEqual(before.level);

  // The learner's dashboard is open while the teacher assesses.
  const dashboard = await (await browser.newContext()).newPage();
  await signIn(dashboard, 'learner@demo.cairn');
  await dashboard.goto(`/learners/${me.id}`);
  await hydrated(dashboard);
  const competency = dashboard.locator('li.competency', { hasText: 'GC-ETH' });
  const shownBefore = (await competency.locator('.level').textContent())!;

  const teacher = await (await browser.newContext()).newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  await teacher.goto(projectUrl);
  await hydrated(teacher);
  await expect(teacher.getByRole('button', { name: 'Save the page' })).toHaveCount(0);
  await teacher.getByLabel('GC-ETH Ethical understanding').selectOption(String(teacherLevel));
  await teacher.getByRole('button', { name: 'Save the assessment of GC-ETH' }).click();
  const teacherRow = teacher.locator('table.comparison tr[data-competency="GC-ETH"]');
  await expect(teacherRow.locator('td').nth(0)).toHaveAttribute('data-level', String(teacherLevel));

  // Both levels, per competency, on the learner's page too (live), with the rubric's words.
  await expect(row.locator('td').nth(0)).toHaveAttribute('data-level', String(teacherLevel));
  await expect(row.locator('td').nth(1)).toHaveAttribute('data-level', /\d/);
  await expect.poll(async () => (await levelOf('GC-ETH')).level).not.toEqual(before.level);
  await expect(competency.locator('.level')).not.toHaveText(shownBefore);
  await noSeriousViolations(page);
  expect(errors).toEqual([]);
});

test('a check-in is answered, and both sides see what is new', async ({ page, browser }) => {
  const teacher = await (await browser.newContext()).newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  const teacherName = (await (await teacher.request.get('/api/v1/me')).json()).name;

  await signIn(page, 'learner@demo.cairn');
  await page.goto('/checkins');
  await hydrated(page);
  const message = `Could you look at my plan? ${Date.now()}`;
  await page.getByLabel('To').selectOption({ label: teacherName });
  await page.getByLabel('Message').fill(message);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const sent = page.locator('li.checkin', { hasText: message });
  await expect(sent).toContainText('Not answered yet.');

  // The teacher's inbox counts it as waiting for an answer; the check-ins page shows it new.
  await teacher.goto('/');
  const waiting = teacher.getByRole('region', { name: 'Inbox' }).locator('.waiting-count');
  await expect(waiting).not.toHaveAttribute('data-waiting', '0');
  const before = Number(await waiting.getAttribute('data-waiting'));
  await teacher.goto('/checkins');
  await hydrated(teacher);
  const received = teacher.locator('li.checkin', { hasText: message });
  await expect(received).toContainText('New');
  await received.getByLabel(/^Answer /).fill('Yes — bring it on Thursday.');
  await received.getByRole('button', { name: 'Send the answer' }).click();
  await expect(received).toContainText('Your answer: Yes — bring it on Thursday.');
  // Answered, it loses its answer box, and the inbox counts one fewer waiting (reading one is
  // not answering it).
  await expect(received.getByRole('button', { name: 'Send the answer' })).toHaveCount(0);
  await teacher.goto('/');
  await expect(waiting).toHaveAttribute('data-waiting', String(before - 1));

  // The learner's open page shows the answer without a reload, marked new.
  await expect(sent).toContainText('Answer: Yes — bring it on Thursday.');
  await expect(sent).toContainText('New answer');
});

test("a parent writes to their child's teacher, who answers; the parent sees the answer", async ({ page, browser }) => {
  const errors = collectErrors(page);
  const teacher = await (await browser.newContext()).newPage();
  await signIn(teacher, 'teacher@demo.cairn');
  const teacherName = (await (await teacher.request.get('/api/v1/me')).json()).name;

  await signIn(page, 'parent@demo.cairn');
  await page.goto('/checkins');
  await hydrated(page);
  const message = `How is the science project going? ${Date.now()}`;
  const to = page.getByLabel('To', { exact: true });
  const option = to.locator('option', { hasText: new RegExp(`^${teacherName} \\(.+'s teacher\\)$`) }).first();
  await to.selectOption((await option.getAttribute('value'))!);
  await page.getByLabel('Message').fill(message);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Write to a teacher' }).getByRole('status')).toHaveText('Sent: it is in the list below');
  await expect(page.getByLabel('Message')).toHaveValue('');
  const sent = page.locator('li.checkin', { hasText: message });
  await expect(sent).toContainText(`To ${teacherName}, about `);
  await expect(sent).toContainText('Not answered yet.');

  // The teacher sees who wrote, about whom, and answers.
  await teacher.goto('/checkins');
  await hydrated(teacher);
  const received = teacher.locator('li.checkin', { hasText: message });
  await expect(received).toContainText(/From .+ \(parent of .+\)/);
  await received.getByLabel(/^Answer /).fill('Very well — the poster is nearly done.');
  await received.getByRole('button', { name: 'Send the answer' }).click();
  await expect(received).toContainText('Your answer: Very well');

  // The parent's open page shows the answer, marked new.
  await expect(sent).toContainText('Answer: Very well — the poster is nearly done.');
  await expect(sent).toContainText('New answer');
  expect(errors).toEqual([]);
});
