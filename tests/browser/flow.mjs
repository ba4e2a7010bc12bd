// The web pages in a real browser (headless Debian chromium, driven by playwright-core).
// Run by tests/browser.rs, which starts `gongkai serve`, creates the office and passes:
//   GONGKAI_BASE, GONGKAI_ADMIN, GONGKAI_CLERK, GONGKAI_SUPERVISOR, GONGKAI_OTHER_CLERK
//   (each "username:password"), GONGKAI_SCREENSHOTS (a folder, optional), CHROMIUM.
// Exits non-zero, naming the step, when anything a user depends on does not hold.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const base = process.env.GONGKAI_BASE;
const shots = process.env.GONGKAI_SCREENSHOTS || '';
const account = (name) => {
  const [user, ...rest] = process.env[name].split(':');
  return { user, password: rest.join(':') };
};
const clerk = account('GONGKAI_CLERK');
const supervisor = account('GONGKAI_SUPERVISOR');
const otherClerk = account('GONGKAI_OTHER_CLERK');
const admin = account('GONGKAI_ADMIN');

let step = 'start';
const log = (s) => { step = s; console.log(`step: ${s}`); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

async function signIn(who) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#f-username', who.user);
  await page.fill('#f-password', who.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("登录")')]);
  assert.ok(!page.url().includes('/login'), `${who.user} could not log in: ${page.url()}`);
  return page;
}

/** Opens the action's form on the case page, fills it and submits; returns the status. */
async function act(page, action, fill = async () => {}) {
  const box = page.locator(`#action-${action}`);
  assert.equal(await box.count(), 1, `action ${action} is not offered on ${page.url()}`);
  if (!(await box.evaluate((e) => e.open))) await box.locator('summary').click();
  await fill(box);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    box.locator('button[type=submit]').click(),
  ]);
  const errors = await page.locator('.errors').allInnerTexts();
  assert.equal(errors.length, 0, `${action} failed: ${errors.join(' | ')}`);
  return response;
}

async function offered(page) {
  return page.locator('details.action').evaluateAll((els) => els.map((e) => e.id.replace('action-', '')));
}

