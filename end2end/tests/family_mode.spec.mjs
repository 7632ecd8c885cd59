// Family mode in Chromium on a phone: a parent sets up two children and a grown-up with
// taps and a few names, the home page offers family mode naming them, and the first scene
// of a story names a child. A child sees the family and cannot change it.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, parentMode } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

/** Opens an "Add a …" form; the list may still be redrawing after the last save. */
async function openForm(page, label) {
  const form = page.locator('details[open] form.member-form');
  await expect(async () => {
    if (await form.count() === 0) await page.locator('summary', { hasText: new RegExp(`^${label}$`) }).tap();
    await expect(form).toBeVisible({ timeout: 1_000 });
  }).toPass();
  return form;
}

/** Adds a child on the family page. */
async function addChild(page, name, age, gender) {
  const form = await openForm(page, 'Add a child');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Age').fill(String(age));
  await form.locator('.pill', { hasText: new RegExp(`^${gender}$`) }).tap();
  await form.getByRole('button', { name: 'Save child' }).tap();
  await expect(page.locator('.family-member', { hasText: name })).toBeVisible();
}

test('a family of three in a few taps, and its first story names a child', async ({ page }) => {
  await parentMode(page, 'kids', '/kids/family');
  await expect(page.getByRole('heading', { name: 'Our family' })).toBeVisible();
  await addChild(page, 'Nora', 7, 'girl');
  await addChild(page, 'Otto', 4, 'boy');
  const form = await openForm(page, 'Add a grown-up');
  await form.getByLabel('Name').fill('Pat');
  await form.getByRole('button', { name: 'Save grown-up' }).tap();
  await expect(page.locator('.family-member', { hasText: 'Pat' })).toContainText('a grown-up');
  await expect(page.locator('.family-member', { hasText: 'Nora' })).toContainText('a girl of 7');

  // A bad age is refused in words, and nothing is added.
  const bad = await openForm(page, 'Add a child');
  await bad.getByLabel('Name').fill('Quin');
  await bad.getByLabel('Age').fill('30');
  await bad.locator('.pill', { hasText: /^other$/ }).tap();
  await bad.getByRole('button', { name: 'Save child' }).tap();
  await expect(page.locator('.error-notice')).toContainText('from 1 to 17');
  await expect(page.locator('.family-member', { hasText: 'Quin' })).toHaveCount(0);

  await gotoHydrated(page, '/kids');
  const toggle = page.locator('#family_mode');
  await expect(toggle).toBeChecked();
  await expect(page.locator('label.family-mode')).toContainText('Nora, Otto, Pat');
  await page.getByLabel('What should the story be about?').fill('A lantern that shows the way home');
  await page.locator('input[name="input[length]"][value="short"]').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).tap();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });
  await expect(page.locator('.scene-narrative')).toContainText(/Nora|Otto/);

  // A child sees the family but is offered no change.
  await page.getByRole('button', { name: 'Lock' }).tap();
  await expect(page.getByRole('link', { name: /Grown-ups/ }).first()).toBeVisible();
  await gotoHydrated(page, '/kids/family');
  await expect(page.locator('.family-member', { hasText: 'Nora' })).toBeVisible();
  await expect(page.locator('summary', { hasText: /^(Add a child|Edit|Remove)$/ })).toHaveCount(0);

  // The e2e servers are shared: the family goes again, so other tests' stories are their own.
  await parentMode(page, 'kids', '/kids/family');
  await page.locator('summary', { hasText: /^Remove the whole family$/ }).tap();
  await page.getByRole('button', { name: 'Yes, remove them all' }).tap();
  await expect(page.locator('.family-member')).toHaveCount(0);
  await expect(page.getByText('No children yet.')).toBeVisible();
});
