// End-to-end tests in Debian's Chromium (/usr/bin/chromium): Playwright downloads no browser here.
import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

const PORT = 3100;
// A second instance with only the OpenAI key set, pointed at the first one's simulator.
export const OPENAI_ONLY_URL = 'http://127.0.0.1:3101';
// Where the demo instance keeps its data, so tests can check files on disk.
export const DEMO_DATA_DIR = path.join(os.tmpdir(), `cyoa-e2e-${PORT}`);

export default defineConfig({
  testDir: './tests',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      command: `./serve.sh ${PORT}`,
      env: { E2E_DATA_DIR: DEMO_DATA_DIR },
      url: `http://127.0.0.1:${PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `./serve.sh 3101 openai-only http://127.0.0.1:${PORT}/sim`,
      url: `${OPENAI_ONLY_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
