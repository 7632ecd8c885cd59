// The story map (seed feature 008): every explored scene as a tree, the current scene and
// the way there highlighted, untaken choices marked, one click to any scene; in play and in
// the reader; server-rendered, so it works without JavaScript and on a narrow phone.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose } from './helpers.mjs';

/** A story with two branches from its first scene; returns the three scene URLs. */
async function twoBranches(page, prompt, length = 'medium') {
  const root = await startStory(page, 'kids', { prompt, length });
  const left = await choose(page, 0, 2);
  await gotoHydrated(page, root);
  const right = await choose(page, 1, 2);
  return { root, left, right };
}

test('the map shows both branches and the current path, and a click goes to that scene', async ({ page }) => {
  const { left, right } = await twoBranches(page, 'An owl who carries a lantern');
  await page.getByRole('link', { name: 'Story map', exact: true }).click();
  await expect(page).toHaveURL(/\/map\?at=/);
  const nodes = page.locator('svg.story-map a.node');
  await expect(nodes).toHaveCount(3);
  // Depth first, choices in order: the first scene, then the left and the right branch.
  await expect(nodes.nth(2)).toHaveAttribute('aria-current', 'page');
  await expect(nodes.nth(2)).toHaveAttribute('aria-label', /Scene 2: .*After the choice: .*You are here$/);
  await expect(page.locator('path.edge.on-path')).toHaveCount(1);
  await expect(page.locator('path.edge')).toHaveCount(2);
  // The first scene's other choices are still untaken, and so are all of the new scenes'.
  await expect(nodes.nth(0)).toHaveAttribute('aria-label', /\d+ choices? not taken yet/);
  await expect(page.locator('path.untried')).toHaveCount(3);

  await nodes.nth(1).click();
  await expect(page).toHaveURL(left);
  await page.getByRole('link', { name: 'Story map', exact: true }).click();
  await expect(page.locator('svg.story-map a.node[aria-current="page"]')).toHaveAttribute('href', new URL(left).pathname);
  await page.getByRole('link', { name: '← Back to the scene' }).click();
  await expect(page).toHaveURL(left);
  expect(right).not.toBe(left);
});

test('the reader has the same map; a click reads that branch', async ({ page }) => {
  const { left } = await twoBranches(page, 'A snail who races the rain', 'short');
  // Finish the right branch (short stories end at scene 3).
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toBeVisible();
  await gotoHydrated(page, '/kids/gallery');
  const storyId = left.match(/\/story\/([0-9a-f]+)\//)[1];
  await page.locator(`.story-card[data-story="${storyId}"] a.card-link`).click();
  await page.getByRole('link', { name: 'Story map: every branch' }).click();
  const nodes = page.locator('svg.story-map a.node');
  await expect(nodes).toHaveCount(4);
  await nodes.nth(1).click();
  const leftId = new URL(left).pathname.split('/').pop();
  await expect(page).toHaveURL(new RegExp(`/kids/gallery/[0-9a-f]+\\?end=${leftId}#scene-${leftId}$`));
  await expect(page.locator('article.reader')).toBeVisible();
});

test("a scene picked on the reader's map opens the reader at that scene and the map marks it", async ({ page }) => {
  // A branch of three scenes: pick its middle one.
  const root = await startStory(page, 'kids', { prompt: 'A heron who counts the stars', length: 'medium' });
  const middle = await choose(page, 0, 2);
  await choose(page, 0, 3);
  const storyId = root.match(/\/story\/([0-9a-f]+)\//)[1];
  const middleId = new URL(middle).pathname.split('/').pop();
  await gotoHydrated(page, `/kids/gallery/${storyId}/map`);
  await page.locator(`svg.story-map a.node[href*="end=${middleId}"]`).click();
  const here = page.locator(`section.reader-scene#scene-${middleId}`);
  await expect(here).toHaveAttribute('aria-current', 'location');
  await expect(here.locator('.you-are-here')).toHaveText('You are here');
  await expect(here).toBeInViewport();
  await expect(page.locator('section.reader-scene[aria-current]')).toHaveCount(1);
  await page.getByRole('link', { name: 'Story map: every branch' }).click();
  await expect(page.locator('svg.story-map a.node[aria-current="page"]')).toHaveAttribute('href', new RegExp(`end=${middleId}`));
});

test('a linear story is one path; on a 390-px phone the map scrolls inside its box', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await startStory(page, 'kids', { prompt: 'A kite that wanted to see the sea', length: 'medium' });
  await choose(page, 0, 2);
  await choose(page, 0, 3);
  await page.getByRole('link', { name: 'Story map', exact: true }).click();
  const nodes = page.locator('svg.story-map a.node');
  await expect(nodes).toHaveCount(3);
  await expect(page.locator('path.edge.on-path')).toHaveCount(2);
  // The page itself never scrolls sideways; only the map's box may.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // Keyboard: every node is a link that takes focus.
  await nodes.first().focus();
  await expect(nodes.first()).toBeFocused();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the map is drawn by the server and its links work', async ({ page, browser }) => {
    // The story is made in a normal browser; the map is then read with JavaScript off.
    const context = await browser.newContext({ javaScriptEnabled: true });
    const player = await context.newPage();
    await startStory(player, 'kids', { prompt: 'A hedgehog who knits scarves' });
    const second = await choose(player, 0, 2);
    await context.close();
    const mapUrl = second.replace(/\/scene\/([0-9a-f]+)$/, '/map?at=$1');
    await page.goto(mapUrl);
    const nodes = page.locator('svg.story-map a.node');
    await expect(nodes).toHaveCount(2);
    await nodes.first().click();
    await expect(page).toHaveURL(/\/scene\/[0-9a-f]+$/);
  });
});
