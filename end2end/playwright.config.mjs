// End-to-end tests in Debian's Chromium (/usr/bin/chromium): Playwright downloads no browser here.
import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

const PORT = 3100;
// A second instance with only the OpenAI key set, pointed at the first one's simulator; it
// also writes scenes ahead (off on the others, so fault injection stays predictable).
export const OPENAI_ONLY_URL = 'http://127.0.0.1:3101';
// Where the demo instance keeps its data, so tests can check files on disk.
export const DEMO_DATA_DIR = path.join(os.tmpdir(), `cyoa-e2e-${PORT}`);
// The parent PIN of the adult tier on the demo instance (set from ADULT_PIN, as an operator
// would); specs that use the adult tier unlock it first.
export const ADULT_PIN = 'e2e-2468';
// The PIN of the kids tier's parent controls on the demo instances (KIDS_PIN): specs that
// regenerate, retry after a failure, delete or change profiles open them first.
export const KIDS_PIN = 'e2e-1357';
// A gate instance: adult and kids both protected, kids with a PIN, adult still without one
// (its one-time setup code is in the log file the test reads).
export const GATE_URL = 'http://127.0.0.1:3103';
export const GATE_KIDS_PIN = 'kids-1357';
export const GATE_LOG = path.join(os.tmpdir(), 'cyoa-e2e-3103.log');
// A demo instance whose narration models are hidden, as on a server with no key for one:
// scenes are read by the browser's own speech.
export const NO_NARRATION_URL = 'http://127.0.0.1:3104';
// A demo instance serving the optimised bundle (wasm-opt), so a release-only breakage such as
// a bundle that never hydrates fails CI instead of reaching a family.
const RELEASE_PORT = 3102;

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
    // The offline worker would answer the requests a test routes or fails on purpose; only
    // pwa.spec.mjs, which tests it, lets it run.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ],
    },
  },
  projects: [
    // Every spec against the debug bundle.
    { name: 'debug', testIgnore: /no_js\.spec\.mjs$/, use: { baseURL: `http://127.0.0.1:${PORT}` } },
    // The plain-HTML forms, with JavaScript off in the browser.
    {
      name: 'no-js',
      testMatch: /no_js\.spec\.mjs$/,
      use: { baseURL: `http://127.0.0.1:${PORT}`, javaScriptEnabled: false },
    },
    // The smoke spec again against the optimised bundle.
    { name: 'release', testMatch: /smoke\.spec\.mjs$/, use: { baseURL: `http://127.0.0.1:${RELEASE_PORT}` } },
  ],
  webServer: [
    {
      command: `./serve.sh ${PORT}`,
      env: { E2E_DATA_DIR: DEMO_DATA_DIR, ADULT_PIN, KIDS_PIN },
      url: `http://127.0.0.1:${PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `./serve.sh 3101 openai-only http://127.0.0.1:${PORT}/sim`,
      // The instance that writes the next scenes ahead (instant_scenes.spec.mjs).
      env: { PREFETCH_TIERS: 'kids,adult' },
      url: `${OPENAI_ONLY_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `./serve.sh ${RELEASE_PORT}`,
      env: { SITE_ROOT: process.env.RELEASE_SITE_ROOT || 'target/site-release', ADULT_PIN, KIDS_PIN },
      url: `http://127.0.0.1:${RELEASE_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: './serve.sh 3104',
      env: {
        CYOA_MODELS: 'text_to_speech.gemini-tts.hidden = true\ntext_to_speech.openai-tts.hidden = true',
        KIDS_PIN,
      },
      url: `${NO_NARRATION_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: './serve.sh 3103',
      env: { PROTECTED_TIERS: 'adult,kids', KIDS_PIN: GATE_KIDS_PIN, E2E_LOG: GATE_LOG },
      url: `${GATE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
