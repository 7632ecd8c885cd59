// Video mode in Chromium, demo mode: every scene shows its picture at once and then a
// playing Grok Imagine clip (the simulator makes real H.264 MP4s).
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, choose, injectFault, clearFaults } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

async function startVideoStory(page, prompt) {
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill(prompt);
  await page.locator('#image_model').selectOption('gpt-image-1-mini');
  await page.locator('#video_mode').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about', { timeout: 30_000 });
}

async function expectPlayingClip(page) {
  const img = page.locator('img.scene-image');
  await expect(img).toBeVisible({ timeout: 30_000 });
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
  await injectFault(request, { api: 'xai', kind: 'video_failed', count: 1 });
  await startVideoStory(page, 'A snowman learns to skate');
  const failed = page.locator('.video-failed');
  await expect(failed).toContainText('The video clip could not be made', { timeout: 30_000 });
  await expect(page.locator('img.scene-image')).toBeVisible();
  await expect(page.locator('button.choice').first()).toBeEnabled();
  await page.getByRole('button', { name: 'Retry video' }).click();
  await expectPlayingClip(page);
});

test('without the xAI key there is no video mode toggle', async ({ page }) => {
  await gotoHydrated(page, 'http://127.0.0.1:3101/kids');
  await expect(page.locator('#image_model')).toBeVisible();
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
