// The parent gate (issue 18): a protected tier asks for the PIN and shows nothing else until
// it is entered; the first PIN needs the one-time setup code from the server's log; wrong
// PINs are throttled; Lock closes the tier again; one tier's cookie opens no other; an
// unprotected tier needs no PIN at all.
import fs from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { gotoHydrated } from './helpers.mjs';
import { ADULT_PIN, GATE_URL, GATE_KIDS_PIN, GATE_LOG } from '../playwright.config.mjs';

const NEW_PIN = 'owl-and-moon';

test('kids needs no PIN, and every adult page is a 404 with the PIN form until unlocked', async ({ page }) => {
  const kids = await gotoHydrated(page, '/kids');
  expect(kids.status()).toBe(200);
  await expect(page.getByLabel('What should the story be about?')).toBeVisible();

  for (const path of ['/adult', '/adult/gallery', '/adult/profiles', '/adult/story/x/scene/y']) {
    const res = await page.goto(path);
    expect(res.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Grown-up Stories is locked' })).toBeVisible();
    await expect(page.getByText('Begin the adventure')).toHaveCount(0);
  }
  const file = await page.request.get('/adult/media/x/y.png');
  expect(file.status()).toBe(404);

  // The landing page shows adult as a small locked link.
  await gotoHydrated(page, '/');
  await expect(page.getByRole('link', { name: '🔒 Grown-up Stories (locked)' })).toBeVisible();

  // The PIN opens the page that was asked for.
  await page.goto('/adult/gallery');
  await page.getByLabel('Parent PIN').fill(ADULT_PIN);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page).toHaveURL(/\/adult\/gallery$/);
  await expect(page.getByRole('heading', { name: 'Gallery' })).toBeVisible();
});

test.describe('a server whose adult tier has no PIN yet', () => {
  test.describe.configure({ mode: 'serial' });

  test('the first PIN is set with the setup code from the log, and Lock closes the tier', async ({ page }) => {
    const res = await page.goto(`${GATE_URL}/adult`);
    expect(res.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Grown-up Stories is closed' })).toBeVisible();

    await page.getByLabel('Setup code').fill('WRON-GCOD-EXXX');
    await page.getByLabel('New PIN (at least 4 characters)').fill(NEW_PIN);
    await page.getByLabel('New PIN again').fill(NEW_PIN);
    await page.getByRole('button', { name: 'Set PIN and open' }).click();
    await expect(page.getByRole('alert')).toContainText('That setup code is not right');

    // One sentence tells a parent holding a phone where the code is.
    await expect(page.locator('.gate > p').first()).toContainText('setup code in its window');
    const code = fs.readFileSync(GATE_LOG, 'utf8').match(/setup code ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/)[1];
    await page.getByLabel('Setup code').fill(code);
    // Two PINs that differ: the code typed stays, only the PINs are asked again.
    await page.getByLabel('New PIN (at least 4 characters)').fill(NEW_PIN);
    await page.getByLabel('New PIN again').fill(`${NEW_PIN}0`);
    await page.getByRole('button', { name: 'Set PIN and open' }).click();
    await expect(page.getByRole('alert')).toContainText('not the same');
    await expect(page.getByLabel('Setup code')).toHaveValue(code);
    await page.getByLabel('New PIN (at least 4 characters)').fill(NEW_PIN);
    await page.getByLabel('New PIN again').fill(NEW_PIN);
    await page.getByRole('button', { name: 'Set PIN and open' }).click();
    await expect(page).toHaveURL(`${GATE_URL}/adult`);
    await page.waitForSelector('body[data-hydrated="true"]');
    await expect(page.getByLabel('What should the story be about?')).toBeVisible();

    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page).toHaveURL(`${GATE_URL}/`);
    await expect(page.getByRole('link', { name: '🔒 Grown-up Stories (locked)' })).toBeVisible();
    const again = await page.goto(`${GATE_URL}/adult`);
    expect(again.status()).toBe(404);
    await expect(page.getByLabel('Parent PIN')).toBeVisible();
  });

  test('wrong PINs are throttled, the right one then opens, and adult does not open kids', async ({ page }) => {
    await page.goto(`${GATE_URL}/adult`);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Parent PIN').fill(`wrong-${i}`);
      await page.getByRole('button', { name: 'Unlock' }).click();
      await expect(page.getByRole('alert')).toContainText('That PIN is not right');
    }
    await page.getByLabel('Parent PIN').fill(NEW_PIN);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toContainText('Too many wrong tries');
    await page.waitForTimeout(2_100);
    await page.getByLabel('Parent PIN').fill(NEW_PIN);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page).toHaveURL(`${GATE_URL}/adult`);

    // Kids is protected on this server too, with its own PIN: the adult session is no key.
    const kids = await page.goto(`${GATE_URL}/kids`);
    expect(kids.status()).toBe(404);
    await expect(page.getByRole('heading', { name: "Kids' Adventures is locked" })).toBeVisible();
    await page.getByLabel('Parent PIN').fill(GATE_KIDS_PIN);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page).toHaveURL(`${GATE_URL}/kids`);
  });
});
