// Benchmark (not a test): what a phone on a slow link gets. Chromium as a 390-px phone on a
// "slow 4G" link (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip) opens the home page,
// a scene with its picture and clip, the gallery with 24 stories and the reader, first with
// an empty cache and then again; prints per page the bytes transferred, when the first form
// (or link) works, when the app has started, LCP and CLS. Then, with the simulator writing at
// a real model's pace (600 ms to the first token, 60 tokens/s), Begin and a tap on a choice:
// how long until the first words of the scene being written show, and whether they show
// inside the phone's screen (where the eye is) or below it.
//
//   ./scripts/build.sh && ./scripts/build.sh --release-site
//   cd end2end && node bench/phone.mjs
//
// It runs two demo servers side by side, each with its own data (24 stories, one with
// video): one serving the debug bundle (what `scripts/run.sh` served before) and one the
// optimised bundle. BENCH_SITES=release measures only the optimised one. An earlier build,
// measured in the same run, is the site "before": BENCH_BEFORE_ROOT (its optimised bundle)
// and BENCH_BEFORE_BIN (its server), e.g. BENCH_SITES=before,release.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
const TARGETS = { galleryBytes: 1.5e6, homeUsableMs: 1500, lcpMs: 2500, cls: 0 };
const SITES = {
  debug: { port: 3191, root: 'target/site' },
  release: { port: 3192, root: 'target/site-release' },
  before: { port: 3193, root: process.env.BENCH_BEFORE_ROOT, bin: process.env.BENCH_BEFORE_BIN },
};
const chosen = (process.env.BENCH_SITES ?? 'debug,release').split(',');
if (chosen.includes('before') && !(SITES.before.root && SITES.before.bin)) {
  throw new Error('the site "before" needs BENCH_BEFORE_ROOT (its bundle) and BENCH_BEFORE_BIN (its server)');
}

async function startServer({ port, root, bin }) {
  const server = spawn('./serve.sh', [String(port)], {
    env: { ...process.env, SITE_ROOT: root, RUST_LOG: 'error', ...(bin ? { CYOA_BIN: bin } : {}) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { server, base };
    } catch { /* not up yet */ }
    if (i > 300) throw new Error('the server did not start');
    await sleep(100);
  }
}

/** A server function called as the app calls it (URL-encoded form, JSON answer). */
async function call(base, endpoint, fields) {
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams(fields),
  });
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Plays a story to its end; answers its id and its scenes' ids. */
async function playStory(base, prompt, video) {
  const started = await call(base, 'start_story', {
    tier: 'kids', 'input[prompt]': prompt, 'input[length]': 'short',
    'input[text_model]': 'gpt-6-luna', 'input[image_model]': 'gpt-image-quick',
    ...(video ? { 'input[video_mode]': 'true' } : {}),
  });
  const scenes = [started.scene_id];
  for (;;) {
    const view = await call(base, 'scene', { tier: 'kids', story_id: started.story_id, scene_id: scenes.at(-1) });
    if (view.choices.length === 0) return { story: started.story_id, scenes };
    scenes.push(await call(base, 'choose', { tier: 'kids', story_id: started.story_id, choice_id: view.choices[0].id }));
  }
}

/** Waits until every picture and clip of the scene is final. */
async function settle(base, story, scene) {
  for (let i = 0; i < 600; i++) {
    const view = await call(base, 'scene', { tier: 'kids', story_id: story, scene_id: scene });
    const done = (m) => !m || m.status === 'complete' || m.status === 'failed';
    if (done(view.image) && done(view.video)) return;
    await sleep(100);
  }
  throw new Error('media never finished');
}

async function seed(base) {
  const video = await playStory(base, 'A lighthouse keeper finds a map of the sea', true);
  for (let i = 0; i < 23; i++) await playStory(base, `Story ${i}: a fox, a kite and a windy hill`, false);
  for (const scene of video.scenes) await settle(base, video.story, scene);
  return video;
}

// In the page from its first byte: when the watched element is first in the DOM, and the
// page's LCP and CLS as Chromium reports them.
function observe(selector) {
  window.__bench = { seen: null, hydrated: null, lcp: 0, cls: 0 };
  const check = () => {
    if (window.__bench.seen === null && document.querySelector(selector)) {
      window.__bench.seen = performance.now();
    }
    if (window.__bench.hydrated === null && document.body?.dataset.hydrated === 'true') {
      window.__bench.hydrated = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__bench.cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
}

async function visit(page, cdp, url, selector) {
  let bytes = 0;
  const count = (e) => { bytes += e.encodedDataLength; };
  cdp.on('Network.loadingFinished', count);
  await page.goto(url, { waitUntil: 'load', timeout: 180_000 });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 180_000 });
  await page.waitForLoadState('networkidle', { timeout: 180_000 });
  const timing = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
    return { ...window.__bench, fcp };
  });
  cdp.off('Network.loadingFinished', count);
  // A form works once it is on the page and painted (it posts without the app).
  return { bytes, usable: Math.max(timing.seen ?? Infinity, timing.fcp), ...timing };
}

