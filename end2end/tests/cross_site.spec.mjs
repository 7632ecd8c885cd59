// Another site's page cannot start a story in the family's browser: its form post is refused
// (403) and nothing is stored. The instance on port 3101 plays the other site.
import { test, expect } from './fixtures.mjs';
import { OPENAI_ONLY_URL } from '../playwright.config.mjs';

test('a form on another site posting to start_story is refused and starts nothing', async ({ page, request, baseURL }) => {
  // A started story would ask the storyteller (GPT-6 Luna on the simulator) for its first scene.
  const storytellerCalls = async () =>
    (await (await request.get('/sim/__control/stats')).json()).requests['openai/chat/completions'] ?? 0;
  const before = await storytellerCalls();
  // Any page of another origin; this one sets no form-action policy of its own.
  await page.goto(`${OPENAI_ONLY_URL}/healthz`);
  await page.setContent(`
    <form method="post" action="${baseURL}/api/start_story">
      <input name="tier" value="kids">
      <input name="input[prompt]" value="A story another site wanted">
      <input name="input[length]" value="short">
      <input name="input[text_model]" value="gpt-6-luna">
      <button type="submit">Go</button>
    </form>`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/start_story')),
    page.getByRole('button', { name: 'Go' }).click(),
  ]);
  expect(response.status()).toBe(403);
  await expect(page.locator('body')).toContainText('came from another site');
  expect(await storytellerCalls()).toBe(before);
});
