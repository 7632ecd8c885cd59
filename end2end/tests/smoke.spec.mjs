// Hydration smoke test, run against both bundles (projects "debug" and "release"): every page
// kind hydrates without a page error and answers a click. Server-rendered HTML looks right even
// when the bundle fails to start, so each step clicks something only the WASM can handle.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, choose, open, moreChoices, parentMode } from './helpers.mjs';

test('landing, home, scene, gallery, reader, profiles and status hydrate and respond', async ({ page }) => {
  // Landing (the first page, the main module alone): a tier's door is a client-side
  // navigation to its home, whose code (a split module) the landing page fetched beforehand.
  await gotoHydrated(page, '/');
  await page.evaluate(() => { window.__smokeMarker = true; });
  await page.locator('.tier-kids a.tier-card').click();
  await expect(page).toHaveURL(/\/kids$/);
  await expect(page.getByRole('button', { name: 'Begin the adventure' })).toBeEnabled();
  expect(await page.evaluate(() => window.__smokeMarker === true)).toBeTruthy();

  // Home: the start form is handled by the WASM (a server-function call, then navigation).
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill('A smoke test in a lighthouse');
  await moreChoices(page);
  await page.locator('#image_model').selectOption('gpt-image-quick');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about 3', { timeout: 30_000 });
  const storyId = page.url().match(/story\/([0-9a-f]+)\//)[1];

  // Scene: a freshly loaded scene page answers a choice, down to the ending.
  await gotoHydrated(page, page.url());
  await choose(page, 0, 2);
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toBeVisible();

  // Gallery: for a parent, Delete opens the confirmation, Keep it closes it (Keep it is
  // the WASM's).
  await parentMode(page, 'kids', '/kids/gallery');
  const card = page.locator(`.story-card[data-story="${storyId}"]`);
  await open(card, 'Delete');
  await expect(card.locator('.confirm')).toContainText('cannot be undone');
  await card.getByRole('button', { name: 'Keep it' }).click();
  await expect(card.locator('.confirm')).toBeHidden();

  // Reader: opening the story from the card is a client-side navigation (no new document).
  await page.evaluate(() => { window.__smokeMarker = true; });
  await card.locator('.card-link').click();
  await expect(page).toHaveURL(new RegExp(`/kids/gallery/${storyId}$`));
  await expect(page.locator('.reader-scene')).toHaveCount(3);
  expect(await page.evaluate(() => window.__smokeMarker === true)).toBeTruthy();
  await gotoHydrated(page, `/kids/gallery/${storyId}`);

  // Profiles: "New profile" opens the form, and Cancel (the WASM's) closes it.
  await gotoHydrated(page, '/kids/profiles');
  await open(page, 'New profile');
  await expect(page.locator('#profile-display_name')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('#profile-display_name')).toBeHidden();

  // Status (in the profiles page's module): opened directly, it hydrates and shows its data.
  await gotoHydrated(page, '/status');
  await expect(page.locator('.storage')).toHaveText('Storage is writable.');
});
