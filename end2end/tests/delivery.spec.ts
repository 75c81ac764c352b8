import { test, expect, type Response } from '@playwright/test';
import { hydrated, PASSWORD } from './helpers';

// What a browser gets of Cairn's code: compressed, under names that change with the content,
// kept for a year, and not fetched again by the next page.

const HASHED = /\/pkg\/cairn\.[0-9a-f]{20}\.(wasm|js|css)$/;

test('a cold visit gets the code compressed and cacheable for a year; the next page reuses it', async ({ page }) => {
  const bundle: Response[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/pkg/')) bundle.push(response);
  });
  // Signed in without a page, so the dashboard is the first page this browser loads.
  const signedIn = await page.request.post('/api/login', { form: { email: 'learner@demo.cairn', password: PASSWORD } });
  expect(signedIn.ok()).toBe(true);
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/learners/${me.id}`);
  await hydrated(page);

  const files = bundle.map((response) => new URL(response.url()).pathname);
  expect(files.some((file) => file.endsWith('.wasm'))).toBe(true);
  expect(files.some((file) => file.endsWith('.js'))).toBe(true);
  for (const response of bundle) {
    const file = new URL(response.url()).pathname;
    expect(file, 'named by its content').toMatch(HASHED);
    const headers = await response.allHeaders();
    expect(response.status()).toBe(200);
    expect(headers['content-encoding'], `${file} compressed`).toMatch(/^(br|gzip)$/);
    expect(headers['cache-control'], `${file} kept`).toBe('public, max-age=31536000, immutable');
    expect(headers['vary']).toBe('accept-encoding');
  }
  // The page itself: compressed, and not kept (it is this learner's).
  const again = await page.request.get(`/learners/${me.id}`, { headers: { Accept: 'text/html', 'Accept-Encoding': 'br, gzip' } });
  expect(again.headers()['cache-control']).toBe('no-store');
  expect(again.headers()['content-encoding']).toMatch(/^(br|gzip)$/);

  // Another page, loaded afresh: every file the first page fetched comes from the browser's
  // cache, without asking the server (no bytes over the network).
  await page.goto('/backpack');
  await hydrated(page);
  const reused = await page.evaluate((first) => {
    return performance
      .getEntriesByType('resource')
      .map((entry) => entry as PerformanceResourceTiming)
      .filter((entry) => first.includes(new URL(entry.name).pathname))
      .map((entry) => ({ file: new URL(entry.name).pathname, transferred: entry.transferSize }));
  }, files);
  expect(reused.length).toBeGreaterThan(0);
  for (const { file, transferred } of reused) {
    expect(transferred, `${file} from the cache`).toBe(0);
  }
});
