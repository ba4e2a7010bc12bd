// The redaction editor in a real browser: the one page with a script. Run by tests/browser.rs
// with GONGKAI_BASE, GONGKAI_CLERK ("username:password"), GONGKAI_EDITOR (the editor's path
// for a one-page PDF whose marker line lies 60–460 pt from the left, 118–152 pt from the
// top), GONGKAI_SCREENSHOTS (optional), CHROMIUM. A box drawn with the mouse fills a row of the
// form in millimetres; it can be moved and deleted; the redaction runs and is followed to its
// end. Exits non-zero, naming the step, when anything fails.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { a11yContext, checkA11y } from './a11y.mjs';

const base = process.env.GONGKAI_BASE;
const shots = process.env.GONGKAI_SCREENSHOTS || '';
const [user, ...rest] = process.env.GONGKAI_CLERK.split(':');
const editor = process.env.GONGKAI_EDITOR;
const MM_PER_PT = 25.4 / 72;

let step = 'start';
const log = (s) => { step = s; console.log(`step: ${s}`); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});

try {
  const context = await browser.newContext(a11yContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  log('sign in');
  await page.goto(`${base}/login`);
  await page.fill('#f-username', user);
  await page.fill('#f-password', rest.join(':'));
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("登录")')]);

  log('open the editor');
  await page.goto(`${base}${editor}`);
  const img = page.locator('.redact-page[data-page="1"] img');
  await img.waitFor();
  await page.waitForFunction(() => {
    const i = document.querySelector('.redact-page img');
    return i && i.complete && i.naturalWidth > 0;
  });
  // The script ran: it says how to draw.
  assert.match(await page.locator('#draw-hint').innerText(), /每个框对应下表中的一行/);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 1000 });
    await checkA11y(page, `redaction editor at ${width} px`);
  }
  // Tall enough for the whole page image: the mouse acts only within the viewport.
  await page.setViewportSize({ width: 1280, height: 2000 });
  await img.scrollIntoViewIfNeeded();

  const at = async (xPt, yPt) => {
    const b = await img.boundingBox();
    return { x: b.x + (xPt / 595) * b.width, y: b.y + (yPt / 842) * b.height };
  };
  const drag = async (from, to) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
  };

  log('draw a box over the marker');
  await drag(await at(60, 118), await at(460, 152));
  const value = (name) => page.inputValue(`[name="${name}"]`);
  assert.equal(await value('r.0.page'), '1');
  const close = (got, want, what) => assert.ok(Math.abs(parseFloat(got) - want) < 1.5, `${what}: ${got} mm, expected about ${want.toFixed(1)}`);
  close(await value('r.0.x'), 60 * MM_PER_PT, 'x');
  close(await value('r.0.y'), 118 * MM_PER_PT, 'y');
  close(await value('r.0.w'), 400 * MM_PER_PT, 'w');
  close(await value('r.0.h'), 34 * MM_PER_PT, 'h');
  assert.equal(await page.locator('.redact-box[data-row="0"]').count(), 1);

  log('move it');
  const x0 = parseFloat(await value('r.0.x'));
  const box = await page.locator('.redact-box[data-row="0"]').boundingBox();
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await drag(centre, { x: centre.x + 20, y: centre.y });
  assert.ok(parseFloat(await value('r.0.x')) > x0 + 1, 'the box did not move');
  await drag({ x: centre.x + 20, y: centre.y }, centre);
  close(await value('r.0.x'), x0, 'x back');

  log('draw a second box and delete it');
  await drag(await at(60, 300), await at(200, 330));
  assert.equal(await value('r.1.page'), '1');
  await page.locator('.redact-box[data-row="1"] .redact-delete').click();
  assert.equal(await value('r.1.page'), '');
  assert.equal(await page.locator('.redact-box').count(), 1);

  log('typed rows show as boxes');
  await page.fill('[name="r.1.page"]', '1');
  await page.fill('[name="r.1.x"]', '20');
  await page.fill('[name="r.1.y"]', '200');
  await page.fill('[name="r.1.w"]', '30');
  await page.fill('[name="r.1.h"]', '10');
  assert.equal(await page.locator('.redact-box[data-row="1"]').count(), 1);
  await page.locator('.redact-box[data-row="1"] .redact-delete').click();

  log('choose the ground and submit');
  await page.selectOption('[name="r.0.ground"]', 'personal_privacy');
  await page.selectOption('[name="r.0.third_party"]', 'not_consulted');
  if (shots) await page.screenshot({ path: `${shots}/redact-editor.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("生成遮盖后的文件")')]);
  assert.match(page.url(), /\/redaction-jobs\//);

  log('follow the job to its end');
  await page.locator('text=遮盖后的文件已生成').waitFor({ timeout: 60000 });
  await checkA11y(page, 'redaction job done');
  if (shots) await page.screenshot({ path: `${shots}/redact-done.png`, fullPage: true });
  assert.deepEqual(errors, [], 'script errors on the page');
  console.log('redaction: all steps passed');
} catch (e) {
  console.error(`failed at step "${step}": ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
