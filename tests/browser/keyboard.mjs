// Keyboard only: an applicant files a request on /apply and a clerk signs in and registers it,
// with Tab, Shift+Tab, typing, arrow keys and Enter — no mouse, no clicks, no filling by
// selector. The script only reads where the focus is to decide the next key.
// Run by tests/browser.rs after flow.mjs, with the same environment (GONGKAI_BASE,
// GONGKAI_CLERK, CHROMIUM).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { a11yContext, checkA11y } from './a11y.mjs';

const base = process.env.GONGKAI_BASE;
const [clerkUser, ...rest] = process.env.GONGKAI_CLERK.split(':');
const clerkPassword = rest.join(':');

let step = 'start';
const log = (s) => { step = s; console.log(`step: ${s}`); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});

/** What has the focus: its id, tag, text and, for a link, its href and row. */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return {
    id: e.id,
    tag: e.tagName.toLowerCase(),
    text: (e.textContent || '').trim(),
    href: e.getAttribute('href') || '',
    row: e.closest('tr')?.innerText || '',
    value: 'value' in e ? e.value : '',
  };
});

/** Presses Tab until `wanted(focus)` holds (at most 80 times). */
async function tabTo(page, what, wanted) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    if (wanted(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${what} on ${page.url()}`);
}

const tabToId = (page, id) => tabTo(page, `#${id}`, (f) => f.id === id);

async function typeInto(page, id, text) {
  await tabToId(page, id);
  await page.keyboard.type(text);
}

/** Chooses the option whose value is `value` in the focused select with the arrow keys. */
async function choose(page, id, value) {
  await tabToId(page, id);
  await page.keyboard.press('Home');
  for (let i = 0; i < 30; i += 1) {
    if ((await focused(page)).value === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the arrow keys never chose ${value} in #${id}`);
}

/** Presses Enter on what has the focus and waits for the page it leads to. */
async function enter(page) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

try {
  log('the applicant files a request with the keyboard only');
  const applicantContext = await browser.newContext(a11yContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }));
  const applicant = await applicantContext.newPage();
  await applicant.goto(`${base}/apply`);
  const description = '2024年本区公共厕所新建和改造项目的选址与预算（键盘）';
  await choose(applicant, 'f-applicant.kind', 'natural_person');
  await typeInto(applicant, 'f-applicant.name', '王五');
  await choose(applicant, 'f-applicant.id_document_type', 'resident_id');
  await typeInto(applicant, 'f-applicant.id_document', '11010519491231002X');
  await typeInto(applicant, 'f-applicant.email', 'wang.wu@example.cn');
  await typeInto(applicant, 'f-request.description', description);
  await tabTo(applicant, 'the submit button', (f) => f.tag === 'button' && f.text === '提交申请');
  await enter(applicant);
  const reference = (await applicant.locator('#reference').innerText()).trim();
  assert.match(reference, /^[2-9A-HJKMNP-Z]{10}$/, `no receipt after filing by keyboard: ${await applicant.locator('main').innerText()}`);
  await checkA11y(applicant, 'receipt (keyboard)');

  log('the clerk signs in with the keyboard only');
  const clerkContext = await browser.newContext(a11yContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }));
  const clerk = await clerkContext.newPage();
  await clerk.goto(`${base}/login`);
  await typeInto(clerk, 'f-username', clerkUser);
  await typeInto(clerk, 'f-password', clerkPassword);
  await enter(clerk);
  assert.ok(!clerk.url().includes('/login'), `the clerk could not sign in by keyboard: ${clerk.url()}`);

  log('the clerk opens the request from the queue and registers it with Tab and Enter');
  await clerk.goto(`${base}/staff/queue`);
  await tabTo(clerk, 'the new request in the queue', (f) => f.href.startsWith('/staff/cases/') && f.row.includes('王五'));
  await enter(clerk);
  assert.ok(clerk.url().includes('/staff/cases/'), `not on the case page: ${clerk.url()}`);
  await tabTo(clerk, 'the 登记 action', (f) => f.tag === 'summary' && f.text.includes('登记'));
  await clerk.keyboard.press('Enter');
  assert.ok(await clerk.locator('#action-register').evaluate((d) => d.open), 'Enter does not open the action');
  await tabTo(clerk, 'the 登记 button', (f) => f.tag === 'button' && f.text.includes('登记'));
  await enter(clerk);
  assert.equal(await clerk.locator('.errors').count(), 0, `registration refused: ${await clerk.locator('main').innerText()}`);
  assert.match(await clerk.locator('.flash').innerText(), /登记/);
  assert.match(await clerk.locator('h1').innerText(), /GK-\d{4}-\d{6}/);

  console.log('keyboard pass: all steps passed');
  await browser.close();
} catch (e) {
  console.error(`FAILED at step "${step}": ${e.stack || e}`);
  await browser.close();
  process.exit(1);
}
