// Accessibility: axe-core finds no violation of any impact on any page of either tier:
// home, a scene with its picture and clip, the story map, the gallery, the reader and the
// profiles and family pages; plus the landing, status and PIN pages.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, choose, unlock, moreChoices } from './helpers.mjs';

async function expectAccessible(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(bad, `${what}: accessibility violations`).toEqual([]);
}

test('the landing, status and PIN pages', async ({ page }) => {
  await gotoHydrated(page, '/');
  await expectAccessible(page, 'landing');
  await gotoHydrated(page, '/status');
  await expect(page.locator('.provider-card').first()).toBeVisible();
  await expectAccessible(page, 'status');
  await page.goto('/adult');
  await expectAccessible(page, 'PIN page');
  await page.goto('/kids/parent');
  await expectAccessible(page, 'parent controls PIN page');
});

for (const tier of ['kids', 'adult']) {
  test(`every page of the ${tier} tier`, async ({ page }) => {
    if (tier === 'adult') await unlock(page);
    await gotoHydrated(page, `/${tier}`);
    await expectAccessible(page, `${tier} home`);

    await page.getByLabel('What should the story be about?').fill('A lantern that lights the way home');
    await moreChoices(page);
    await page.locator('#image_model').selectOption('gpt-image-quick');
    await page.locator('#video_mode').check();
    await page.locator('input[name="input[length]"][value="short"]').check();
    await page.getByRole('button', { name: 'Begin the adventure' }).click();
    await expect(page.locator('video.scene-clip')).toBeVisible({ timeout: 30_000 });
    await expectAccessible(page, `${tier} scene with picture and clip`);
    const storyId = page.url().match(/story\/([0-9a-f]+)\//)[1];

    await choose(page, 0, 2);
    await choose(page, 0, 3);
    await page.getByRole('link', { name: 'Story map', exact: true }).click();
    await expect(page.locator('svg.story-map')).toBeVisible();
    await expectAccessible(page, `${tier} story map`);

    await gotoHydrated(page, `/${tier}/gallery`);
    await expectAccessible(page, `${tier} gallery`);
    await gotoHydrated(page, `/${tier}/gallery/${storyId}`);
    await expectAccessible(page, `${tier} reader`);
    await gotoHydrated(page, `/${tier}/profiles`);
    await expectAccessible(page, `${tier} profiles`);
    await gotoHydrated(page, `/${tier}/family`);
    await expectAccessible(page, `${tier} family`);
  });
}
