// The `test` every spec uses: Playwright's, plus a check that no page threw.
// An uncaught error in the browser (a bundle that fails to start, a panic in a handler) fails
// the test even when the page still looks right, because server-rendered HTML hides it.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  pageErrors: [
    async ({ page }, use) => {
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
