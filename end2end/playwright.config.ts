import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

// `make e2e` builds the server and passes a free port and a fresh data directory.
const port = Number(process.env.CAIRN_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const bin = process.env.CAIRN_BIN ?? path.join(root, 'target', 'debug', 'cairn');
const dataDir = process.env.CAIRN_E2E_DATA ?? path.join(root, 'target', 'e2e-data');

export default defineConfig({
  testDir: './tests',
  // Debug builds on a shared two-core machine: some tests (axe over a large grid) take 20–30 s.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // Administrators change the whole school (its settings, its people): those tests run on
  // their own, after all the others.
  projects: [
    { name: 'school', testIgnore: /admin-|register/ },
    { name: 'admin', testMatch: /admin-/, testIgnore: /admin-case/, dependencies: ['school'] },
    // A framework imported from CASE adds competencies to every learner's dashboard, which
    // the admin tests compare before and after their own changes; a seat taken changes a
    // manager's and a teacher's pages: they come last.
    { name: 'case', testMatch: /admin-case|register/, dependencies: ['admin'] },
  ],
  webServer: {
    command: `"${bin}" serve --demo --addr 127.0.0.1:${port} --data-dir "${dataDir}"`,
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
