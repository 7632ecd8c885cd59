// Memory mode in Chromium: the roster's characters with reference photos, profiles that
// bring them, and stories whose pictures carry the photo (the simulator draws received
// photos into its pictures).
import { test, expect } from './fixtures.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  gotoHydrated, startStory, unlock, moreChoices, parentMode, addCharacter, newProfile,
} from './helpers.mjs';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures');
const MAGENTA = path.join(FIXTURES, 'photo-magenta.jpg');
const SMALL = path.join(FIXTURES, 'photo-small.png');

const MODELS = ['gpt-image-quick', 'gpt-image', 'gpt-image-detailed', 'grok-imagine', 'gemini'];

/** Creates a character and a profile that brings it on the kids characters page, as a
 *  parent; the character's card. */
async function createFamily(page, profileName, characterName) {
  await parentMode(page, 'kids', '/kids/profiles');
  const card = await addCharacter(page, characterName, { description: 'six years old, red boots' });
  const profile = await newProfile(page, profileName, {
    characters: [characterName], themes: 'kites, picnics', artStyle: 'soft watercolour',
  });
  await expect(profile.locator('.profile-brings')).toHaveText(`Brings: ${characterName}`);
  return { profile, card };
}

/** Choosing a file uploads it at once (no separate Upload click). */
async function uploadPhoto(card, file) {
  await card.locator('input[type="file"]').setInputFiles(file);
}

/** The colour in the middle of the picture's first reference inset. */
async function insetColour(img) {
  return img.evaluate((i) => {
    const canvas = document.createElement('canvas');
    canvas.width = i.naturalWidth;
    canvas.height = i.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(i, 0, 0);
    const side = Math.floor(i.naturalWidth / 4);
    const at = 4 + Math.floor((side * 3) / 4);
    return Array.from(ctx.getImageData(at, at, 1, 1).data.slice(0, 3));
  });
}

const isMagenta = ([r, g, b]) => r > 190 && g < 60 && b > 120;

test('memory mode is hidden while a tier has no profile', async ({ page }) => {
  await unlock(page);
  await gotoHydrated(page, '/adult');
  await expect(page.locator('#memory_mode')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Characters and profiles' })).toBeVisible();
});

test('a character gets up to three photos: bad files are refused, small ones warned, each removable', async ({ page }) => {
  const { card } = await createFamily(page, 'The Photo Family', 'Ada Photo');
  await expect(card.locator('.photo-placeholder')).toBeVisible();

  await uploadPhoto(card, {
    name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a not really a png'),
  });
  await expect(card.locator('.error-notice')).toContainText('not a JPEG or PNG');
  await expect(card.locator('.photo-placeholder')).toBeVisible();

  await uploadPhoto(card, SMALL);
  await expect(card.locator('.photo-warning')).toContainText('only 120×90 pixels');
  await expect(card.locator('img.photo-thumbnail')).toBeVisible();
  // The warning is about the stored photo: it is still there after a reload.
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(card.locator('.photo-warning')).toContainText('only 120×90 pixels');

  await uploadPhoto(card, MAGENTA);
  const thumbs = card.locator('img.photo-thumbnail');
  await expect(thumbs).toHaveCount(2);
  await expect.poll(() => thumbs.last().evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  await expect(card.getByText('Add another photo (2 of 3)')).toBeVisible();

  // Choosing the file sent it: once the app runs there is no second Upload to press.
  await expect(card.locator('button.upload')).toBeHidden();
  // Removing the small photo takes its warning with it; the other stays.
  await card.getByRole('button', { name: 'Remove photo' }).first().click();
  await expect(thumbs).toHaveCount(1);
  await expect(card.locator('.photo-warning')).toHaveCount(0);
  await card.getByRole('button', { name: 'Remove photo' }).click();
  await expect(card.locator('.photo-placeholder')).toBeVisible();
});

test('a child sees the family but cannot change it', async ({ page }) => {
  await createFamily(page, 'The Look-only Family', 'Bea');
  await page.getByRole('button', { name: 'Lock' }).click();
  await gotoHydrated(page, '/kids/profiles');
  const profile = page.locator('.profile-card', { hasText: 'The Look-only Family' });
  await expect(profile.locator('.profile-brings')).toHaveText('Brings: Bea');
  await expect(page.locator('.character-card', { hasText: 'Bea' })).toBeVisible();
  for (const control of ['New profile', 'Edit profile', 'Delete profile', 'Add a character', 'Edit', 'Remove character']) {
    await expect(page.locator('summary', { hasText: new RegExp(`^${control}$`) })).toHaveCount(0);
  }
  await expect(page.locator('input[type="file"]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Remove photo' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /Grown-ups/ }).first()).toBeVisible();
});

for (const model of MODELS) {
  test(`with memory mode on, ${model} draws the character's photo into the scene`, async ({ page }) => {
    const family = `The ${model} Family`;
    const { card } = await createFamily(page, family, `Mia ${model}`);
    await uploadPhoto(card, MAGENTA);
    await expect(card.locator('img.photo-thumbnail')).toBeVisible();

    await gotoHydrated(page, '/kids');
    await page.locator('#memory_mode').check();
    const option = page.locator('#memory_profile option', { hasText: family });
    await page.locator('#memory_profile').selectOption(await option.getAttribute('value'));
    await page.getByLabel('What should the story be about?').fill('A windy day at the park');
    await moreChoices(page);
    await page.locator('#image_model').selectOption(model);
    await page.getByRole('button', { name: 'Begin the adventure' }).click();
    await expect(page.locator('.memory-profile')).toContainText(family, { timeout: 30_000 });

    const img = page.locator('img.scene-image');
    await expect(img).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => img.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    expect(isMagenta(await insetColour(img))).toBeTruthy();
  });
}

test('with memory mode off, no photo goes into the picture', async ({ page }) => {
  await startStory(page, 'kids', { prompt: 'A quiet morning', imageModel: 'gpt-image' });
  const img = page.locator('img.scene-image');
  await expect(img).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => img.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  expect(isMagenta(await insetColour(img))).toBeFalsy();
  await expect(page.locator('.memory-profile')).toHaveCount(0);
});