async function measure(browser, base, name, path, selector) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  });
  await context.addInitScript(observe, selector);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  const first = await visit(page, cdp, `${base}${path}`, selector);
  const again = await visit(page, cdp, `${base}${path}`, selector);
  await context.close();
  return { name, first, again };
}

/** The pace of the simulated storytellers (the demo instance's simulator). */
async function setPace(base, firstTokenMs, tokensPerSecond) {
  await fetch(`${base}/sim/__control/pace`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ first_token_ms: firstTokenMs, tokens_per_second: tokensPerSecond }),
  });
}

/** From `act` (a tap) until the first words being written are on the page: the time, and
 *  whether their first line is inside the 844-px screen. */
async function firstWords(page, act) {
  await page.evaluate(() => {
    window.__words = null;
    const check = () => {
      const words = document.querySelector('.words-so-far .scene-narrative p');
      if (window.__words === null && words && words.textContent.trim()) {
        const box = words.getBoundingClientRect();
        window.__words = { at: performance.now(), top: box.top, inView: box.top >= 0 && box.top + 20 <= innerHeight };
      }
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const tapped = await page.evaluate(() => performance.now());
  await act();
  await page.waitForFunction(() => window.__words !== null, null, { timeout: 60_000 });
  const words = await page.evaluate(() => window.__words);
  return { ms: words.at - tapped, top: words.top, inView: words.inView };
}

async function measureWords(browser, base) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await setPace(base, 600, 60);
  const rows = [];
  try {
    await page.goto(`${base}/kids`, { timeout: 180_000 });
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 180_000 });
    await page.getByLabel('What should the story be about?').fill('A tortoise who wants to see the sea');
    const button = page.getByRole('button', { name: 'Begin the adventure' });
    await button.scrollIntoViewIfNeeded();
    rows.push(['Begin → first words', await firstWords(page, () => button.tap())]);
    await page.waitForURL(/\/scene\//, { timeout: 60_000 });
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
    const choice = page.locator('button.choice').first();
    await choice.scrollIntoViewIfNeeded();
    rows.push(['tap a choice → first words', await firstWords(page, () => choice.tap())]);
  } finally {
    await setPace(base, 0, 0);
    await context.close();
  }
  console.log('\nwords being written (600 ms to the first token, 60 tokens/s), slow 4G, 390×844');
  for (const [name, words] of rows) {
    console.log(
      `${name.padEnd(28)} ${ms(words.ms).padStart(8)}   first line at y=${words.top.toFixed(0)} px: ` +
        `${words.inView ? 'on the screen' : 'below the screen'}`,
    );
  }
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'never');

const running = [];
try {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  for (const site of chosen) {
    const { server, base } = await startServer(SITES[site]);
    running.push(server);
    const story = await seed(base);
    const pages = [
      ['landing (first page)', '/', '.tier-list a'],
      ['home', '/kids', 'form.start-form button[type=submit]'],
      ['scene (picture + clip)', `/kids/story/${story.story}/scene/${story.scenes[1]}`, 'form.choice-form button'],
      ['gallery (24 stories)', '/kids/gallery', '.story-card a.read'],
      ['reader', `/kids/gallery/${story.story}`, '.reader-scene'],
    ];
    console.log(`\n${site} bundle (${SITES[site].root}), slow 4G, 390-px phone`);
    console.log('page                      bytes   again   usable  app started      LCP    CLS');
    for (const [name, path, selector] of pages) {
      const { first, again } = await measure(browser, base, name, path, selector);
      console.log(
        `${name.padEnd(24)} ${kb(first.bytes).padStart(7)} ${kb(again.bytes).padStart(7)} ` +
          `${ms(first.usable).padStart(8)} ${ms(first.hydrated).padStart(12)} ` +
          `${ms(first.lcp).padStart(8)} ${first.cls.toFixed(3).padStart(6)}`,
      );
    }
    await measureWords(browser, base);
    server.kill();
  }
  console.log(
    `\ntargets: gallery ≤ ${kb(TARGETS.galleryBytes)}, home usable ≤ ${ms(TARGETS.homeUsableMs)}, ` +
      `LCP ≤ ${ms(TARGETS.lcpMs)}, CLS ${TARGETS.cls}; the first words on the screen, ` +
      `≤ the first token + 100 ms (plus the link's round trips)`,
  );
  await browser.close();
} finally {
  for (const server of running) server.kill();
}
