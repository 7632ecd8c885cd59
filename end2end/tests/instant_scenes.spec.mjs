// Instant scenes: the next scene's words appear as the storyteller writes them; a choice
// written ahead (on the instance with writing ahead on) opens at once; without JavaScript a
// choice is a plain form that waits for the whole scene.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory } from './helpers.mjs';
import { OPENAI_ONLY_URL } from '../playwright.config.mjs';

/** How fast the demo simulator writes (it serves both instances). */
async function setPace(request, firstTokenMs, tokensPerSecond) {
  const res = await request.post('/sim/__control/pace', {
    data: { first_token_ms: firstTokenMs, tokens_per_second: tokensPerSecond },
  });
  expect(res.ok()).toBeTruthy();
}

test.afterEach(async ({ request }) => setPace(request, 0, 0));

test('the next scene appears word by word while it is written, then its choices', async ({ page, request }) => {
  await startStory(page, 'kids', { prompt: 'A whale who sings opera' });
  await setPace(request, 300, 60);
  // Every length the words take on screen, sampled every 20 ms.
  await page.evaluate(() => {
    window.wordLengths = new Set();
    window.sampler = setInterval(() => {
      const words = document.querySelector('.words-so-far .scene-narrative');
      if (words) window.wordLengths.add(words.textContent.length);
    }, 20);
  });
  await page.locator('button.choice').first().click();
  await expect(page.locator('.writing .spinner')).toBeVisible();
  await expect(page.locator('.words-so-far')).toBeVisible();
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about', { timeout: 30_000 });
  await expect(page.locator('button.choice').first()).toBeVisible();
  const lengths = await page.evaluate(() => {
    clearInterval(window.sampler);
    return [...window.wordLengths];
  });
  expect(lengths.length).toBeGreaterThanOrEqual(3);
});

test('a choice written ahead opens its scene at once, with no waiting shown', async ({ page, request }) => {
  await setPace(request, 200, 400);
  await gotoHydrated(page, `${OPENAI_ONLY_URL}/kids`);
  await page.getByLabel('What should the story be about?').fill('A lantern that walks at night');
  await page.locator('input[name="input[length]"][value="short"]').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about', { timeout: 30_000 });
  // Every choice gets written ahead while the reader reads.
  const choices = page.locator('button.choice');
  const count = await choices.count();
  for (let i = 0; i < count; i++) {
    await expect(choices.nth(i)).toHaveAttribute('data-ahead', 'ready', { timeout: 20_000 });
  }
  // Watch for any sign of waiting for the text from the tap on (the next scene's picture
  // has a spinner of its own while it is drawn: that one is expected).
  await page.evaluate(() => {
    window.sawWaiting = false;
    new MutationObserver(() => {
      if (document.querySelector('.writing, .choices ~ .progress')) window.sawWaiting = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const started = Date.now();
  await choices.first().click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about');
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(await page.evaluate(() => window.sawWaiting)).toBe(false);
});

test('without JavaScript a choice is a form that waits for the whole scene', async ({ page, browser }) => {
  const first = await startStory(page, 'kids', { prompt: 'A kite that is afraid of heights' });
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const reader = await plain.newPage();
  await reader.goto(first);
  const label = await reader.locator('button.choice').first().textContent();
  await reader.locator('button.choice').first().click();
  await expect(reader).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/);
  await expect(reader).not.toHaveURL(first);
  await expect(reader.locator('.scene-meta')).toContainText('Scene 2 of about');
  await expect(reader.locator('.chosen')).toContainText(label.replace(' (read before)', '').trim());
  await plain.close();
});
