// Sequels, on a phone: an ending offers "Continue the adventure"; its form says which story
// it follows and starts where that one ended; the gallery links the two both ways.
import { test, expect } from './fixtures.mjs';
import { startStory, choose, gotoHydrated } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('an ending continues as a new story that follows it, linked in the gallery', async ({ page }) => {
  await startStory(page, 'kids', { prompt: 'A walrus who learns to skate', length: 'short' });
  const title = (await page.locator('.scene-title').textContent()).trim();
  await choose(page, 0, 2);
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toBeVisible();
  await page.getByRole('link', { name: 'Continue the adventure' }).tap();
  await expect(page).toHaveURL(/\/kids\?sequel=[0-9a-f]+#start$/);
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page.getByRole('heading', { name: 'Continue the adventure' })).toBeVisible();
  await expect(page.locator('.sequel-banner')).toContainText(title);
  // No idea is needed: the storyteller goes on from the ending.
  await expect(page.locator('a.idea-card')).toHaveCount(0);
  await page.getByRole('button', { name: 'Begin the adventure' }).tap();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });
  await expect(page.locator('.scene-narrative')).toContainText(`After the adventure of "${title}"`);

  await gotoHydrated(page, '/kids/gallery');
  const original = page.locator('.story-card', { has: page.locator('.card-title', { hasText: title }) });
  await expect(original.locator('.sequel-chain')).toContainText('Continued in');
});
