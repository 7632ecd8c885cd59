// Chapter stories, on a phone: "Epic" on the start form, a chapter card above the first
// scene of each chapter (scenes 1, 6, …), "Continue chapter N" on the home page after the
// browser was closed, and the card fitting a 320-px screen.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.mjs';
import { gotoHydrated } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

/** Taps the first choice and waits for the scene at `depth`. */
async function next(page, depth) {
  await page.locator('button.choice').first().tap();
  await expect(page.locator(`article.scene[data-depth="${depth}"]`)).toBeVisible({ timeout: 30_000 });
  await page.waitForSelector('body[data-hydrated="true"]');
}

test('an epic story opens each chapter with its card and is continued by chapter', async ({ page, browser }) => {
  await gotoHydrated(page, '/kids');
  const epic = page.getByLabel('Epic (5 chapters, about 25 scenes)');
  await expect(epic).toBeVisible();
  await page.getByLabel('What should the story be about?').fill('A lighthouse cat who sails around the world');
  await epic.check();
  await page.getByRole('button', { name: 'Begin the adventure' }).tap();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });

  // Chapter 1's card, above the picture and the title: a pause, not a scene.
  const card = page.locator('.this-scene > .chapter-card');
  await expect(card).toContainText('Chapter 1');
  await expect(card.locator('.chapter-name')).toHaveText('The Road Begins');
  const cardBox = await card.boundingBox();
  const titleBox = await page.locator('.scene-title').boundingBox();
  expect(cardBox.y).toBeLessThan(titleBox.y);
  await expect(page.locator('.scene-meta')).toContainText('Chapter 1 of 5, scene 1');
  await page.waitForSelector('body[data-hydrated="true"]');

  for (const depth of [2, 3, 4, 5]) {
    await next(page, depth);
    await expect(page.locator('.chapter-card')).toHaveCount(0);
  }
  await next(page, 6);
  await expect(card).toContainText('Chapter 2');
  await expect(card.locator('.chapter-name')).toHaveText('Whispers in the Woods');
  const sixth = page.url();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // On the smallest phone the card fits and nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 700 });
  const box = await card.boundingBox();
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(320);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

  // The browser is closed; a new one opens the home page: "Continue chapter 2".
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const later = await context.newPage();
  await gotoHydrated(later, '/kids');
  const banner = later.getByRole('region', { name: 'Your chapter story' });
  await expect(banner).toContainText('at chapter 2');
  await banner.getByRole('link', { name: 'Continue chapter 2' }).tap();
  await expect(later).toHaveURL(`${sixth}?resume`);
  await expect(later.locator('.chapter-card')).toContainText('Whispers in the Woods');

  // Start fresh clears the chapter story's banner (it stays in the gallery).
  await gotoHydrated(later, '/kids');
  await banner.locator('summary', { hasText: 'Start fresh' }).click();
  await banner.getByRole('button', { name: 'Yes, start fresh' }).click();
  await expect(later.getByRole('region', { name: 'Your chapter story' })).toHaveCount(0);
  await context.close();
});
