// Regenerate (seed feature 005, US3): a finished picture can be made anew in play; the old
// one stays until the new one is ready; a failed attempt keeps the old one and says so; the
// reader never offers it.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose, injectFault, clearFaults } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

test('Regenerate replaces the picture, keeping the old one until then; a failure keeps it', async ({ page, request }) => {
  await startStory(page, 'kids', { prompt: 'A lighthouse cat who counts ships', imageModel: 'gpt-image-quick' });
  const picture = page.locator('img.scene-image');
  await expect(picture).toBeVisible({ timeout: 30_000 });
  const first = await picture.getAttribute('src');

  await injectFault(request, { api: 'openai', kind: 'slow', count: 1, delay_ms: 1500 });
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByText('Painting a new picture')).toBeVisible();
  await expect(picture).toHaveAttribute('src', first);
  await expect(picture).not.toHaveAttribute('src', first, { timeout: 30_000 });
  const second = await picture.getAttribute('src');
  await expect(page.getByRole('button', { name: 'Regenerate' })).toBeVisible();

  await injectFault(request, { api: 'openai', kind: 'policy', count: 5 });
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.locator('.media-note')).toContainText('so the old one stays', { timeout: 30_000 });
  await expect(picture).toHaveAttribute('src', second);
  // The picture shown is still served.
  expect((await request.get(second)).status()).toBe(200);
});

test('the reader never offers Regenerate', async ({ page }) => {
  const url = await startStory(page, 'kids', { prompt: 'A pebble who wanted to roll', imageModel: 'gpt-image-quick' });
  await choose(page, 0, 2);
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toBeVisible();
  const storyId = url.match(/\/story\/([0-9a-f]+)\//)[1];
  await gotoHydrated(page, `/kids/gallery/${storyId}`);
  await expect(page.locator('article.reader img.scene-image').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: /Regenerate/ })).toHaveCount(0);
});
