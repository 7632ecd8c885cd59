// The installable app in Chromium: each tier's manifest makes it installable, a story opened
// once opens again offline (text and picture, the app running), a page never opened says
// "You are offline" in plain words, and Lock empties the tier's offline copies.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, parentMode } from './helpers.mjs';

test.use({ serviceWorkers: 'allow', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

/** Waits until the page is controlled by the offline worker. */
async function controlled(page) {
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
}

async function pictureShown(page) {
  const img = page.locator('img.scene-image');
  await expect(img).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => img.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
}

for (const tier of ['kids', 'adult']) {
  test(`the ${tier} tier is installable as an app of its own`, async ({ page }) => {
    if (tier === 'adult') await parentMode(page, 'adult');
    await gotoHydrated(page, `/${tier}`);
    await controlled(page);
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // A test browser is a private window, which Chromium never installs from; nothing else
    // may stand in the way.
    expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
    const { errors } = await cdp.send('Page.getAppManifest');
    expect(errors).toEqual([]);
    const manifest = await (await page.request.get(`/manifest/${tier}.webmanifest`)).json();
    expect(manifest.start_url).toBe(`/${tier}`);
    expect(manifest.display).toBe('standalone');
    for (const icon of manifest.icons) {
      const res = await page.request.get(icon.src);
      expect(res.headers()['content-type']).toBe('image/png');
    }
  });
}

test('a story opened once reads offline; a page never opened says so; Lock empties the copies', async ({ page, context }) => {
  // As the child sees it: a page rendered for a parent (with its paid controls) is never kept.
  const scene = await startStory(page, 'kids', { prompt: 'A paper boat on a long river' });
  await pictureShown(page);
  await controlled(page);
  // Opened under the worker: kept for offline reading (page, bundle, picture).
  await gotoHydrated(page, scene);
  await pictureShown(page);
  const words = await page.locator('.scene-narrative').textContent();

  await context.setOffline(true);
  await gotoHydrated(page, scene);
  await expect(page.locator('.scene-narrative')).toHaveText(words);
  await pictureShown(page);

  await page.goto('/kids/family');
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();

  // Online again, a parent locks: the kids' offline copies are gone.
  await context.setOffline(false);
  await parentMode(page, 'kids');
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page).toHaveURL(/\/kids$/);
  await expect
    .poll(() => page.evaluate((url) => caches.match(url).then((kept) => kept === undefined), scene))
    .toBe(true);
  await context.setOffline(true);
  await page.goto(scene);
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await context.setOffline(false);
});

test('offline, a branch read before opens from the device, and a new one says why it cannot', async ({ page, context }) => {
  const first = await startStory(page, 'kids', { prompt: 'A hedgehog who collects buttons' });
  await controlled(page);
  // Read under the worker: the first scene, then the first choice's scene, then back.
  await gotoHydrated(page, first);
  await page.locator('button.choice').first().click();
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about');
  const second = page.url();
  await gotoHydrated(page, second);
  const words = await page.locator('.scene-narrative').textContent();
  await gotoHydrated(page, first);

  await context.setOffline(true);
  await gotoHydrated(page, first);
  await expect(page.locator('button.choice').first()).toContainText('(read before)');
  await page.locator('button.choice').first().click();
  await expect(page).toHaveURL(second);
  await expect(page.locator('.scene-narrative')).toHaveText(words);
  // A branch never written: said in plain words at once, never a spinner that waits.
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('button.choice').first().click();
  await expect(page.getByRole('alert')).toContainText('You are offline', { timeout: 5_000 });
  await expect(page.locator('button.choice').first()).toBeVisible();
  // Starting a story offline says the same (the home page, opened before, is kept).
  await context.setOffline(false);
  await gotoHydrated(page, '/kids');
  await context.setOffline(true);
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill('A fox who paints the moon');
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  await expect(page.getByRole('alert')).toContainText('You are offline', { timeout: 5_000 });
  await expect(page.getByLabel('What should the story be about?')).toHaveValue('A fox who paints the moon');
  await context.setOffline(false);
});
