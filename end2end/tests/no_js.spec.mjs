// With JavaScript off (the "no-js" project), as on a phone before the app has loaded: every
// form is a plain HTML form the server answers with a redirect, so a story can be started,
// played to its end, its failed picture retried, and a profile made with a photo.
import { test, expect } from './fixtures.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearFaults, injectFault, open, moreChoices, parentMode } from './helpers.mjs';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures');
const PHOTO = path.join(FIXTURES, 'photo-magenta.jpg');

test.afterEach(async ({ request }) => clearFaults(request));

test('a story starts, plays to its end and shows in the gallery without JavaScript', async ({ page, request }) => {
  // A parent plays: Retry after a failed picture and Delete are theirs.
  await parentMode(page, 'kids', '/kids', { script: false });

  // A bad idea comes back as a clear error on the same page, with what was chosen kept.
  await page.locator('input[name="input[length]"][value="long"]').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page).toHaveURL(/\/kids\?/);
  await expect(page.locator('.error-notice')).toContainText('Please write a story idea');
  await expect(page.locator('input[name="input[length]"][value="long"]')).toBeChecked();

  // The first picture fails: its Retry is a form too.
  await injectFault(request, { api: 'openai', kind: 'policy', count: 1 });
  await page.getByLabel('What should the story be about?').fill('A lantern that lights the way home');
  await moreChoices(page);
  await page.locator('#image_model').selectOption('gpt-image-quick');
  await page.locator('input[name="input[length]"][value="short"]').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/);
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about 3');
  const first = page.url();
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.image-failed')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Retry image' }).click();
  await expect(page).toHaveURL(first);
  await expect(async () => {
    await page.reload();
    await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // Choices, then Back, then on to the end.
  await page.locator('button.choice').first().click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about 3');
  await page.getByRole('link', { name: '← Back' }).click();
  await expect(page).toHaveURL(first);
  await page.locator('button.choice').first().click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about 3');
  await page.locator('button.choice').first().click();
  await expect(page.locator('.the-end')).toBeVisible();
  await expect(page.locator('body[data-hydrated]'), 'no WASM ran').toHaveCount(0);
  const storyId = page.url().match(/story\/([0-9a-f]+)\//)[1];

  // The gallery and the reader are plain pages.
  await page.goto('/kids/gallery');
  const card = page.locator(`.story-card[data-story="${storyId}"]`);
  await expect(card).toBeVisible();
  await card.getByRole('link', { name: 'Read' }).click();
  await expect(page.locator('.reader-scene')).toHaveCount(3);

  // Deleting asks first, then removes the story.
  await page.goto('/kids/gallery');
  await open(card, 'Delete');
  await card.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/kids\/gallery$/);
  await expect(card).toHaveCount(0);
});

test('a character with a photo and a profile that brings it are made, edited and removed without JavaScript', async ({ page }) => {
  const name = `The No-Script Family ${Date.now()}`;
  await parentMode(page, 'kids', '/kids/profiles', { script: false });

  // An empty name comes back as an error beside the open form, which keeps what was typed.
  await open(page, 'New profile');
  await page.locator('#profile-themes').fill('lanterns, owls');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.locator('.profile-form .error-notice')).toBeVisible();
  await expect(page.locator('#profile-themes')).toHaveValue('lanterns, owls');

  await page.locator('#profile-display_name').fill(name);
  await page.getByRole('button', { name: 'Save profile' }).click();
  const profile = page.locator('.profile-card', { has: page.locator('.profile-name', { hasText: name }) });
  await expect(profile).toBeVisible();
  await expect(profile.locator('.profile-summary')).toContainText('lanterns, owls');

  await open(profile, 'Edit profile');
  await profile.locator('.profile-form input[name="input[tone]"]').fill('quiet and cosy');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(profile.locator('.profile-summary')).toContainText('quiet and cosy');

  const adder = page.locator('.new-character');
  await open(adder, 'Add a character');
  await adder.getByLabel('Name', { exact: true }).fill('Ada No-Script');
  await adder.getByLabel('Description').fill('seven, a green raincoat');
  await adder.getByRole('button', { name: 'Save character' }).click();
  const card = page.locator('.character-card', { hasText: 'Ada No-Script' });
  await expect(card).toBeVisible();

  // The profile brings her: a ticked box in a plain form post.
  await open(profile, 'Edit profile');
  await profile.locator('.pick-characters label', { hasText: 'Ada No-Script' }).locator('input').check();
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(profile.locator('.profile-brings')).toHaveText('Brings: Ada No-Script');

  // A file that is not a picture comes back refused, with the reason.
  const notAPicture = { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') };
  await card.locator('input[type="file"]').setInputFiles(notAPicture);
  await card.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('.upload-refused')).toContainText('The photo was not saved');
  await expect(card.locator('.photo-placeholder')).toBeVisible();

  await card.locator('input[type="file"]').setInputFiles(PHOTO);
  await card.getByRole('button', { name: 'Upload' }).click();
  await expect(card.locator('img.photo-thumbnail')).toBeVisible();
  await expect(page.locator('.upload-refused')).toHaveCount(0);
  await card.getByRole('button', { name: 'Remove photo' }).click();
  await expect(card.locator('.photo-placeholder')).toBeVisible();

  await open(card, 'Remove character');
  await card.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.locator('.character-card', { hasText: 'Ada No-Script' })).toHaveCount(0);
  await expect(profile.locator('.profile-brings')).toHaveText('Brings no characters yet.');
  await open(profile, 'Delete profile');
  await profile.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.locator('.profile-name', { hasText: name })).toHaveCount(0);
});
