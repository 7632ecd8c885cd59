// The same faces in every scene, in Chromium on a phone: a character built with taps only,
// a story with two characters, the "Same faces" badge on its pictures and, for a grown-up,
// what each picture was drawn with; a parent can ask for a new look.
import { test, expect } from './fixtures.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gotoHydrated, open, choose, parentMode, addCharacter } from './helpers.mjs';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures');
const MAGENTA = path.join(FIXTURES, 'photo-magenta.jpg');

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('a character is built with taps only, each pill a fingertip wide', async ({ page }) => {
  await parentMode(page, 'kids', '/kids/profiles');
  const adder = page.locator('.new-character');
  await open(adder, 'Add a character');
  const form = adder.locator('form.character-form');
  const pills = form.locator('.pill');
  expect(await pills.count()).toBeGreaterThanOrEqual(44);
  for (const box of await pills.evaluateAll((all) => all.map((p) => p.getBoundingClientRect().toJSON()))) {
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.right).toBeLessThanOrEqual(390);
  }
  const started = Date.now();
  await form.getByLabel('Name', { exact: true }).fill('Tilly');
  const picks = [
    ['hair_colour', 'red'], ['hair_length', 'long'], ['eyes', 'green'], ['skin', 'olive'],
    ['height', 'small'], ['temperament', 'brave'], ['energy', 'lively'],
    ['clothing', 'dungarees'], ['vibe', 'colourful'],
  ];
  for (const [group, words] of picks) {
    await form.locator(`.trait-group[data-trait="${group}"] .pill`, { hasText: new RegExp(`^${words}$`) }).tap();
  }
  const description = form.getByLabel('Description');
  await expect(description).toHaveValue(
    'Long red hair, green eyes and olive skin; small. Brave and lively. Wears dungarees; a colourful style.',
  );
  // A second tap in a row replaces that pick's words; typed words after them stay.
  await description.fill(`${await description.inputValue()} Loves kites.`);
  await form.locator('.trait-group[data-trait="eyes"] .pill', { hasText: /^blue$/ }).tap();
  await expect(description).toHaveValue(/^Long red hair, blue eyes .* Loves kites\.$/);
  await form.getByRole('button', { name: 'Save character' }).tap();
  const card = page.locator('.character-card', { hasText: 'Tilly' });
  await expect(card.locator('.character-description')).toContainText('blue eyes');
  // Ten taps and a name: well under the 30 s a family has for it.
  expect(Date.now() - started).toBeLessThan(30_000);
  // Editing shows the picks again.
  await open(card, 'Edit');
  await expect(card.locator('.trait-group[data-trait="eyes"] input[value="blue"]')).toBeChecked();
});

test('two characters picked for a story: the pictures keep the same faces and say what they were drawn with', async ({ page }) => {
  await parentMode(page, 'kids', '/kids/profiles');
  const mia = await addCharacter(page, 'Mia', { picks: [['hair_colour', 'red'], ['eyes', 'green']], tap: true });
  await addCharacter(page, 'Leo', { picks: [['hair_colour', 'black'], ['temperament', 'cheeky']], tap: true });
  await mia.locator('input[type="file"]').setInputFiles(MAGENTA);
  await expect(mia.locator('img.photo-thumbnail')).toBeVisible();

  // Both picked on the start form, no profile needed.
  await gotoHydrated(page, '/kids');
  const picker = page.locator('fieldset.pick-characters');
  for (const name of ['Mia', 'Leo']) {
    await picker.locator('label', { hasText: new RegExp(`^${name}( ·.*)?$`) }).tap();
  }
  await expect(picker.locator('input:checked')).toHaveCount(2);
  await page.getByLabel('What should the story be about?').fill('A picnic on a windy hill');
  await page.locator('input[name="input[length]"][value="short"]').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).tap();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });
  await expect(page.locator('.memory-profile')).toContainText('With Mia and Leo');
  // The first picture is drawn with Mia's photo.
  await expect(page.locator('.picture-credit .same-faces')).toBeVisible({ timeout: 30_000 });

  await choose(page, 0, 2);
  const badge = page.locator('.picture-credit .same-faces');
  await expect(badge).toHaveText(/Same faces/, { timeout: 30_000 });
  const about = page.locator('details.about-picture');
  await about.locator('summary').tap();
  await expect(about).toContainText('the picture of scene 1');
  await expect(about).toContainText('so the faces stay the same');

  // A parent may start a new look from the next scene.
  await about.getByRole('button', { name: 'New look from the next scene' }).tap();
  await expect(about).toContainText('The next picture starts a new look.');
  await choose(page, 0, 3);
  const next = page.locator('details.about-picture');
  await expect(next).toHaveCount(1, { timeout: 30_000 });
  await next.locator('summary').tap();
  await expect(next).toContainText('A new look was asked for');
  await expect(next).not.toContainText('the picture of scene 2');
});
