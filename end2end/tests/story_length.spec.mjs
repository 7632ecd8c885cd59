// Keep going and Wrap it up, on a phone: offered between the first scene and an ending,
// a tap changes the story's length from the next scene and comes back to the same scene,
// which says how far the ending is now.
import { test, expect } from './fixtures.mjs';
import { startStory, choose } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('Keep going makes a short story go on past its third scene', async ({ page }) => {
  await startStory(page, 'kids', { prompt: 'A tortoise who wants to fly', length: 'short' });
  // Not on the first scene.
  await expect(page.locator('form.story-length')).toHaveCount(0);
  const second = await choose(page, 0, 2);
  const length = page.locator('form.story-length');
  await expect(length).toContainText('The ending comes next.');
  await expect(length.getByRole('button', { name: 'Wrap it up' })).toHaveCount(0);
  const keepGoing = length.getByRole('button', { name: 'Keep going' });
  expect((await keepGoing.boundingBox()).height).toBeGreaterThanOrEqual(44);
  await keepGoing.tap();
  await expect(page).toHaveURL(second);
  await expect(page.locator('form.story-length')).toContainText('The ending is about 4 scenes away.');
  await page.waitForSelector('body[data-hydrated="true"]');
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toHaveCount(0);
  await expect(page.locator('button.choice').first()).toBeVisible();
});

test('Wrap it up brings the ending of a long story within two scenes', async ({ page }) => {
  await startStory(page, 'kids', { prompt: 'A penguin who opens a bakery', length: 'long' });
  await choose(page, 0, 2);
  await expect(page.locator('form.story-length')).toContainText('The ending is about 5 scenes away.');
  await page.locator('form.story-length').getByRole('button', { name: 'Wrap it up' }).tap();
  await expect(page.locator('form.story-length')).toContainText('The ending is about 2 scenes away.');
  await page.waitForSelector('body[data-hydrated="true"]');
  await choose(page, 0, 3);
  await choose(page, 0, 4);
  await expect(page.locator('.the-end')).toBeVisible();
});
