// Gallery and reader in Chromium, demo mode: a finished video story gets its badge, its
// reader plays every clip, a picture-only story has no video element, and deleting a
// story removes its card and its files on disk.
import { test, expect } from './fixtures.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_DATA_DIR } from '../playwright.config.mjs';
import { gotoHydrated, choose, open, moreChoices, parentMode } from './helpers.mjs';

/** Starts a short story and reads it to its ending; answers its id. */
async function finishStory(page, prompt, { video }) {
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill(prompt);
  await moreChoices(page);
  await page.locator('#image_model').selectOption('gpt-image-quick');
  if (video) await page.locator('#video_mode').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about 3', { timeout: 30_000 });
  const storyId = page.url().match(/story\/([0-9a-f]+)\//)[1];
  for (let depth = 2; depth <= 3; depth++) await choose(page, 0, depth);
  await expect(page.locator('.the-end')).toBeVisible();
  if (video) await expect(page.locator('video.scene-clip')).toBeVisible({ timeout: 30_000 });
  return storyId;
}

function card(page, storyId) {
  return page.locator(`.story-card[data-story="${storyId}"]`);
}

test('a finished video story has its badge, and the reader plays every clip', async ({ page }) => {
  const storyId = await finishStory(page, 'A balloon over the hills', { video: true });
  await gotoHydrated(page, '/kids/gallery');
  const item = card(page, storyId);
  await expect(item.locator('.video-badge')).toHaveText('▶ Video');
  await expect(item.locator('.image-model')).toHaveText('GPT Image Quick');
  await expect(item).toContainText('3 scenes');
  await expect(item.locator('img.cover')).toBeVisible();

  await item.locator('.card-link').click();
  await expect(page).toHaveURL(new RegExp(`/kids/gallery/${storyId}$`));
  const scenes = page.locator('.reader-scene');
  await expect(scenes).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    const scene = scenes.nth(i);
    // The clip in the picture's place, the picture as its poster (not shown twice).
    const clip = scene.locator('video.scene-clip');
    await expect(clip).toHaveAttribute('poster', /\/kids\/media\//);
    await expect(scene.locator('img.scene-image')).toHaveCount(0);
    await clip.evaluate((v) => { v.muted = true; return v.play(); });
    await expect.poll(() => clip.evaluate((v) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await clip.evaluate((v) => v.duration)).toBeGreaterThan(0);
    await clip.evaluate((v) => v.pause());
  }
  await expect(page.locator('.the-end-mark')).toBeVisible();
});

test('a story without video shows pictures only in the reader', async ({ page }) => {
  const storyId = await finishStory(page, 'A quiet library', { video: false });
  await gotoHydrated(page, `/kids/gallery/${storyId}`);
  await expect(page.locator('.reader-scene')).toHaveCount(3);
  await expect(page.locator('.reader-scene img.scene-image')).toHaveCount(3);
  await expect(page.locator('video')).toHaveCount(0);
  await expect(page.locator('.scene-video')).toHaveCount(0);
  await gotoHydrated(page, '/kids/gallery');
  await expect(card(page, storyId).locator('.video-badge')).toHaveCount(0);
  // Its book cover, made after its pictures, becomes the card: the title set on it in type.
  await expect.poll(async () => {
    await page.reload();
    return card(page, storyId).locator('.book-cover-title').count();
  }, { timeout: 20_000 }).toBe(1);
  const item = card(page, storyId);
  await expect(item.locator('.book-cover-title')).toHaveText(await item.locator('.card-title').textContent());
  const cover = item.locator('.book-cover img.cover');
  await expect(cover).toHaveAttribute('src', new RegExp(`/kids/media/${storyId}/cover\\.w384\\.jpg$`));
  // Laid out full size before it loads (a lazy picture far down the page), then decoded.
  expect((await cover.boundingBox()).width).toBeGreaterThan(100);
  await cover.scrollIntoViewIfNeeded();
  await expect.poll(() => cover.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  // On a 320-px phone the title stays inside its cover.
  await page.setViewportSize({ width: 320, height: 700 });
  const [box, title] = [await cover.boundingBox(), await item.locator('.book-cover-title').boundingBox()];
  expect(title.x).toBeGreaterThanOrEqual(box.x - 1);
  expect(title.x + title.width).toBeLessThanOrEqual(box.x + box.width + 1);
});

test('deleting a story asks first, then removes its card and its files', async ({ page, request }) => {
  const storyId = await finishStory(page, 'A sandcastle at dawn', { video: true });
  const dir = path.join(DEMO_DATA_DIR, 'media', 'kids', storyId);
  expect(fs.readdirSync(dir).some((f) => f.endsWith('.mp4'))).toBeTruthy();
  const clipUrl = await page.locator('video.scene-clip').getAttribute('src');

  // A child is not offered Delete; a parent is, and is asked first.
  await gotoHydrated(page, '/kids/gallery');
  await expect(card(page, storyId).locator('summary', { hasText: 'Delete' })).toHaveCount(0);
  await parentMode(page, 'kids', '/kids/gallery');
  const item = card(page, storyId);
  await open(item, 'Delete');
  await expect(item.locator('.confirm')).toContainText('cannot be undone');
  await item.getByRole('button', { name: 'Keep it' }).click();
  await expect(item).toBeVisible();
  await open(item, 'Delete');
  await item.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(card(page, storyId)).toHaveCount(0);
  expect(fs.existsSync(dir)).toBeFalsy();
  expect((await request.get(clipUrl)).status()).toBe(404);
});
