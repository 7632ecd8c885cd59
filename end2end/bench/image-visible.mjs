// Benchmark (not a test): for N scenes, the time from "scene text stored" (the start
// server function answered) to "image visible in the page" (the <img> decoded, measured
// in Chromium), minus the simulated provider latency: our own overhead, browser included.
//
//   cd end2end && BENCH_SCENES=20 BENCH_LATENCY_MS=200 node bench/image-visible.mjs
//
// Needs the debug build (scripts/build.sh); starts its own demo server on port 3190.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const scenes = Number(process.env.BENCH_SCENES ?? 20);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 200);
const port = 3190;
const base = `http://127.0.0.1:${port}`;

const server = spawn('./serve.sh', [String(port)], {
  env: { ...process.env, DEMO_LATENCY_MS: String(latencyMs) },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    if (i > 300) throw new Error('the server did not start');
    await sleep(100);
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage();
  const overheads = [];
  for (let i = 0; i < scenes; i++) {
    await page.goto(`${base}/kids`);
    await page.waitForSelector('body[data-hydrated="true"]');
    await page.getByLabel('What should the story be about?').fill(`benchmark story number ${i}`);
    await page.locator('#image_model').selectOption('gpt-image-quick');
    const started = page.waitForResponse((r) => r.url().endsWith('/api/start_story'));
    await page.getByRole('button', { name: 'Begin the adventure' }).click();
    await started;
    const stored = performance.now();
    await page.waitForFunction(() => {
      const img = document.querySelector('img.scene-image');
      return img && img.complete && img.naturalWidth > 0;
    }, null, { polling: 'raf', timeout: 30_000 });
    overheads.push(performance.now() - stored - latencyMs);
  }
  await browser.close();
  overheads.sort((a, b) => a - b);
  const at = (p) => overheads[Math.min(overheads.length - 1, Math.round((overheads.length - 1) * p))];
  console.log(
    `image visible in the page over ${scenes} scenes (simulated provider latency ${latencyMs} ms subtracted): ` +
    `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${overheads.at(-1).toFixed(1)} ms`,
  );
} finally {
  server.kill();
}
