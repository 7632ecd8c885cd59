// A page whose code (a split module) cannot be fetched, as when a phone's connection drops:
// the app says so and offers the page from the server, and it goes on running.
import { test, expect } from './fixtures.mjs';
import { forgetFailedFetches } from './helpers.mjs';

const HOME_MODULE = '**/pkg/split_home_page*.wasm';

test('a page whose code cannot be fetched says so, and Try again loads it from the server', async ({ page, pageErrors }) => {
  // Every fetch of the home page's module fails: the landing page's fetch ahead of time too,
  // which is only logged.
  await page.route(HOME_MODULE, (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('.tier-kids a.tier-card').click();
  const notice = page.getByRole('alert');
  await expect(notice).toContainText('This page could not be loaded');
  const again = notice.getByRole('link', { name: 'Try again' });
  await expect(again).toHaveAttribute('href', '/kids');

  // The connection is back: the link loads the page whole, and the app takes it over.
  await page.unroute(HOME_MODULE);
  await page.evaluate(() => { window.__beforeTryAgain = true; });
  await again.click();
  await page.waitForFunction(() => window.__beforeTryAgain === undefined);
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page).toHaveURL(/\/kids$/);
  await expect(page.getByRole('button', { name: 'Begin the adventure' })).toBeEnabled();

  forgetFailedFetches(pageErrors);
});
