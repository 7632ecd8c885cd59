// Voice input (seed feature 010) with Chromium's fake microphone playing a tone. Headless
// Chromium has no speech recognition that works offline, so (as in Firefox) the recording
// goes to the server, where the simulator transcribes it.
import { test, expect } from './fixtures.mjs';
import { gotoHydrated, failFetches, forgetFailedFetches } from './helpers.mjs';
import { TONE, SIM_WORDS, microphonePlaying, withoutSpeechRecognition } from './voice_audio.mjs';

test.use(microphonePlaying(TONE));

test('press, speak, stop: the words are added to what was already typed', async ({ page }) => {
  await page.addInitScript(withoutSpeechRecognition);
  await gotoHydrated(page, '/kids');
  const idea = page.getByLabel('What should the story be about?');
  await idea.fill('A dragon.');
  const mic = page.getByRole('button', { name: 'Speak the idea instead of typing it' });
  await mic.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.voice-status')).toContainText('Listening…');
  await expect(page.locator('.voice-button')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.voice-button')).toHaveAttribute('aria-label', /Stop listening/);
  await page.waitForTimeout(1_500);
  await page.locator('.voice-button').click();
  await expect(idea).toHaveValue(`A dragon. ${SIM_WORDS}`, { timeout: 15_000 });
  await expect(page.locator('.voice-button')).toHaveAttribute('aria-pressed', 'false');
});

test('a blocked microphone says so, and what was typed stays', async ({ page }) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await page.addInitScript(withoutSpeechRecognition);
  await gotoHydrated(page, '/kids');
  const idea = page.getByLabel('What should the story be about?');
  await idea.fill('A whale who sings');
  await page.getByRole('button', { name: 'Speak the idea instead of typing it' }).click();
  await expect(page.locator('.voice-status')).toContainText('The microphone is blocked');
  await expect(idea).toHaveValue('A whale who sings');
});

test("the browser's own speech recognition is used first: words show as they come, then are added", async ({ page }) => {
  // A stand-in for the browser's recognizer, speaking the way Chrome's does: interim
  // results, then a final one, then `end` when stopped.
  await page.addInitScript(() => {
    const results = (text, isFinal) => {
      const result = [{ transcript: text }];
      result.isFinal = isFinal;
      return [result];
    };
    window.SpeechRecognition = class {
      start() {
        setTimeout(() => this.onresult?.({ results: results('a purple', false) }), 200);
        setTimeout(() => this.onresult?.({ results: results('a purple owl who reads maps', true) }), 2500);
      }
      stop() { setTimeout(() => this.onend?.(), 50); }
    };
    delete window.webkitSpeechRecognition;
  });
  await gotoHydrated(page, '/kids');
  const idea = page.getByLabel('What should the story be about?');
  await idea.fill('Once upon a time');
  await page.getByRole('button', { name: 'Speak the idea instead of typing it' }).click();
  await expect(page.locator('.voice-status')).toContainText('“a purple”');
  await page.waitForTimeout(2_800);
  await page.locator('.voice-button').click();
  await expect(idea).toHaveValue('Once upon a time a purple owl who reads maps');
});

test('a browser that can neither recognise speech nor record shows no microphone', async ({ page }) => {
  await page.addInitScript(() => {
    delete window.SpeechRecognition;
    delete window.webkitSpeechRecognition;
    delete window.MediaRecorder;
  });
  await gotoHydrated(page, '/kids');
  await expect(page.locator('.voice-button')).toBeHidden();
  await expect(page.getByLabel('What should the story be about?')).toBeVisible();
});

test("a microphone whose code cannot be fetched says so, and a press once it can listens", async ({ page, pageErrors }) => {
  const capture = '**/pkg/split_capture.wasm';
  const failed = await failFetches(page, capture);
  await page.addInitScript(withoutSpeechRecognition);
  await page.goto('/kids');
  await page.waitForSelector('body[data-hydrated="true"]');
  const idea = page.getByLabel('What should the story be about?');
  await idea.fill('A kite over the sea');
  const mic = page.getByRole('button', { name: 'Speak the idea instead of typing it' });
  await mic.click();
  await expect(page.locator('.voice-status')).toContainText('The microphone could not be loaded');
  await expect(idea).toHaveValue('A kite over the sea');

  // The next press fetches the code again: only the words prove it came ("Listening…" shows
  // before the code is asked for).
  await page.unroute(capture);
  await mic.click();
  await expect(page.locator('.voice-status')).toContainText('Listening…');
  await page.locator('.voice-button').click();
  await expect(idea).toHaveValue(`A kite over the sea ${SIM_WORDS}`, { timeout: 15_000 });
  forgetFailedFetches(pageErrors, failed);
});
