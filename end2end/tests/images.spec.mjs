// Scene illustrations in Chromium, demo mode (the simulator stands in for every provider).
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose, injectFault, clearFaults, unlock, parentMode } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

const MODELS = [
  ['gpt-image-quick', 'GPT Image Quick'],
  ['gpt-image', 'GPT Image'],
  ['gpt-image-detailed', 'GPT Image Detailed'],
  ['grok-imagine', 'Grok Imagine'],
  ['gemini', 'Gemini'],
];

async function expectPicture(page) {
  const img = page.locator('img.scene-image');
  await expect(img).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => img.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
}

for (const [key, name] of MODELS) {
  test(`a story illustrated by ${name} shows its picture and the model name`, async ({ page }) => {
    await startStory(page, 'kids', { prompt: `A picnic painted by ${key}`, imageModel: key });
    await expect(page.locator('.image-model')).toHaveText(name);
    await expectPicture(page);
  });
}

test('with only the OpenAI key set, only OpenAI models are offered and they work', async ({ page }) => {
  const base = 'http://127.0.0.1:3101';
  await gotoHydrated(page, `${base}/kids`);
  await expect(page.locator('.demo-banner')).toHaveCount(0);
  const options = await page.locator('#image_model option').allTextContents();
  expect(options.map((o) => o.split(' — ')[0])).toEqual(['GPT Image Quick', 'GPT Image', 'GPT Image Detailed']);
  await expect(page.locator('#image_model optgroup')).toHaveCount(1);
  await expect(page.locator('#image_model')).toHaveValue('gpt-image');
  await expect(page.locator('#text_model option')).toHaveText(['GPT-6 Luna']);
  await page.getByLabel('What should the story be about?').fill('A lighthouse made of glass');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.image-model')).toHaveText('GPT Image', { timeout: 30_000 });
  await expectPicture(page);
});

test('the text comes first and the next scene never waits for the picture', async ({ page }) => {
  await unlock(page);
  await startStory(page, 'adult', { prompt: 'A night train to nowhere', length: 'medium' });
  await choose(page, 0, 2);
  await expectPicture(page);
});

test('a failed picture says why, the story goes on, and Retry brings the picture', async ({ page, request }) => {
  // Retry after a final failure is a parent's.
  await parentMode(page);
  await injectFault(request, { api: 'openai', kind: 'policy', count: 1 });
  await startStory(page, 'kids', { prompt: 'A kite in the wind', imageModel: 'gpt-image' });
  const failed = page.locator('.image-failed');
  await expect(failed).toContainText('The picture could not be made', { timeout: 30_000 });
  await expect(failed).toContainText('OpenAI refused');
  await expect(page.locator('button.choice').first()).toBeEnabled();
  await page.getByRole('button', { name: 'Retry image' }).click();
  await expectPicture(page);
});

test('while a picture is retried, the placeholder says which attempt is running', async ({ page, request }) => {
  await injectFault(request, { api: 'openai', kind: 'server_error', count: 1 });
  await injectFault(request, { api: 'openai', kind: 'slow', count: 1, delay_ms: 3000 });
  await startStory(page, 'kids', { prompt: 'A tortoise who wins a race', imageModel: 'gpt-image-quick' });
  await expect(page.locator('.image-pending')).toContainText(/Trying again — 2 of \d/, { timeout: 30_000 });
  await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  await clearFaults(request);
});

test('a retry that fails again offers Retry again; leaving and coming back resumes the wait', async ({ page, request }) => {
  // Retry after a final failure is a parent's.
  await parentMode(page);
  await injectFault(request, { api: 'openai', kind: 'policy', count: 2 });
  const url = await startStory(page, 'kids', { prompt: 'A robot who plants trees', imageModel: 'gpt-image-quick' });
  await expect(page.locator('.image-failed')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Retry image' }).click();
  await expect(page.locator('.image-failed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Retry image' })).toBeVisible();

  // The next attempt takes a while: the reader leaves and comes back meanwhile.
  await injectFault(request, { api: 'openai', kind: 'slow', count: 1, delay_ms: 3000 });
  await page.getByRole('button', { name: 'Retry image' }).click();
  await expect(page.locator('.image-pending')).toBeVisible();
  await gotoHydrated(page, '/kids/gallery');
  await gotoHydrated(page, url);
  await expect(page.locator('.image-pending')).toBeVisible();
  await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  await clearFaults(request);
});
