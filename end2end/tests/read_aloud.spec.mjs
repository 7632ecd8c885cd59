// Read aloud as a child and a parent meet it on a phone: a new kids' scene reads itself
// (the story voice, streamed by the server), Stop is silent at once, the spoken sentence is
// highlighted without moving the text, the voice and "by itself" are remembered, a replay
// costs no second model call, the stored audio plays in a media element, and a server with
// no narration model reads with the browser's own speech — the narrative only.
import { test, expect } from './fixtures.mjs';
import { startStory, choose, gotoHydrated } from './helpers.mjs';
import { NO_NARRATION_URL } from '../playwright.config.mjs';
import os from 'node:os';
import path from 'node:path';

test.use({ viewport: { width: 390, height: 844 } });

/** Records when sound is scheduled and when a reading is silenced (Web Audio). */
async function listenToAudio(page) {
  await page.addInitScript(() => {
    window.__ra = { starts: [], closes: [] };
    const start = AudioBufferSourceNode.prototype.start;
    AudioBufferSourceNode.prototype.start = function (...args) {
      window.__ra.starts.push(performance.now());
      return start.apply(this, args);
    };
    const close = AudioContext.prototype.close;
    AudioContext.prototype.close = function () {
      window.__ra.closes.push(performance.now());
      return close.apply(this);
    };
  });
}

/** The in-process simulator's narration calls (Gemini's TTS model comes first in demo mode). */
async function speechCalls(request) {
  const stats = await (await request.get('/sim/__control/stats')).json();
  return stats.requests['gemini/generateContent'] ?? 0;
}

test('a new kids scene reads itself; stop is instant; the voice is remembered; a replay is free', async ({ page, request }) => {
  await listenToAudio(page);
  const readings = [];
  page.on('request', (r) => { if (r.url().includes('/read-aloud/')) readings.push(r.url()); });
  await startStory(page, 'kids', { prompt: 'a hedgehog who hums' });
  const widget = page.locator('.read-aloud');
  const play = page.locator('.read-aloud-play');
  await expect(widget).toBeVisible();
  await expect(widget).toContainText('Story voice');
  // Auto-play in the kids' tier: it sounds without a tap on this scene.
  await expect(widget).toHaveAttribute('data-state', 'sounding');
  await expect.poll(() => page.evaluate(() => window.__ra.starts.length)).toBeGreaterThan(0);
  expect(readings[0]).toMatch(/\/kids\/read-aloud\/[0-9a-f]+\/warm$/);
  await expect(play).toHaveText('■ Stop');
  await expect(play).toHaveAttribute('aria-pressed', 'true');

  // The sentence being said is highlighted, and the text does not move for it.
  await expect(page.locator('.sentence.spoken')).toHaveCount(1);
  const words = await page.locator('.scene-narrative').boundingBox();

  // Stop: silent within 100 ms of the tap (the audio context is closed in the tap itself).
  const stoppedIn = await page.evaluate(() => {
    const before = window.__ra.closes.length;
    const at = performance.now();
    document.querySelector('.read-aloud-play').click();
    return window.__ra.closes.length > before ? window.__ra.closes.at(-1) - at : Infinity;
  });
  expect(stoppedIn).toBeLessThan(100);
  await expect(widget).toHaveAttribute('data-state', 'idle');
  await expect(play).toHaveText('▶ Read to me');
  await expect(page.locator('.sentence.spoken')).toHaveCount(0);
  expect(await page.locator('.scene-narrative').boundingBox()).toEqual(words);

  // Another voice, remembered across scenes and reloads; "by itself" off, remembered too.
  await page.locator('.read-aloud-voice select').selectOption('gentle');
  await page.getByLabel('Read each new scene by itself').uncheck();
  await page.reload();
  await expect(page.locator('.read-aloud-voice select')).toHaveValue('gentle');
  await expect(page.getByLabel('Read each new scene by itself')).not.toBeChecked();
  await expect(widget).toHaveAttribute('data-state', 'idle');

  // Played once in this voice (the model is paid), then again: no second call.
  await play.click();
  await expect(widget).toHaveAttribute('data-state', 'sounding');
  expect(readings.at(-1)).toMatch(/\/gentle$/);
  await play.click();
  await expect(widget).toHaveAttribute('data-state', 'idle');
  const calls = await speechCalls(request);
  await play.click();
  await expect(widget).toHaveAttribute('data-state', 'sounding');
  await play.click();
  expect(await speechCalls(request)).toBe(calls);

  // The next scene does not read itself now; a tap on a choice stops any reading.
  await play.click();
  await expect(widget).toHaveAttribute('data-state', 'sounding');
  const starts = await page.evaluate(() => window.__ra.starts.length);
  await choose(page, 0, 2);
  await expect(page.locator('.read-aloud')).toHaveAttribute('data-state', 'idle');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.__ra.starts.length)).toBe(starts);
  // Put back for the other specs sharing the tier.
  await page.getByLabel('Read each new scene by itself').check();
  await page.locator('.read-aloud-voice select').selectOption('warm');
});

