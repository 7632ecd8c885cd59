// Video mode in Chromium, demo mode: every scene shows its picture at once and then a
// playing Grok Imagine clip (the simulator makes real H.264 MP4s).
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, choose, injectFault, clearFaults, moreChoices, parentMode } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

async function startVideoStory(page, prompt) {
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill(prompt);
  await moreChoices(page);
  await page.locator('#image_model').selectOption('gpt-image-quick');
  await page.locator('#video_mode').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about', { timeout: 30_000 });
}

async function expectPlayingClip(page) {
  // The picture first; the clip then takes its place in the same square.
  await expect(page.locator('img.scene-image, video.scene-clip').first()).toBeVisible({ timeout: 30_000 });
  const clip = page.locator('video.scene-clip');
  await expect(clip).toBeVisible({ timeout: 30_000 });
  await expect(clip).toHaveAttribute('controls', '');
  await expect(clip).toHaveAttribute('poster', /\/kids\/media\//);
  await expect.poll(() => clip.evaluate((v) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  expect(await clip.evaluate((v) => v.duration)).toBeGreaterThan(0);
  await clip.evaluate((v) => { v.muted = true; return v.play(); });
  await expect.poll(() => clip.evaluate((v) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0);
}

test('with video mode on, every scene shows its picture and then a playing clip', async ({ page }) => {
  await startVideoStory(page, 'A paper boat on a long river');
  await expect(page.locator('.scene-video')).toBeVisible();
  await expectPlayingClip(page);
  await choose(page, 0, 2);
  await expectPlayingClip(page);
});

test('a failed clip says so, the picture stays, and Retry brings the clip', async ({ page, request }) => {
  // Retry after a final failure is a parent's.
  await parentMode(page);
  await injectFault(request, { api: 'xai', kind: 'video_failed', count: 1 });
  await startVideoStory(page, 'A snowman learns to skate');
  const failed = page.locator('.video-failed');
  await expect(failed).toContainText('The video clip could not be made', { timeout: 30_000 });
  await expect(page.locator('img.scene-image')).toBeVisible();
  await expect(page.locator('button.choice').first()).toBeEnabled();
  await page.getByRole('button', { name: 'Retry video' }).click();
  await expectPlayingClip(page);
});

test('nothing on the scene page moves while the picture and then the clip arrive', async ({ page, request }) => {
  // Cumulative layout shift from the page load to a playing clip, as Chromium measures it.
  await page.addInitScript(() => {
    window.__layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await startVideoStory(page, 'A lantern festival on the lake');
  // The next scene's picture takes a while, so the page loads with both still being made.
  await injectFault(request, { api: 'openai', kind: 'slow', count: 1, delay_ms: 2500 });
  await choose(page, 0, 2);
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page.locator('.image-pending')).toBeVisible();
  await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  await expectPlayingClip(page);
  await expect(page.locator('img.scene-image')).toHaveCount(0);
  const shift = await page.evaluate(() => window.__layoutShift);
  expect(shift).toBe(0);
});

test('without the xAI key there is no video mode toggle', async ({ page }) => {
  await gotoHydrated(page, 'http://127.0.0.1:3101/kids');
  await expect(page.locator('#image_model')).toBeAttached();
  await expect(page.locator('#video_mode')).toHaveCount(0);
});

test('a story without video mode shows no video pane', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill('A quiet pond');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.scene-video')).toHaveCount(0);
  await expect(page.locator('video')).toHaveCount(0);
});
