// Made for a child's hands, judged on a 390×844 phone and a laptop: a tier with its parent
// controls locked offers nothing that costs money or destroys something; a tap is marked at
// once and the words being written appear where the eye is (the first scene too); the
// story starts high on a phone; keyboard users land on the new scene; the story map fits.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose, moreChoices, parentMode, unlock } from './helpers.mjs';

/** How fast the demo simulator writes. */
async function setPace(request, firstTokenMs, tokensPerSecond) {
  const res = await request.post('/sim/__control/pace', {
    data: { first_token_ms: firstTokenMs, tokens_per_second: tokensPerSecond },
  });
  expect(res.ok()).toBeTruthy();
}

test.afterEach(async ({ request }) => setPace(request, 0, 0));

/** Controls that cost money or destroy something, by what a person reads on them. */
const PAID_OR_DESTRUCTIVE = /New picture|New clip|Retry|Delete|Remove|Edit|New profile|Add a character|Upload/;

async function expectNoPaidOrDestructiveControl(page, where) {
  const controls = page.locator('button:visible:not(.choice), summary:visible, input[type="file"]');
  const words = await controls.evaluateAll((all) => all.map((c) => c.textContent.trim() || c.outerHTML));
  expect(words.filter((w) => PAID_OR_DESTRUCTIVE.test(w)), where).toEqual([]);
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('with the parent controls locked, no page offers a paid or destructive control', async ({ page }) => {
    // A parent sets up a family with a photo, then locks: the child takes over.
    await parentMode(page, 'kids', '/kids/profiles');
    await page.locator('summary', { hasText: /^New profile$/ }).click();
    await page.locator('#profile-display_name').fill('The Locked Family');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.locator('.profile-card', { hasText: 'The Locked Family' })).toBeVisible();
    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page).toHaveURL(/\/kids$/);

    await gotoHydrated(page, '/kids');
    await expectNoPaidOrDestructiveControl(page, 'home');
    await page.getByLabel('What should the story be about?').fill('A duck who learns to whistle');
    await page.locator('#video_mode').check();
    await page.locator('input[name="input[length]"][value="short"]').check();
    await page.getByRole('button', { name: 'Begin the adventure' }).click();
    await expect(page.locator('video.scene-clip')).toBeVisible({ timeout: 30_000 });
    // The picture still names its model, quietly.
    await expect(page.locator('.picture-credit .image-model')).not.toBeEmpty();
    await expectNoPaidOrDestructiveControl(page, 'scene with picture and clip');
    const storyId = page.url().match(/story\/([0-9a-f]+)\//)[1];
    await choose(page, 0, 2);
    await choose(page, 0, 3);
    await expectNoPaidOrDestructiveControl(page, 'ending');
    await gotoHydrated(page, '/kids/gallery');
    await expectNoPaidOrDestructiveControl(page, 'gallery');
    await gotoHydrated(page, `/kids/gallery/${storyId}`);
    await expectNoPaidOrDestructiveControl(page, 'reader');
    await gotoHydrated(page, '/kids/profiles');
    await expect(page.locator('.profile-card', { hasText: 'The Locked Family' })).toBeVisible();
    await expectNoPaidOrDestructiveControl(page, 'profiles');
    // What a child could do that costs money is refused by the server too.
    const res = await page.request.post('/api/delete_story', { form: { tier: 'kids', story_id: storyId } });
    expect(res.status()).toBe(403);
  });

  test('a tap is marked at once and the words being written appear in view, above the choices', async ({ page, request }) => {
    await startStory(page, 'kids', { prompt: 'A whale who sings opera' });
    await setPace(request, 400, 40);
    const choice = page.locator('button.choice').first();
    await choice.scrollIntoViewIfNeeded();
    await choice.click();
    await expect(page.locator('.writing .chosen')).toBeVisible();
    const words = page.locator('.words-so-far .scene-narrative');
    await expect(words).not.toBeEmpty({ timeout: 15_000 });
    const box = await words.boundingBox();
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(844);
    // This scene's choices are out of the way while the next one is written.
    await expect(page.locator('ul.choices')).toBeHidden();
    await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about', { timeout: 30_000 });
  });

  test('the first scene streams too: its words replace the form, in view', async ({ page, request }) => {
    await gotoHydrated(page, '/kids');
    await setPace(request, 400, 40);
    await page.getByLabel('What should the story be about?').fill('A penguin who wants to fly');
    await page.getByRole('button', { name: 'Begin the adventure' }).click();
    await expect(page.locator('.writing')).toContainText('writing the first scene');
    const words = page.locator('.words-so-far .scene-narrative');
    await expect(words).not.toBeEmpty({ timeout: 15_000 });
    const box = await words.boundingBox();
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(844);
    await expect(page).toHaveURL(/\/kids\/story\/[0-9a-f]+\/scene\/[0-9a-f]+$/, { timeout: 30_000 });
  });

  test('with its picture loaded, the scene starts on the first screen', async ({ page }) => {
    await startStory(page, 'kids', { prompt: 'A hedgehog at the fair', imageModel: 'gpt-image-quick' });
    await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const first = await page.locator('.scene-narrative p').first().boundingBox();
    expect(first.y + 24, 'the first line of the scene is on the first screen').toBeLessThan(844);
    // The storyteller and the scene count are for grown-ups: behind "About this story".
    await expect(page.locator('.scene-meta')).toBeHidden();
    await page.locator('summary', { hasText: 'About this story' }).click();
    await expect(page.locator('.scene-meta')).toContainText('Scene 1 of about');
  });

  test('the story map fits a 320-px screen and opens at "you are here"', async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 700 });
    await startStory(page, 'kids', { prompt: 'A fox and two doors', length: 'long' });
    await choose(page, 0, 2);
    await choose(page, 0, 3);
    await page.getByRole('link', { name: '← Back' }).click();
    await page.getByRole('link', { name: '← Back' }).click();
    await choose(page, 1, 2);
    await choose(page, 1, 3);
    await page.getByRole('link', { name: 'Story map', exact: true }).click();
    await expect(page.locator('svg.story-map')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const box = await page.locator('.story-map-scroll').boundingBox();
    const here = await page.locator('a.node.current').boundingBox();
    expect(here.x).toBeGreaterThanOrEqual(box.x - 4);
    expect(here.x + here.width).toBeLessThanOrEqual(box.x + box.width + 4);
    // Nodes are named by their choice's words, not by how the scene opens.
    const labels = await page.locator('.node-label').allTextContents();
    expect(labels.filter((l) => /^You decided/.test(l))).toEqual([]);
  });
});