test('the stored reading is real audio a media element plays, also in the export offline', async ({ page, browser }) => {
  await startStory(page, 'kids', { prompt: 'a robin who whistles' });
  const scene = page.url().split('/scene/')[1];
  const audio = `/kids/read-aloud/${scene}/friendly`;
  // Made once (streamed), then played from the store in an <audio> element.
  const made = await page.request.get(audio);
  expect(made.status()).toBe(200);
  await expect.poll(async () => (await page.request.get(audio)).headers()['cache-control']).toContain('private');
  const played = await page.evaluate(async (src) => {
    const a = new Audio(src);
    a.muted = true;
    await a.play();
    const t0 = a.currentTime;
    await new Promise((r) => setTimeout(r, 600));
    return { ready: a.readyState, advanced: a.currentTime > t0, duration: a.duration };
  }, audio);
  expect(played.ready).toBeGreaterThanOrEqual(2);
  expect(played.advanced).toBe(true);
  expect(played.duration).toBeGreaterThan(2);

  // The web-page export, asked for with the readings, plays them from file:// offline.
  const storyId = page.url().match(/\/story\/([0-9a-f]+)\//)[1];
  await gotoHydrated(page, `/kids/gallery/${storyId}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /with the scenes read aloud/ }).click(),
  ]);
  const file = path.join(os.tmpdir(), `cyoa-export-audio-${storyId}.html`);
  await download.saveAs(file);
  const offline = await browser.newContext({ offline: true });
  const reader = await offline.newPage();
  await reader.goto(`file://${file}`);
  const listen = reader.getByLabel('Listen to this scene');
  await expect(listen).toHaveCount(1);
  const offlinePlay = await listen.evaluate(async (a) => {
    a.muted = true;
    await a.play();
    await new Promise((r) => setTimeout(r, 400));
    return { ready: a.readyState, time: a.currentTime };
  });
  expect(offlinePlay.ready).toBeGreaterThanOrEqual(2);
  expect(offlinePlay.time).toBeGreaterThan(0);
  await offline.close();
});

test('without a narration model the browser reads the narrative only, a sentence at a time', async ({ page }) => {
  await page.addInitScript(() => {
    window.__spoken = [];
    const fake = {
      speaking: false,
      getVoices: () => [],
      cancel() {},
      speak(utterance) {
        window.__spoken.push(utterance.text);
        setTimeout(() => utterance.onend && utterance.onend(new Event('end')), 30);
      },
    };
    Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
  });
  await gotoHydrated(page, `${NO_NARRATION_URL}/kids`);
  await page.getByLabel('What should the story be about?').fill('a turtle who tells jokes');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about', { timeout: 30_000 });
  const widget = page.locator('.read-aloud');
  await expect(widget).toContainText("This device's voice");
  // It read itself (kids), every sentence, and nothing but the narrative.
  await expect(widget).toHaveAttribute('data-state', 'idle', { timeout: 15_000 });
  const sentences = await page.locator('.scene-narrative .sentence').allTextContents();
  await expect.poll(() => page.evaluate(() => window.__spoken.length)).toBe(sentences.length);
  expect(await page.evaluate(() => window.__spoken)).toEqual(sentences);
  const choices = await page.locator('button.choice').allTextContents();
  const spoken = (await page.evaluate(() => window.__spoken)).join(' ');
  for (const choice of choices) expect(spoken).not.toContain(choice.trim());
});
