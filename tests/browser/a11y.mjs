// Accessibility check of a page state with axe-core (pinned in package.json and the lock file).
//
// axe is injected by the test only: the site's CSP forbids injected scripts, so the test
// browser's context must be made with `bypassCSP: true` (see `a11yContext`); the CSP the site
// sends is never loosened.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.1 A and AA rules (GB/T 37668-2019 follows WCAG 2.x AA). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Options for `browser.newContext` that let the test inject axe despite the site's CSP. */
export function a11yContext(options = {}) {
  return { bypassCSP: true, ...options };
}

/**
 * Runs axe on the page as it is now; throws, naming `label` and every violation (rule id,
 * impact, target selectors, help), if there is any.
 */
export async function checkA11y(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(axeSource);
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  const violations = result.violations;
  if (violations.length > 0) {
    const lines = violations.map((v) => {
      const targets = v.nodes.map((n) => n.target.join(' ')).join(', ');
      return `  ${v.id} (${v.impact}): ${v.help} — ${targets}\n    ${v.helpUrl}`;
    });
    throw new Error(`accessibility violations on "${label}" (${page.url()}):\n${lines.join('\n')}`);
  }
  return result;
}