/** Controls on their own smaller than a fingertip (44×44 CSS px), as "tag.class "words" w×h". */
async function smallTargets(page) {
  return page.evaluate(() => {
    const selector = 'button, summary, select, a.button, nav a, .tier-header a, .card-link, .export, '
      + 'fieldset.length label, label.switch';
    return [...document.querySelectorAll(selector)]
      .filter((el) => !el.classList.contains('skip-link'))
      .map((el) => [el, el.getBoundingClientRect()])
      .filter(([, r]) => r.width > 0 && r.height > 0 && (r.width < 43.5 || r.height < 43.5))
      .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" `
        + `${Math.round(r.width)}×${Math.round(r.height)}`);
  });
}

test('on a 320-px phone every page fits the width and every control fits a fingertip', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await parentMode(page, 'kids', '/kids/profiles');
  const storyUrl = await startStory(page, 'kids', { prompt: 'A squirrel who collects buttons', imageModel: 'gpt-image-quick' });
  await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  const storyId = storyUrl.match(/story\/([0-9a-f]+)\//)[1];
  await choose(page, 0, 2);
  await choose(page, 0, 3);
  const pages = ['/', '/kids', storyUrl, `/kids/story/${storyId}/map`, '/kids/gallery',
    `/kids/gallery/${storyId}`, '/kids/profiles', '/kids/family', '/status'];
  for (const url of pages) {
    await gotoHydrated(page, url);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${url} scrolls sideways`).toBeLessThanOrEqual(320);
    expect(await smallTargets(page), `${url}: controls smaller than 44×44`).toEqual([]);
  }
});

test('keyboard: a skip link first, the choices before the player, and focus on the new scene', async ({ page }) => {
  // A parent in video mode: the page has media controls (New picture, the player) to order.
  await parentMode(page, 'kids', '/kids');
  await startStory(page, 'kids', { prompt: 'A train that hums', imageModel: 'gpt-image-quick', video: true });
  await expect(page.locator('img.scene-image, video.scene-clip').first()).toBeVisible({ timeout: 30_000 });
  await gotoHydrated(page, page.url());
  await expect(page.locator('summary.regenerate').first()).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Tab');
  await expect(page.locator('.skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  // Tab from the content reaches the choices before anything of the media.
  const order = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => `${document.activeElement.tagName} ${document.activeElement.className}`));
  }
  const firstChoice = order.findIndex((c) => c.includes('choice'));
  const firstMedia = order.findIndex((c) => /regenerate|retry|VIDEO/.test(c));
  expect(firstChoice, order.join(' | ')).toBeGreaterThanOrEqual(0);
  expect(firstMedia, order.join(' | ')).toBeGreaterThanOrEqual(0);
  expect(firstChoice).toBeLessThan(firstMedia);
  await page.locator('button.choice').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.scene-meta')).toContainText('Scene 2 of about', { timeout: 30_000 });
  await expect(page.locator('h1.scene-title')).toBeFocused();
});

test('on a laptop the picture leaves the story in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await startStory(page, 'kids', { prompt: 'A cloud that rains lemonade', imageModel: 'gpt-image-quick' });
  await expect(page.locator('img.scene-image')).toBeVisible({ timeout: 30_000 });
  const pane = await page.locator('.media-pane').boundingBox();
  expect(pane.height).toBeLessThanOrEqual(720 * 0.46);
  const first = await page.locator('.scene-narrative p').first().boundingBox();
  expect(first.y).toBeLessThan(720);
});

test('a parent is asked before a new picture, told it is paid, and its controls sit clear of the player', async ({ page }) => {
  await parentMode(page);
  await gotoHydrated(page, '/kids');
  await page.getByLabel('What should the story be about?').fill('A kite over the sea');
  await moreChoices(page);
  await page.locator('#image_model').selectOption('gpt-image-quick');
  await page.locator('#video_mode').check();
  await page.getByRole('button', { name: 'Begin the adventure' }).click();
  const clip = page.locator('video.scene-clip');
  await expect(clip).toBeVisible({ timeout: 30_000 });
  const newClip = page.locator('summary', { hasText: 'New clip' });
  await expect(newClip).toBeVisible({ timeout: 30_000 });
  const player = await clip.boundingBox();
  const button = await newClip.boundingBox();
  // The player's controls run along its bottom: the media's own buttons sit in its top half.
  expect(button.y + button.height).toBeLessThan(player.y + player.height / 2);
  await newClip.click();
  await expect(page.locator('.media-pane details[open] .confirm')).toContainText('costs more than a picture');
});

test('after Lock, Back shows the PIN form, not the page from memory', async ({ page }) => {
  await unlock(page);
  await gotoHydrated(page, '/adult/gallery');
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goBack();
  await expect(page.getByLabel('Parent PIN')).toBeVisible();
  await expect(page.locator('.gallery')).toHaveCount(0);
});
