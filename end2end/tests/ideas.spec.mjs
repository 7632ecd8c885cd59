// Story ideas and "Surprise me", on a phone: a card fills the start form in place with no
// request, stays marked, and a second tap empties the form; "More ideas" shows other cards;
// a card names the roster characters it is made for; Surprise me starts a story in one tap.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, parentMode, addCharacter, moreChoices } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

const idea = (page) => page.getByLabel('What should the story be about?');
const cards = (page) => page.locator('a.idea-card');

test('a tapped card fills the form without a request, and a second tap empties it', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  await expect(cards(page)).toHaveCount(6);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const card = cards(page).nth(2);
  await card.tap();
  await expect(card).toHaveAttribute('aria-pressed', 'true');
  await expect(idea(page)).not.toHaveValue('');
  // The form says the style the card chose; the length is the card's.
  await expect(page.locator('.chosen-models')).toContainText(/pictures by .+, [a-z]/);
  await expect(page.locator('input[name="input[length]"]:checked')).toHaveCount(1);
  expect(requests, 'filled in place').toEqual([]);
  // What the card filled can be changed before starting.
  await idea(page).fill('A snail who paints the sea, and a crab who helps');
  await expect(idea(page)).toHaveValue(/crab who helps/);
  // A second tap: the form is empty again.
  await card.tap();
  await expect(card).toHaveAttribute('aria-pressed', 'false');
  await expect(idea(page)).toHaveValue('');
  await moreChoices(page);
  await expect(page.locator('#style')).toHaveValue('');
});

test('More ideas shows other cards from the tier’s pool', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  const titles = () => cards(page).locator('strong').allTextContents();
  const first = await titles();
  await page.getByRole('link', { name: 'More ideas' }).tap();
  await expect.poll(titles).not.toEqual(first);
  const second = await titles();
  expect(second).toHaveLength(6);
  expect(second.filter((t) => first.includes(t)).length, 'mostly new cards').toBeLessThan(3);
  // The cards fit the phone: none wider than the screen.
  for (const box of await cards(page).evaluateAll((as) => as.map((a) => a.getBoundingClientRect().right))) {
    expect(box).toBeLessThanOrEqual(390);
  }
});

test('a card made for Grandma ticks her when she is in the roster', async ({ page }) => {
  await parentMode(page, 'kids', '/kids/profiles');
  await addCharacter(page, 'Grandma', { description: 'A grandmother with silver curls and a green cardigan' });
  // The card's own link (what a page without the app opens) fills the form the same way.
  await gotoHydrated(page, '/kids?idea=grandma-garden');
  await expect(cards(page).first()).toHaveAttribute('aria-pressed', 'true');
  await expect(idea(page)).toHaveValue(/Grandma's garden/);
  const grandma = page.locator('.pick-characters label', { hasText: /^Grandma/ }).locator('input');
  await expect(grandma).toBeChecked();
  // Untapping the card unticks what it ticked.
  await cards(page).first().tap();
  await expect(grandma).not.toBeChecked();
});

test('Surprise me starts a story in one tap, its words streaming in place', async ({ page }) => {
  await gotoHydrated(page, '/kids');
  await expect(idea(page)).toHaveValue('');
  const surprise = page.getByRole('button', { name: 'Surprise me' });
  // Within the first screen, next to Begin.
  const box = await surprise.boundingBox();
  expect(box.height).toBeGreaterThanOrEqual(44);
  await surprise.tap();
  await expect(page.locator('.writing, .scene-title').first()).toBeVisible();
  await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });
  await expect(page.locator('.scene-narrative')).not.toBeEmpty();
});
