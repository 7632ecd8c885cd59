// Voice input in a quiet room: Chromium's fake microphone plays silence, so listening stops
// by itself after ten seconds, measured on the level, and says nothing was heard.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated } from './helpers.mjs';
import { SILENCE, microphonePlaying, withoutSpeechRecognition } from './voice_audio.mjs';

test.use(microphonePlaying(SILENCE));

test('listening stops by itself after ten seconds of silence and says nothing was heard', async ({ page }) => {
  test.setTimeout(60_000);
  await page.addInitScript(withoutSpeechRecognition);
  await gotoHydrated(page, '/kids');
  const idea = page.getByLabel('What should the story be about?');
  await page.getByRole('button', { name: 'Speak the idea instead of typing it' }).click();
  await expect(page.locator('.voice-status')).toContainText('Listening…');
  await expect(page.locator('.voice-status')).toContainText('did not hear anything', { timeout: 20_000 });
  await expect(page.locator('.voice-button')).toHaveAttribute('aria-pressed', 'false');
  await expect(idea).toHaveValue('');
});
