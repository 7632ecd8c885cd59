// New picture (seed feature 005, US3, "Regenerate"): a parent can have a finished picture
// made anew in play, after a question that says it is paid; the old one stays until the new
// one is ready; a failed attempt keeps the old one and says so; the reader never offers it,
// and a child (parent controls locked) is never offered it.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose, injectFault, clearFaults, open, parentMode } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

/** New picture, then its question's yes: what a parent does. */
async function newPicture(page) {
  await open(page.locator('.media-pane'), 'New picture');
  await expect(page.locator('.media-pane details[open] .confirm')).toContainText('paid');
  await page.getByRole('button', { name: 'Yes, make a new one' }).click();
}

test('New picture replaces the picture, keeping the old one until then; a failure keeps it', async ({ page, request }) => {
  await parentMode(page);
  await startStory(page, 'kids', { prompt: 'A lighthouse cat who counts ships', imageModel: 'gpt-image-quick' });
  const picture = page.locator('img.scene-image');
  await expect(picture).toBeVisible({ timeout: 30_000 });
  const first = await picture.getAttribute('src');

  await injectFault(request, { api: 'openai', kind: 'slow', count: 1, delay_ms: 1500 });
  await newPicture(page);
  await expect(page.getByText('Painting a new picture')).toBeVisible();
  await expect(picture).toHaveAttribute('src', first);
  await expect(picture).not.toHaveAttribute('src', first, { timeout: 30_000 });
  const second = await picture.getAttribute('src');
  await expect(page.locator('summary', { hasText: 'New picture' })).toBeVisible();

  await injectFault(request, { api: 'openai', kind: 'policy', count: 5 });
  await newPicture(page);
  await expect(page.locator('.media-note')).toContainText('so the old one stays', { timeout: 30_000 });
  await expect(picture).toHaveAttribute('src', second);
  // The picture shown is still served.
  expect((await request.get(second)).status()).toBe(200);
});

test('Keep this one changes nothing, and a child is never offered a new picture', async ({ page }) => {
  await parentMode(page);
  const scene = await startStory(page, 'kids', { prompt: 'A snail who wanted a race', imageModel: 'gpt-image-quick' });
  const picture = page.locator('img.scene-image');
  await expect(picture).toBeVisible({ timeout: 30_000 });
  const first = await picture.getAttribute('src');
  await open(page.locator('.media-pane'), 'New picture');
  await page.getByRole('button', { name: 'Keep this one' }).click();
  await expect(page.locator('.media-pane .confirm')).toBeHidden();
  await expect(page.getByText('Painting a new picture')).toHaveCount(0);
  await expect(picture).toHaveAttribute('src', first);
  // Locked again: the same scene offers nothing that costs money.
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page).toHaveURL(/\/kids$/);
  await gotoHydrated(page, scene);
  await expect(picture).toBeVisible();
  await expect(page.locator('summary', { hasText: 'New picture' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Grown-ups' })).toBeVisible();
});

test('the reader never offers a new picture', async ({ page }) => {
  await parentMode(page);
  const url = await startStory(page, 'kids', { prompt: 'A pebble who wanted to roll', imageModel: 'gpt-image-quick' });
  await choose(page, 0, 2);
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toBeVisible();
  const storyId = url.match(/\/story\/([0-9a-f]+)\//)[1];
  await gotoHydrated(page, `/kids/gallery/${storyId}`);
  await expect(page.locator('article.reader img.scene-image').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('summary', { hasText: /New picture|New clip/ })).toHaveCount(0);
});
