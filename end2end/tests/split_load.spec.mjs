// A page whose code (a split module) cannot be fetched, as when a phone's connection drops:
// the app says so and goes on running, or, on a page opened directly, does not start and
// leaves the server's page, whose links work without it.
import { test, expect } from './fixtures.mjs';
import { failFetches, forgetFailedFetches } from './helpers.mjs';

test('a page whose code cannot be fetched says so; the app goes on and fetches it again', async ({ page, pageErrors }) => {
  // Every fetch of the home page's module fails: the landing page's fetch ahead of time too,
  // which is only logged.
  const home = '**/pkg/split_home_page.wasm';
  const failed = await failFetches(page, home);
  await page.goto('/');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('.tier-kids a.tier-card').click();
  const notice = page.getByRole('alert');
  await expect(notice).toContainText('This page could not be loaded');
  // Try again loads the page whole from the server (a plain link).
  const again = notice.getByRole('link', { name: 'Try again' });
  await expect(again).toHaveAttribute('href', '/kids');
  await expect(again).toHaveAttribute('rel', 'external');

  // The app still runs: another page opens in the same document.
  await page.locator('.tier-nav').getByRole('link', { name: 'Gallery' }).click();
  await expect(page.locator('.gallery h1')).toHaveText('Gallery');
  // The connection is back: going back fetches the home page's code again.
  await page.unroute(home);
  await page.goBack();
  await expect(page.getByRole('button', { name: 'Begin the adventure' })).toBeEnabled();
  expect(await page.evaluate(() => window.__sameDocument === true)).toBeTruthy();
  expect(failed.count).toBeGreaterThan(0);
  forgetFailedFetches(pageErrors, failed);
});

test("a page opened while its code cannot be fetched stays the server's, and its links work", async ({ page, pageErrors }) => {
  const failed = await failFetches(page, '**/pkg/split_gallery_page.wasm');
  const stayed = page.waitForEvent('console', (message) => message.text().includes('stays as the server sent it'));
  await page.goto('/kids/gallery');
  await stayed;
  await expect(page.locator('.gallery h1')).toHaveText('Gallery');
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');

  // A link is the browser's own: a new document, where the app starts.
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('.tier-nav').getByRole('link', { name: 'New story' }).click();
  await page.waitForFunction(() => window.__sameDocument === undefined);
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page).toHaveURL(/\/kids$/);
  forgetFailedFetches(pageErrors, failed);
});
