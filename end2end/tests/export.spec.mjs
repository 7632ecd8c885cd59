// Story export: the web page and the PDF book downloaded from the gallery; the page opened
// from file:// with every network request blocked and JavaScript off; every scene is
// reached through the page's own links, each picture decodes and each clip loads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, startStory, choose } from './helpers.mjs';

test('both exports download; the page works offline from file:// and every scene is reachable', async ({ page, browser }) => {
  const first = await startStory(page, 'kids', { prompt: 'A hedgehog who paints the sky', imageModel: 'gpt-image-quick', video: true });
  await choose(page, 0, 2);
  await gotoHydrated(page, first);
  await choose(page, 1, 2);
  await choose(page, 0, 3);
  await expect(page.locator('.the-end')).toBeVisible();
  await expect(page.locator('video.scene-clip')).toBeVisible({ timeout: 30_000 });
  const storyId = first.match(/\/story\/([0-9a-f]+)\//)[1];
  await gotoHydrated(page, `/kids/gallery/${storyId}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Export as a web page/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^[A-Za-z0-9-]+\.html$/);
  const file = path.join(os.tmpdir(), `cyoa-export-${storyId}.html`);
  await download.saveAs(file);

  const [book] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Export as a PDF book/ }).click(),
  ]);
  expect(book.suggestedFilename()).toMatch(/^[A-Za-z0-9-]+\.pdf$/);
  const pdf = fs.readFileSync(await book.path());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(20_000);

  const offline = await browser.newContext({ offline: true, javaScriptEnabled: false });
  const reader = await offline.newPage();
  const outside = [];
  await reader.route('**/*', (route) => {
    if (route.request().url().startsWith('file://')) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  await reader.goto(`file://${file}`);
  await expect(reader.locator('svg.story-map a.node')).toHaveCount(4);
  const sections = reader.locator('section.scene');
  await expect(sections).toHaveCount(4);
  // Every node of the map leads to its scene, whose picture decodes.
  const count = await reader.locator('svg.story-map a.node').count();
  let clipsSeen = 0;
  for (let i = 0; i < count; i++) {
    const node = reader.locator('svg.story-map a.node').nth(i);
    const target = (await node.getAttribute('href')).slice(1);
    await node.click();
    expect(new URL(reader.url()).hash).toBe(`#${target}`);
    const img = reader.locator(`section#${target} img`);
    await expect.poll(() => img.evaluate((i) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    const clips = reader.locator(`section#${target} video`);
    if (await clips.count()) {
      await expect.poll(() => clips.evaluate((v) => v.readyState)).toBeGreaterThanOrEqual(1);
      clipsSeen++;
    }
  }
  expect(clipsSeen).toBeGreaterThan(0);
  expect(outside).toEqual([]);
  await offline.close();
  fs.rmSync(file, { force: true });
});