try {
  // ---------------------------------------------------------------- applicant files
  log('applicant reads the guide');
  const applicantContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true });
  const applicant = await applicantContext.newPage();
  await applicant.goto(`${base}/`);
  assert.match(await applicant.locator('h1').innerText(), /办事指南/);
  assert.equal(await applicant.locator('svg.flow').count(), 1, 'the process diagram is missing');
  await shot(applicant, 'guide-phone');

  log('a validation error keeps the entered text');
  await applicant.goto(`${base}/apply`);
  await applicant.selectOption('#f-applicant\\.kind', 'natural_person');
  await applicant.fill('#f-applicant\\.email', 'zhang.san@example.cn');
  await applicant.fill('#f-request\\.description', '2025年本市老旧小区改造项目清单及资金安排');
  // The name is left out on purpose.
  await Promise.all([applicant.waitForNavigation(), applicant.click('button:has-text("提交申请")')]);
  assert.match(await applicant.locator('.errors').innerText(), /有误/);
  assert.match(await applicant.locator('.row.invalid').first().innerText(), /不能为空|必填/);
  assert.equal(await applicant.inputValue('#f-applicant\\.email'), 'zhang.san@example.cn');
  assert.equal(await applicant.inputValue('#f-request\\.description'), '2025年本市老旧小区改造项目清单及资金安排');
  await shot(applicant, 'apply-error-phone');

  log('the applicant files the request');
  await applicant.fill('#f-applicant\\.name', '张三');
  await applicant.selectOption('#f-applicant\\.id_document_type', 'resident_id');
  await applicant.fill('#f-applicant\\.id_document', '11010519491231002X');
  await applicant.fill('#f-applicant\\.phone', '13812345678');
  await applicant.selectOption('#f-request\\.delivery', 'email');
  await Promise.all([applicant.waitForNavigation(), applicant.click('button:has-text("提交申请")')]);
  const reference = (await applicant.locator('#reference').innerText()).trim();
  const code = (await applicant.locator('#query-code').innerText()).trim();
  // The 提交编号 is the short reference (10 characters, no 0/O, 1/I/L), not the case's UUID.
  assert.match(reference, /^[2-9A-HJKMNP-Z]{10}$/, `receipt without a short reference: ${reference}`);
  assert.ok(code.length >= 8, `receipt without a query code: ${code}`);
  assert.equal((await applicant.content()).split('只显示这一次').length - 1, 1, 'the receipt repeats its warning');
  await shot(applicant, 'receipt-phone');

  // ---------------------------------------------------------------- clerk works the case
  log('the clerk sees it in the queue');
  const clerkPage = await signIn(clerk);
  await clerkPage.goto(`${base}/staff/queue`);
  const link = clerkPage.locator('a[href^="/staff/cases/"]');
  assert.equal(await link.count(), 1, 'the new request is not in the queue');
  const caseId = (await link.getAttribute('href')).replace('/staff/cases/', '');
  await shot(clerkPage, 'queue');
  await link.click();
  await clerkPage.waitForURL(`**/staff/cases/${caseId}`);

  log('only the actions allowed now are offered');
  const before = await offered(clerkPage);
  assert.ok(before.includes('register'), `register not offered: ${before}`);
  for (const never of ['approve_reply', 'archive', 'draft_reply', 'record_delivery']) {
    assert.ok(!before.includes(never), `${never} offered on a received case: ${before}`);
  }

  log('the clerk registers it');
  await act(clerkPage, 'register');
  assert.match(await clerkPage.locator('.flash').innerText(), /登记/);
  const tracking = (await clerkPage.locator('h1').innerText()).match(/GK-\d{4}-\d{6}/)?.[0];
  assert.ok(tracking, 'no tracking number after registration');

  log('the clerk assigns it to herself and starts processing');
  await act(clerkPage, 'start_processing');

  log('the clerk consults a third party');
  await act(clerkPage, 'start_consultation', async (box) => {
    await box.locator('select[name="kind"]').selectOption('third_party');
    await box.locator('input[name="party"]').fill('某物业服务有限公司');
  });
  assert.match(await clerkPage.locator('#case-status').innerText(), /征求第三方意见/);
  const consulting = await offered(clerkPage);
  assert.ok(consulting.includes('end_consultation'), `end_consultation not offered: ${consulting}`);
  assert.ok(!consulting.includes('submit_for_review'), 'a reply can go to review while consulting');
  await act(clerkPage, 'end_consultation', async (box) => {
    await box.locator('select[name="consultation:n"]').selectOption({ index: 1 });
    await box.locator('select[name="opinion"]').selectOption('consent');
  });

  log('a draft without its ground is refused next to the field, text kept');
  await clerkPage.locator('#action-draft_reply summary').click();
  const draft = clerkPage.locator('#action-draft_reply');
  await draft.locator('select[name="reply.outcome:outcome"]').selectOption('disclosed');
  await Promise.all([clerkPage.waitForNavigation(), draft.locator('button[type=submit]').click()]);
  assert.equal(await clerkPage.locator('#action-draft_reply .field-error').count() >= 1, true, 'no field error for the missing reply text');

  log('the clerk drafts the reply and submits it for review');
  await act(clerkPage, 'draft_reply', async (box) => {
    await box.locator('select[name="reply.outcome:outcome"]').selectOption('disclosed');
    await box.locator('textarea[name="reply.text"]').fill('经审查，您申请的信息属于公开范围，现将《2025年老旧小区改造项目清单》提供给您。');
  });
  await act(clerkPage, 'submit_for_review');
  assert.match(await clerkPage.locator('#case-status').innerText(), /审核中/);

  log('the clerk attaches the list to the case');
  await clerkPage.setInputFiles('#upload-file', {
    name: '老旧小区改造项目清单.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('2025年老旧小区改造项目清单\n一、……\n'),
  });
  await Promise.all([clerkPage.waitForNavigation(), clerkPage.click('#upload button')]);
  assert.match(await clerkPage.locator('.flash').innerText(), /附件已上传/);
  assert.equal(await clerkPage.locator('a:has-text("老旧小区改造项目清单.txt")').count(), 1);
  await shot(clerkPage, 'case');

  // ---------------------------------------------------------------- supervisor reviews
  log('the supervisor sees it on the dashboard and returns it once');
  const superPage = await signIn(supervisor);
  await superPage.goto(`${base}/staff/dashboard`);
  assert.equal(await superPage.locator(`a[href="/staff/cases/${caseId}"]`).count() >= 1, true, 'not in the review list');
  await shot(superPage, 'dashboard');
  await superPage.goto(`${base}/staff/cases/${caseId}`);
  assert.ok((await offered(superPage)).includes('approve_reply'), 'approve not offered to the supervisor');
  await act(superPage, 'return_reply', async (box) => {
    await box.locator('textarea[name="reason"]').fill('请写明项目清单的文号和提供方式。');
  });

  log('the clerk reworks the draft');
  await clerkPage.goto(`${base}/staff/cases/${caseId}`);
  assert.match(await clerkPage.locator('body').innerText(), /请写明项目清单的文号/);
  await act(clerkPage, 'draft_reply', async (box) => {
    await box.locator('select[name="reply.outcome:outcome"]').selectOption('disclosed');
    await box.locator('textarea[name="reply.text"]').fill('经审查，您申请的《2025年老旧小区改造项目清单》（某建发〔2025〕12号）属于公开范围，现通过电子邮件提供给您。');
  });
  await act(clerkPage, 'submit_for_review');

  log('the supervisor approves it');
  await superPage.goto(`${base}/staff/cases/${caseId}`);
  await act(superPage, 'approve_reply');
  assert.match(await superPage.locator('#case-status').innerText(), /已答复/);

  log('the supervisor reads table 三 of the annual report');
  await superPage.goto(`${base}/staff/report?year=${new Date().getFullYear()}`);
  const cells = async (row) => superPage.locator(`#table3 tr:has(td:text-is("${row}")) td`).allInnerTexts();
  const disclosed = await cells('三（一）');
  assert.equal(disclosed[2], '1', `予以公开 自然人: ${disclosed}`);
  assert.equal(disclosed[8], '1', `予以公开 总计: ${disclosed}`);
  assert.equal((await cells('一'))[8], '1');
  await shot(superPage, 'report');
  const csv = await superPage.request.get(`${base}/staff/report.csv?year=${new Date().getFullYear()}&scope=department:gk-gkb`);
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /三（一）,予以公开,1,0,0,0,0,0,1/);
  assert.match(await superPage.locator('#table4').innerText(), /行政复议/);

  log('the supervisor reads the monthly statistics and looks for frequent requests');
  await superPage.goto(`${base}/staff/stats`);
  assert.ok(await superPage.locator('figure.chart svg rect').count() > 0, 'a chart');
  assert.match(await superPage.locator('table.stats').first().innerText(), /全年/);
  await shot(superPage, 'stats');
  await superPage.goto(`${base}/staff/frequent?min=2`);
  assert.match(await superPage.locator('main h2').first().innerText(), /每组至少 2 件/);
  await shot(superPage, 'frequent');

  // ---------------------------------------------------------------- applicant reads it
  log('the applicant looks the request up and reads the reply');
  await applicant.goto(`${base}/lookup`);
  await applicant.fill('#f-reference', tracking);
  await applicant.fill('#f-query_code', code);
  await Promise.all([applicant.waitForNavigation(), applicant.click('button:has-text("查询")')]);
  assert.match(await applicant.locator('#status').innerText(), /已答复/);
  assert.match(await applicant.locator('#reply').innerText(), /某建发〔2025〕12号/);
  assert.match(await applicant.locator('#timeline').innerText(), /作出答复/);
  await shot(applicant, 'lookup-reply-phone');

  // ---------------------------------------------------------------- refusals
  log("a clerk of another department cannot open the case");
  const other = await signIn(otherClerk);
  const denied = await other.goto(`${base}/staff/cases/${caseId}`);
  assert.equal(denied.status(), 404);
  assert.ok(!(await other.locator('body').innerText()).includes('张三'), 'the 404 page shows the case');

  log('a form without its CSRF token is refused and changes nothing');
  await clerkPage.goto(`${base}/staff/cases/${caseId}`);
  const version = await clerkPage.locator('#action-record_delivery input[name="version"]').inputValue();
  const forged = await clerkPage.request.post(`${base}/staff/cases/${caseId}/record_delivery`, {
    form: { version, method: 'email' },
    maxRedirects: 0,
  });
  assert.equal(forged.status(), 403, `forged form answered ${forged.status()}`);
  await clerkPage.reload();
  assert.equal(await clerkPage.locator('#action-record_delivery input[name="version"]').inputValue(), version, 'the forged form changed the case');

  log('the admin creates a clerk on the web page');
  const adminPage = await signIn(admin);
  await adminPage.goto(`${base}/admin`);
  assert.match(await adminPage.locator('body').innerText(), /李承办/);
  await adminPage.fill('#f-username', 'clerk3');
  await adminPage.fill('#f-display_name', '陈新');
  await adminPage.selectOption('#f-role', 'clerk');
  await adminPage.selectOption('#f-departments', 'gk-gkb');
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("创建用户")')]);
  assert.match(await adminPage.locator('#one-time-password').innerText(), /clerk3/);
  const oneTime = (await adminPage.locator('#one-time-password .big').innerText()).trim();
  await shot(adminPage, 'admin');

  log('the new clerk signs in with the one-time password and changes it');
  const newClerk = await signIn({ user: 'clerk3', password: oneTime });
  // An issued password confines the session to the password page until it is changed.
  assert.ok(newClerk.url().includes('/account/password'), `not sent to the password page: ${newClerk.url()}`);
  await newClerk.goto(`${base}/staff/queue`);
  assert.ok(newClerk.url().includes('/account/password'), `the queue opened before the change: ${newClerk.url()}`);
  await newClerk.fill('#f-current_password', oneTime);
  await newClerk.fill('#f-new_password', 'short');
  await Promise.all([newClerk.waitForNavigation(), newClerk.click('button:has-text("修改密码")')]);
  assert.match(await newClerk.locator('.row.invalid').innerText(), /至少 10 个字符/);
  await newClerk.fill('#f-current_password', oneTime);
  await newClerk.fill('#f-new_password', 'new-password-2026');
  await Promise.all([newClerk.waitForNavigation(), newClerk.click('button:has-text("修改密码")')]);
  assert.match(await newClerk.locator('.flash').innerText(), /密码已修改/);
  await newClerk.goto(`${base}/staff/queue`);
  assert.ok(newClerk.url().includes('/staff/queue'), `the queue stays closed after the change: ${newClerk.url()}`);
  await signIn({ user: 'clerk3', password: 'new-password-2026' });

  log('the admin previews a calendar year before putting it in force');
  const calendar = readFileSync(new URL('../../config/calendars/cn.toml', import.meta.url), 'utf8');
  const at = calendar.indexOf('year = 2026');
  const year2026 = calendar.slice(calendar.lastIndexOf('[[year]]', at));
  await adminPage.goto(`${base}/admin/calendar`);
  await adminPage.fill('#f-year', '2026');
  // The TOML text is the advanced way, folded under the rows of the form.
  await adminPage.click('summary:has-text("高级")');
  await adminPage.fill('#f-toml', year2026);
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("预览变化")')]);
  assert.match(await adminPage.locator('#calendar-preview').innerText(), /件在办案件中/);
  await shot(adminPage, 'calendar');
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("确认启用")')]);
  assert.match(await adminPage.locator('.flash').innerText(), /2026 年日历已启用/);

  console.log('browser flow: all steps passed');
  await browser.close();
} catch (e) {
  console.error(`FAILED at step "${step}": ${e.stack || e}`);
  await browser.close();
  process.exit(1);
}
