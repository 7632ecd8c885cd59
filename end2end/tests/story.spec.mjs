// A reader plays stories in Chromium against the app in demo mode (simulated providers).
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose, injectFault, clearFaults, unlock, moreChoices } from './helpers.mjs';

test.afterEach(async ({ request }) => clearFaults(request));

test('landing lists the tiers and a tier home shows the start form in demo mode', async ({ page }) => {
  await gotoHydrated(page, '/');
  await expect(page.getByRole('link', { name: /Kids' Adventures/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Grown-up Stories/ })).toBeVisible();

  await gotoHydrated(page, '/kids');
  await expect(page.locator('.demo-banner')).toContainText('Demo mode — simulated providers');
  await expect(page.locator('a.idea-card')).toHaveCount(6);
  await expect(page.locator('#text_model option')).toHaveCount(4);
  await expect(page.locator('#text_model optgroup')).toHaveCount(4);
  // Image models grouped by provider, GPT Image preselected (FR-002, FR-005).
  const groups = await page.locator('#image_model optgroup').evaluateAll((gs) =>
    gs.map((g) => [g.label, [...g.querySelectorAll('option')].map((o) => o.textContent.split(' — ')[0])]));
  expect(groups).toEqual([
    ['OpenAI', ['GPT Image Quick', 'GPT Image', 'GPT Image Detailed']],
    ['xAI', ['Grok Imagine']],
    ['Google', ['Gemini']],
  ]);
  await expect(page.locator('#image_model')).toHaveValue('gpt-image');
  // Each model says what choosing it means; the chosen one's trade-off is spelled out.
  await expect(page.locator('#image_model_hint')).toHaveText('standard quality and price; uses family photos');
  await moreChoices(page);
  await page.locator('#image_model').selectOption('gpt-image-detailed');
  await expect(page.locator('#image_model_hint')).toContainText('premium');
  // No page inside a tier links to another tier (or to the landing page that lists them);
  // the skip link stays on the page.
  const hrefs = await page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs) expect(href.startsWith('/kids') || href === '#content', href).toBeTruthy();
});

test('an unknown tier is a 404 page', async ({ page }) => {
  const res = await page.goto('/teens');
  expect(res.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('the image model chosen at start is named on every scene', async ({ page }) => {
  await startStory(page, 'kids', { prompt: 'A bunny on the moon', imageModel: 'gpt-image-quick' });
  await expect(page.locator('.image-model')).toHaveText('GPT Image Quick');
  await choose(page, 0, 2);
  await expect(page.locator('.image-model')).toHaveText('GPT Image Quick');
});

test('an empty idea is refused with a clear message and nothing starts', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.getByRole('alert')).toContainText('Please write a story idea');
  await expect(page).toHaveURL(/\/kids$/);
});

test('an idea card fills the idea', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  const card = page.locator('a.idea-card').first();
  await card.click();
  await expect(page.getByLabel('What should the story be about?')).not.toHaveValue('');
  await expect(card).toHaveAttribute('aria-pressed', 'true');
});

test('a short story plays to its ending, and back leads to another branch', async ({ page }) => {
  const first = await startStory(page, 'kids', { prompt: 'A shy dragon who loves pancakes' });
  await expect(page.locator('.scene-title')).toBeVisible();
  await expect(page.locator('.scene-narrative')).toContainText(/dragon|pancake/i);
  const choiceCount = await page.locator('button.choice').count();
  expect(choiceCount).toBeGreaterThanOrEqual(2);
  expect(choiceCount).toBeLessThanOrEqual(4);

  const second = await choose(page, 0, 2);
  await expect(page.locator('.chosen')).toBeVisible();
  const ending = await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toContainText('The End');
  await expect(page.locator('button.choice')).toHaveCount(0);
  // An ending leads on: the whole story, its map, the book, a sequel, another story.
  const storyId = new URL(ending).pathname.split('/')[3];
  const endingLinks = page.locator('.the-end a');
  await expect(endingLinks).toHaveText(['Read the whole story', 'See the story map', 'Keep it as a book (PDF)', 'Continue the adventure', 'Start a new story']);
  await expect(endingLinks.nth(3)).toHaveAttribute('href', `/kids?sequel=${storyId}#start`);
  await expect(endingLinks.nth(0)).toHaveAttribute('href', `/kids/gallery/${storyId}`);
  await expect(endingLinks.nth(2)).toHaveAttribute('href', `/kids/gallery/${storyId}/export.pdf`);

  // Back to the choice point, take the other branch: a different ending.
  await page.getByRole('link', { name: '← Back' }).click();
  await expect(page).toHaveURL(second);
  await expect(page.locator('button.choice').first()).toContainText('(read before)');
  const otherEnding = await choose(page, 1, 3);
  expect(otherEnding).not.toBe(ending);
  await expect(page.locator('.the-end')).toBeVisible();

  // The explored branch is reused, not written again.
  await page.getByRole('link', { name: '← Back' }).click();
  await expect(page).toHaveURL(second);
  await choose(page, 0, 3);
  await expect(page).toHaveURL(ending);

  // Back twice reaches the first scene.
  await page.getByRole('link', { name: '← Back' }).click();
  await page.getByRole('link', { name: '← Back' }).click();
  await expect(page).toHaveURL(first);
});

test('an in-progress story can be continued from the home page, or abandoned', async ({ page }) => {
  await unlock(page);
  await startStory(page, 'adult', { prompt: 'A lighthouse keeper and a ghost ship', length: 'medium' });
  const title = (await page.locator('.scene-title').textContent()).trim();
  const second = await choose(page, 0, 2);

  await gotoHydrated(page, '/adult');
  // An epic story being read has a banner of its own: this story's is the one with its title.
  await expect(page.locator('.resume-banner', { hasText: title })).toBeVisible();
  await page.locator('.resume-banner', { hasText: title }).getByRole('link', { name: 'Continue', exact: true }).click();
  await expect(page).toHaveURL(`${second}?resume`);
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about 5');
  // Coming back, the reader is reminded of the story so far (the choice taken, nothing else).
  const soFar = page.locator('details.story-so-far');
  await expect(soFar).toContainText('So far:');
  await expect(soFar).toHaveAttribute('open', '');

  // Start fresh asks first; Keep reading changes nothing.
  await gotoHydrated(page, '/adult');
  const banner = page.locator('.resume-banner', { hasText: title });
  await banner.locator('summary', { hasText: 'Start fresh' }).click();
  await expect(banner.locator('.confirm')).toContainText('stays in the gallery');
  await banner.getByRole('button', { name: 'Keep reading' }).click();
  await expect(banner).toContainText(title);
  await banner.locator('summary', { hasText: 'Start fresh' }).click();
  await banner.getByRole('button', { name: 'Yes, start fresh' }).click();
  // The story put aside is no longer offered here (another in-progress story may be)…
  await expect(page.locator('.resume-banner', { hasText: title })).toHaveCount(0);
  // …but it is not lost: the gallery lists it first, with its picture, and reading on
  // takes it up again.
  await gotoHydrated(page, '/adult/gallery');
  const unfinished = page.locator('.in-progress-item', { hasText: title });
  await expect(unfinished).toContainText('Put aside at scene 2');
  const firstCard = page.locator('.story-cards').first();
  await expect(firstCard).toContainText(title);
  await unfinished.getByRole('link', { name: 'Read on' }).click();
  await expect(page).toHaveURL(`${second}?resume`);
  await expect(page.locator('details.story-so-far')).toContainText('So far:');
  await choose(page, 0, 3);
  await gotoHydrated(page, '/adult');
  await expect(page.locator('.resume-banner')).toContainText(title);
  // Stories of one tier never show up in another.
  await gotoHydrated(page, '/kids');
  await expect(page.locator('main')).not.toContainText(title);
});

test("a kids story is not found under the adult tier", async ({ page }) => {
  await unlock(page);
  const url = await startStory(page, 'kids', { prompt: 'A teddy bear at the seaside' });
  const res = await page.goto(url.replace('/kids/', '/adult/'));
  expect(res.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('a failing storyteller shows what happened and Retry continues the story', async ({ page, request }) => {
  await startStory(page, 'kids', { prompt: 'A rainbow that lost its colours' });
  // Every attempt of the next scene fails (the client tries 3 times).
  // The storyteller in demo mode defaults to Claude (Anthropic); images use other providers.
  await injectFault(request, { api: 'anthropic', kind: 'server_error', count: 3 });
  await page.locator('button.choice').first().click();
  await expect(page.getByRole('alert')).toContainText('press Retry', { timeout: 30_000 });
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about', { timeout: 30_000 });
});
