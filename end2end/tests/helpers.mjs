// Shared steps of the end-to-end tests.
import { expect } from '@playwright/test';
import { ADULT_PIN } from '../playwright.config.mjs';

/**
 * Opens a page and waits until the WASM has hydrated it (clicks before that are lost).
 * A bundle that throws while starting fails at once with its error, not after a timeout.
 */
export async function gotoHydrated(page, url) {
  let onError;
  const threw = new Promise((_, reject) => {
    onError = (e) => reject(new Error(`the page threw before it hydrated: ${e.message}`));
    page.on('pageerror', onError);
  });
  threw.catch(() => {});
  try {
    const response = await page.goto(url);
    await Promise.race([page.waitForSelector('body[data-hydrated="true"]'), threw]);
    return response;
  } finally {
    page.off('pageerror', onError);
  }
}

/**
 * Unlocks a protected tier with its PIN through the gate's own form (a full page, no WASM),
 * as a parent would; the session cookie then stays with the page's browser context.
 */
export async function unlock(page, tier = 'adult', pin = ADULT_PIN) {
  const res = await page.goto(`/${tier}`);
  expect(res.status()).toBe(404);
  await page.getByLabel('Parent PIN').fill(pin);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page).toHaveURL(new RegExp(`/${tier}$`));
  await page.waitForSelector('body[data-hydrated="true"]');
}

/** Starts a story from the tier home page and waits for its first scene. */
export async function startStory(page, tier, { prompt, length = 'short', imageModel, video = false } = {}) {
  await gotoHydrated(page, `/${tier}`);
  await page.getByLabel('What should the story be about?').fill(prompt);
  if (imageModel) await page.locator('#image_model').selectOption(imageModel);
  if (video) await page.locator('#video_mode').check();
  await page.locator(`input[name="input[length]"][value="${length}"]`).check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page).toHaveURL(new RegExp(`/${tier}/story/[0-9a-f]+/scene/[0-9a-f]+$`), { timeout: 30_000 });
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about');
  return page.url();
}

/**
 * Opens a disclosure (a `<summary>` that shows a form or a question in place: New profile,
 * Edit, Delete) by its exact words.
 */
export async function open(scope, label) {
  await scope.locator('summary', { hasText: new RegExp(`^${label}$`) }).click();
}

/** Clicks the choice at `index` and waits for the scene at `depth`. */
export async function choose(page, index, depth) {
  const before = page.url();
  await page.locator('button.choice').nth(index).click();
  await expect(page).not.toHaveURL(before, { timeout: 30_000 });
  await expect(page.locator('.scene-meta')).toContainText(`Scene ${depth} of about`);
  return page.url();
}

/** Queues faults in the in-process provider simulator (demo mode). */
export async function injectFault(request, body) {
  const res = await request.post('/sim/__control/faults', { data: body });
  expect(res.ok()).toBeTruthy();
}

export async function clearFaults(request) {
  await request.delete('/sim/__control/faults');
}
