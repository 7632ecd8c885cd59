// The `test` every spec uses: Playwright's, plus a check that no page threw and no
// Content-Security-Policy violation was reported.
// An uncaught error in the browser (a bundle that fails to start, a panic in a handler) fails
// the test even when the page still looks right, because server-rendered HTML hides it.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  pageErrors: [
    async ({ page }, use) => {
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // Chromium reports every Content-Security-Policy violation on the console: a blocked
      // script, style, picture or clip is a failure, not a silent gap on the page.
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
          errors.push(`CSP violation: ${message.text()}`);
        }
      });
      await use(errors);
      expect(errors, 'uncaught errors or CSP violations in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
