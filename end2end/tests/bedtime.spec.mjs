// Bedtime mode, on a phone: the kids' start form's switch makes a short, calm story whose
// scene pages dim to a warm night theme (only they), with a wind-down timer that turns
// amber five minutes after the story started; the grown-ups' form has no such switch.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, choose, unlock } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('a bedtime story is short and dim, and its timer signals at five minutes', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  const day = await background(page);
  await page.getByLabel('What should the story be about?').fill('A sleepy owl who counts the stars');
  await page.locator('input[name="input[length]"][value="long"]').check();
  await page.getByLabel('Bedtime story: calm and short, ends with a sleepy goodnight').check();
  await expect(page.locator('.bedtime-hint')).toContainText('short (3 scenes)');
  await page.getByRole('button', { name: 'Begin the adventure' }).tap();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });
  await page.waitForSelector('body[data-hydrated="true"]');

  await expect(page.locator('article.scene.bedtime')).toBeVisible();
  expect(await background(page)).toBe('rgb(23, 20, 31)');
  expect(await background(page)).not.toBe(day);
  const timer = page.locator('.wind-down');
  await expect(timer).toHaveText('Story time: just started');
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about 3');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // Five minutes on (the stylesheet's timer, run forward): amber, without a script.
  const amber = await timer.evaluate((el) => {
    for (const animation of el.getAnimations()) animation.currentTime = 5 * 60 * 1000 + 10;
    return getComputedStyle(el).color;
  });
  expect(amber).toBe('rgb(242, 184, 102)');

  await choose(page, 0, 2);
  await choose(page, 0, 3);
  await expect(page.locator('.scene-narrative')).toContainText('fell fast asleep');

  // The night look is the scenes' only: the home page and the reader keep the day.
  await gotoHydrated(page, '/kids');
  expect(await background(page)).toBe(day);
});

test('the grown-ups start form has no bedtime switch', async ({ page }) => {
  await unlock(page);
  await expect(page.locator('input[name="input[bedtime]"]')).toHaveCount(0);
});
