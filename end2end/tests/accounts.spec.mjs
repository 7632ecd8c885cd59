// A family's first run with a real key, as the simulator plays it: account states say what
// they are and what to do, are asked once (no Retry loop), and Retry works once fixed.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, injectFault, clearFaults, moreChoices, parentMode } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

/** Requests the in-process simulator has answered on `route` so far. */
async function requestsOn(request, route) {
  const stats = await (await request.get('/sim/__control/stats')).json();
  return stats.requests[route] ?? 0;
}

const PICTURE_CASES = [
  ['gpt-image', 'openai', 'insufficient_quota', 'no billing or credits', 'openai/images/generations'],
  ['gpt-image-detailed', 'openai', 'org_not_verified', 'organisation verified', 'openai/images/generations'],
  ['grok-imagine', 'xai', 'insufficient_quota', 'no billing or credits', 'xai/images/generations'],
  ['gemini', 'gemini', 'no_image_quota', 'no quota left', 'gemini/generateContent'],
];

for (const [model, api, kind, words, route] of PICTURE_CASES) {
  test(`${kind} on ${model}: the picture says what to do, once, and Retry works after`, async ({ page, request }) => {
    // No reading aloud by itself: Gemini's narration model answers on the route whose calls
    // are counted here, and would take the fault meant for the picture.
    await page.addInitScript(() => localStorage.setItem('read-aloud:kids:auto', 'off'));
    // Retry after a final failure is a parent's.
    await parentMode(page);
    // Faults for more calls than one: a retry loop would show in the count below.
    await injectFault(request, { api, kind, count: 5 });
    await startStory(page, 'kids', { prompt: `A garden for ${kind}`, imageModel: model });
    const before = await requestsOn(request, route);
    const failed = page.locator('.image-failed');
    await expect(failed).toContainText(words, { timeout: 30_000 });
    await expect(failed).toContainText('said: "');
    await expect(failed).not.toContainText('{');
    await page.waitForTimeout(1_000);
    expect(await requestsOn(request, route)).toBe(before);
    // The family fixed the account: Retry brings the picture.
    await clearFaults(request);
    await page.getByRole('button', { name: 'Retry image' }).click();
    await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  });
}

test('a storyteller without credits says so on the start form, and nothing is stored', async ({ page, request }) => {
  await injectFault(request, { api: 'anthropic', kind: 'insufficient_quota', count: 5 });
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill('A story that cannot start yet');
  await moreChoices(page);
  await page.locator('#text_model').selectOption('claude-sonnet-5-5');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  const notice = page.locator('.error-notice');
  await expect(notice).toContainText('no billing or credits', { timeout: 30_000 });
  await expect(notice).toContainText('credit balance is too low');
  await expect(page).toHaveURL(/\/kids$/);
  // The idea is still there to try again.
  await expect(page.getByLabel('What should the story be about?')).toHaveValue('A story that cannot start yet');
});

test('the status page shows every provider as simulated and the storage as writable', async ({ page }) => {
  await gotoHydrated(page, '/');
  await page.getByRole('link', { name: 'Providers and storage status' }).click();
  await expect(page.locator('.storage')).toHaveText('Storage is writable.');
  await expect(page.locator('.provider-card')).toHaveCount(4);
  await expect(page.locator('.provider-card').first()).toContainText('Simulated (demo mode)');
  // Every model is checked against its provider's list; a retired one names its successor.
  const openai = page.locator('.provider-card[data-provider="OpenAI"]');
  await expect(openai.locator('li.model.ok').filter({ hasText: 'Pictures with GPT Image Detailed: usable' })).toHaveCount(1);
  await expect(openai.locator('li.model.gone').filter({ hasText: 'Pictures with GPT Image 1:' }))
    .toContainText('stories that used it continue with GPT Image');
  // Each tier's spending this hour against its limits.
  await expect(page.locator('.spending-card')).toHaveCount(2);
  await expect(page.locator('.spending-card').first()).toContainText('new stories:');
});
