import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// A fresh SQLite file for every run, so each run starts from the demo data alone.
// The config is evaluated again in each worker process; remember the first choice in the
// environment so the workers agree with the main process (only the main process starts
// the server, but keeping one name avoids confusion in logs).
if (!process.env.UPSTREAM_E2E_DB) {
  process.env.UPSTREAM_E2E_DB = path.join(
    os.tmpdir(),
    `upstream-e2e-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.db`,
  );
}
const databaseFile = process.env.UPSTREAM_E2E_DB;

// Overridable so two checkouts on one machine can run their browser tests side by side.
const PORT = Number(process.env.UPSTREAM_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
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
  webServer: {
    command: '../target/debug/upstream',
    cwd: __dirname,
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      UPSTREAM_ADDR: `127.0.0.1:${PORT}`,
      UPSTREAM_DEMO_DATA: '1',
      UPSTREAM_SITE_ROOT: '../target/site',
      UPSTREAM_DATABASE_URL: `sqlite://${databaseFile}`,
      // Beside the database rather than in the shared temporary folder itself.
      UPSTREAM_AUDIT_KEY: `${databaseFile}.audit-signing.key`,
    },
  },
});
