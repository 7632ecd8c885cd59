// Benchmark (not a test): tap → first sound of "Read to me", over 20 scenes, in Chromium as a
// 390-px phone. The simulator speaks at a real model's pace (its first audio after 350 ms,
// then four times faster than it plays); the scenes are written at once beforehand, so only
// the reading is timed. "First sound" is when the first samples are scheduled to play
// (AudioBufferSourceNode.start, plus its 50 ms lead). Then the same 20 scenes again, replayed
// from the store. Prints the median and the 95th percentile of each, and Stop's latency.
//
//   ./scripts/build.sh
//   cd end2end && node bench/read_aloud.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const PORT = 3194;
const SCENES = 20;
const base = `http://127.0.0.1:${PORT}`;

async function startServer() {
  const server = spawn('./serve.sh', [String(PORT)], {
    env: { ...process.env, RUST_LOG: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return server;
    } catch { /* not up yet */ }
    if (i > 300) throw new Error('the server did not start');
    await sleep(100);
  }
}

async function call(endpoint, fields) {
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams(fields),
  });
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function pace(firstTokenMs, tokensPerSecond) {
  await fetch(`${base}/sim/__control/pace`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ first_token_ms: firstTokenMs, tokens_per_second: tokensPerSecond }),
  });
}

/** An epic story's first `SCENES` scenes, as URLs. */
async function scenes() {
  const started = await call('start_story', {
    tier: 'kids', 'input[prompt]': 'a lighthouse keeper who sings to ships', 'input[length]': 'epic',
    'input[text_model]': 'gpt-6-luna', 'input[video_mode]': 'false',
  });
  const ids = [started.scene_id];
  while (ids.length < SCENES) {
    const view = await call('scene', { tier: 'kids', story_id: started.story_id, scene_id: ids.at(-1) });
    ids.push(await call('choose', { tier: 'kids', story_id: started.story_id, choice_id: view.choices[0].id }));
  }
  return ids.map((id) => `${base}/kids/story/${started.story_id}/scene/${id}`);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms (n=${samples.length})`;
}

const server = await startServer();
try {
  await pace(0, 0);
  const urls = await scenes();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.addInitScript(() => {
    localStorage.setItem('read-aloud:kids:auto', 'off');
    window.__ra = { starts: [], closes: [] };
    const start = AudioBufferSourceNode.prototype.start;
    AudioBufferSourceNode.prototype.start = function (when, ...rest) {
      window.__ra.starts.push({ at: performance.now(), when, now: this.context.currentTime });
      return start.call(this, when, ...rest);
    };
    const close = AudioContext.prototype.close;
    AudioContext.prototype.close = function () {
      window.__ra.closes.push(performance.now());
      return close.apply(this);
    };
  });
  const runs = { first: [], replay: [], stop: [] };
  for (const round of ['first', 'replay']) {
    // Real pace for the reading only.
    await pace(600, 60);
    for (const url of urls) {
      await page.goto(url);
      await page.locator('.read-aloud:not([hidden])').waitFor();
      await page.waitForFunction(() => document.querySelector('.read-aloud').dataset.state === 'idle');
      const tapped = await page.evaluate(() => {
        window.__ra.starts = [];
        const at = performance.now();
        document.querySelector('.read-aloud-play').click();
        return at;
      });
      await page.waitForFunction(() => window.__ra.starts.length > 0, null, { timeout: 20_000 });
      const first = await page.evaluate(() => window.__ra.starts[0]);
      // Sound begins at `when` on the audio clock: its lead after the call.
      runs[round].push(first.at - tapped + Math.max(0, first.when - first.now) * 1000);
      const stopped = await page.evaluate(() => {
        const at = performance.now();
        document.querySelector('.read-aloud-play').click();
        return window.__ra.closes.at(-1) - at;
      });
      runs.stop.push(stopped);
    }
    // Let the last reading be stored before the replay round.
    await sleep(1500);
  }
  await browser.close();
  console.log(`tap → first sound, made by the model: ${stats(runs.first)}`);
  console.log(`tap → first sound, replayed:          ${stats(runs.replay)}`);
  console.log(`stop → silent:                        ${stats(runs.stop)}`);
} finally {
  server.kill();
}
