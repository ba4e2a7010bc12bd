// The web pages in a real browser (headless Debian chromium, driven by playwright-core).
// Run by tests/browser.rs, which starts `gongkai serve`, creates the office and passes:
//   GONGKAI_BASE, GONGKAI_ADMIN, GONGKAI_CLERK, GONGKAI_SUPERVISOR, GONGKAI_OTHER_CLERK
//   (each "username:password"), GONGKAI_SCREENSHOTS (a folder, optional), CHROMIUM.
// Exits non-zero, naming the step, when anything a user depends on does not hold.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { a11yContext, checkA11y } from './a11y.mjs';

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

/**
 * The accessibility check (axe-core, WCAG 2.1 A and AA) of the page as it is, at the page's own
 * width and at desktop (1280 px) and phone (390 and 320 px) widths; the viewport is restored.
 */
async function a11y(page, label) {
  const own = page.viewportSize();
  for (const width of [own.width, ...[1280, 390, 320].filter((w) => w !== own.width)]) {
    await page.setViewportSize({ width, height: own.height });
    await checkA11y(page, `${label} at ${width} px`);
  }
  await page.setViewportSize(own);
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

async function signIn(who) {
  const context = await browser.newContext(a11yContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }));
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await a11y(page, 'login');
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
  await a11y(page, `case page, form ${action} open`);
  await fill(box);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    box.locator('button[type=submit]').click(),
  ]);
  const errors = await page.locator('.errors').allInnerTexts();
  assert.equal(errors.length, 0, `${action} failed: ${errors.join(' | ')}`);
  await a11y(page, `case page after ${action}`);
  return response;
}

async function offered(page) {
  return page.locator('details.action').evaluateAll((els) => els.map((e) => e.id.replace('action-', '')));
}

try {
  // ---------------------------------------------------------------- applicant files
  log('applicant reads the guide');
  const applicantContext = await browser.newContext(a11yContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true }));
  const applicant = await applicantContext.newPage();
  await applicant.goto(`${base}/`);
  assert.match(await applicant.locator('h1').innerText(), /办事指南/);
  assert.equal(await applicant.locator('ol.flow > li').count(), 6, 'the process diagram is missing');
  await shot(applicant, 'guide-phone');
  await a11y(applicant, 'guide');

  log('a skip link is the first thing the keyboard reaches, and it goes to the content');
  await applicant.keyboard.press('Tab');
  assert.equal(await applicant.evaluate(() => document.activeElement.textContent), '跳到正文');
  await applicant.keyboard.press('Enter');
  assert.equal(await applicant.evaluate(() => document.activeElement.id), 'main', 'the skip link does not move focus to <main>');

  log('a validation error keeps the entered text');
  await applicant.goto(`${base}/apply`);
  await a11y(applicant, 'apply');
  await applicant.selectOption('#f-applicant\\.kind', 'natural_person');
  await applicant.fill('#f-applicant\\.email', 'zhang.san@example.cn');
  await applicant.fill('#f-request\\.description', '2025年本市老旧小区改造项目清单及资金安排');
  // The name is left out on purpose.
  await Promise.all([applicant.waitForNavigation(), applicant.click('button:has-text("提交申请")')]);
  assert.match(await applicant.locator('.errors').innerText(), /有误/);
  assert.match(await applicant.locator('.row.invalid').first().innerText(), /不能为空|必填/);
  assert.equal(await applicant.inputValue('#f-applicant\\.email'), 'zhang.san@example.cn');
  assert.equal(await applicant.inputValue('#f-request\\.description'), '2025年本市老旧小区改造项目清单及资金安排');
  // Every error at once (the name and the identity document were left out), each in the
  // summary naming its field and linking to it, each beside its field; focus on the summary.
  assert.equal(await applicant.evaluate(() => document.activeElement.id), 'errors', 'focus is not on the error summary');
  const summary = await applicant.locator('#errors a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
  for (const [field, label] of [['applicant.name', '姓名或名称'], ['applicant.id_document_type', '证件类型'], ['applicant.id_document', '证件号码']]) {
    const item = summary.find(([href]) => href === `#f-${field}`);
    assert.ok(item && item[1].startsWith(`${label}：`), `the summary does not name ${label}: ${JSON.stringify(summary)}`);
    const input = applicant.locator(`#f-${field.replace('.', '\\.')}`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `${field} is not marked invalid`);
    const described = (await input.getAttribute('aria-describedby')).split(' ');
    assert.ok(described.includes(`e-${field}`), `${field} is not described by its error`);
  }
  assert.ok(!/applicant\.|request\.|items/.test(await applicant.locator('#errors').innerText()), 'the summary shows an internal field name');
  await applicant.locator('#errors a[href="#f-applicant.name"]').click();
  assert.equal(await applicant.evaluate(() => document.activeElement.id), 'f-applicant.name', 'the summary link does not lead to the field');
  await shot(applicant, 'apply-error-phone');
  await a11y(applicant, 'apply with errors');

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
  await a11y(applicant, 'receipt');

  log('the registration form names every missing field at once');
  await applicant.goto(`${base}/register`);
  await a11y(applicant, 'register');
  await Promise.all([applicant.waitForNavigation(), applicant.click('button:has-text("注册并登录")')]);
  const missing = await applicant.locator('#errors a').allInnerTexts();
  for (const label of ['用户名', '密码', '姓名']) {
    assert.ok(missing.some((m) => m.startsWith(`${label}：`)), `the summary does not name ${label}: ${missing}`);
  }
  assert.equal(await applicant.locator('#f-username').getAttribute('autocomplete'), 'username');
  assert.equal(await applicant.locator('#f-password').getAttribute('autocomplete'), 'new-password');
  await a11y(applicant, 'register with errors');

  // ---------------------------------------------------------------- clerk works the case
  log('the clerk sees it in the queue');
  const clerkPage = await signIn(clerk);
  await clerkPage.goto(`${base}/staff/queue`);
  const link = clerkPage.locator('a[href^="/staff/cases/"]');
  assert.equal(await link.count(), 1, 'the new request is not in the queue');
  const caseId = (await link.getAttribute('href')).replace('/staff/cases/', '');
  await shot(clerkPage, 'queue');
  await a11y(clerkPage, 'queue');
  await link.click();
  await clerkPage.waitForURL(`**/staff/cases/${caseId}`);

  await a11y(clerkPage, 'case page');
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
  const text = clerkPage.locator('#action-draft_reply textarea[name="reply.text"]');
  assert.equal(await text.getAttribute('aria-invalid'), 'true', 'the reply text is not marked invalid');
  assert.equal(await text.getAttribute('aria-required'), 'true', 'the reply text is not marked required');
  assert.equal(await clerkPage.evaluate(() => document.activeElement.id), 'errors-draft_reply', 'focus is not on the form\'s errors');
  await a11y(clerkPage, 'case page, draft_reply refused');

  log('the clerk drafts the reply and submits it for review');
  await act(clerkPage, 'draft_reply', async (box) => {
    await box.locator('select[name="reply.outcome:outcome"]').selectOption('disclosed');
    await box.locator('textarea[name="reply.text"]').fill('经审查，您申请的信息属于公开范围，现将《2025年老旧小区改造项目清单》提供给您。');
    // The release: what is provided (here first a pointer to where it is published).
    await box.locator('select[name="reply.release.0.kind"]').selectOption('published');
    await box.locator('input[name="reply.release.0.title"]').fill('2025年老旧小区改造项目清单');
    await box.locator('input[name="reply.release.0.location"]').fill('区政府门户网站“政府信息公开”专栏');
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
  await a11y(clerkPage, 'case page with an attachment');

  // ---------------------------------------------------------------- supervisor reviews
  log('the supervisor sees it on the dashboard and returns it once');
  const superPage = await signIn(supervisor);
  await superPage.goto(`${base}/staff/dashboard`);
  assert.equal(await superPage.locator(`a[href="/staff/cases/${caseId}"]`).count() >= 1, true, 'not in the review list');
  await shot(superPage, 'dashboard');
  await a11y(superPage, 'dashboard');
  await superPage.goto(`${base}/staff/cases/${caseId}`);
  assert.ok(!(await offered(superPage)).includes('approve_reply'), 'approve offered before the secrecy review');
  assert.match(await superPage.locator('#secrecy-review').innerText(), /尚未进行保密审查/);
  log('the supervisor records the secrecy review (保密审查) of the release');
  await act(superPage, 'record_secrecy_review', async (box) => {
    await box.locator('select[name="conclusion"]').selectOption('may_disclose');
    await box.locator('textarea[name="basis"]').fill('经审查，项目清单不涉及国家秘密、商业秘密和个人隐私。');
  });
  assert.match(await superPage.locator('#secrecy-review').innerText(), /保密审查：可以公开/);
  assert.ok((await offered(superPage)).includes('approve_reply'), 'approve not offered to the supervisor');
  await act(superPage, 'return_reply', async (box) => {
    await box.locator('textarea[name="reason"]').fill('请写明项目清单的文号和提供方式。');
  });

  log('the clerk reworks the draft');
  await clerkPage.goto(`${base}/staff/cases/${caseId}`);
  assert.match(await clerkPage.locator('body').innerText(), /请写明项目清单的文号/);
  assert.equal(
    await clerkPage.locator('#action-draft_reply textarea[name="reply.text"]').inputValue(),
    '经审查，您申请的信息属于公开范围，现将《2025年老旧小区改造项目清单》提供给您。',
    'the returned draft is not in the reply form',
  );
  assert.equal(
    await clerkPage.locator('#action-draft_reply input[name="reply.release.0.title"]').inputValue(),
    '2025年老旧小区改造项目清单',
    'the returned draft\'s release is not in the reply form',
  );
  await act(clerkPage, 'draft_reply', async (box) => {
    await box.locator('select[name="reply.outcome:outcome"]').selectOption('disclosed');
    await box.locator('textarea[name="reply.text"]').fill('经审查，您申请的《2025年老旧小区改造项目清单》（某建发〔2025〕12号）属于公开范围，现通过电子邮件提供给您。');
    // Now the document itself, as the uploaded file.
    await box.locator('select[name="reply.release.0.kind"]').selectOption('document');
    await box.locator('input[name="reply.release.0.document_number"]').fill('某建发〔2025〕12号');
    await box.locator('input[name="reply.release.0.pages:n"]').fill('1');
    await box.locator('select[name="reply.release.0.form"]').selectOption('electronic');
    await box.locator('select[name="reply.release.0.file.attachment"]').selectOption({ label: '老旧小区改造项目清单.txt' });
  });
  await act(clerkPage, 'submit_for_review');

  log('the new draft voids the review: the supervisor reviews again, reads the letter, then approves it');
  await superPage.goto(`${base}/staff/cases/${caseId}`);
  assert.match(await superPage.locator('#secrecy-review').innerText(), /尚未进行保密审查/);
  await act(superPage, 'record_secrecy_review', async (box) => {
    await box.locator('select[name="conclusion"]').selectOption('may_disclose');
    await box.locator('textarea[name="basis"]').fill('经审查，项目清单（某建发〔2025〕12号）不涉及国家秘密、商业秘密和个人隐私。');
  });
  assert.equal(await superPage.locator('#reply-preview').isVisible(), false, 'the approval form is open before it is asked for');
  await superPage.locator('#action-approve_reply summary').click();
  assert.match(await superPage.locator('#reply-preview').innerText(), /某建发〔2025〕12号/);
  await act(superPage, 'approve_reply');
  assert.match(await superPage.locator('#case-status').innerText(), /已答复/);
  assert.match(await superPage.locator('#release').innerText(), /《2025年老旧小区改造项目清单》（某建发〔2025〕12号），1 页，电子文档；文件 老旧小区改造项目清单\.txt/);

  log('the supervisor reads table 三 of the annual report');
  await superPage.goto(`${base}/staff/report?year=${new Date().getFullYear()}`);
  // Row labels are row headers: the cells are the figures, 自然人 first and 总计 last.
  const cells = async (row) => superPage.locator(`#table3 tr:has(th[scope=row]:text-is("${row}")) td`).allInnerTexts();
  const disclosed = await cells('三（一）');
  assert.equal(disclosed[0], '1', `予以公开 自然人: ${disclosed}`);
  assert.equal(disclosed[6], '1', `予以公开 总计: ${disclosed}`);
  assert.equal((await cells('一'))[6], '1');
  await shot(superPage, 'report');
  await a11y(superPage, 'annual report');
  const csv = await superPage.request.get(`${base}/staff/report.csv?year=${new Date().getFullYear()}&scope=department:gk-gkb`);
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /三（一）,予以公开,1,0,0,0,0,0,1/);
  assert.match(await superPage.locator('#table4').innerText(), /行政复议/);

  log('the supervisor reads the monthly statistics and looks for frequent requests');
  await superPage.goto(`${base}/staff/stats`);
  assert.ok(await superPage.locator('figure.chart svg rect').count() > 0, 'a chart');
  assert.match(await superPage.locator('table.stats').first().innerText(), /全年/);
  await shot(superPage, 'stats');
  await a11y(superPage, 'monthly statistics');
  await superPage.goto(`${base}/staff/frequent?min=2`);
  assert.match(await superPage.locator('main h2').first().innerText(), /每组至少 2 件/);
  await shot(superPage, 'frequent');
  await a11y(superPage, 'frequent requests');

  // ---------------------------------------------------------------- applicant reads it
  log('the applicant looks the request up and reads the reply');
  await applicant.goto(`${base}/lookup`);
  await a11y(applicant, 'lookup');
  await applicant.fill('#f-reference', tracking);
  await applicant.fill('#f-query_code', code);
  await Promise.all([applicant.waitForNavigation(), applicant.click('button:has-text("查询")')]);
  assert.match(await applicant.locator('#status').innerText(), /已答复/);
  assert.match(await applicant.locator('#reply').innerText(), /某建发〔2025〕12号/);
  assert.match(await applicant.locator('#release').innerText(), /《2025年老旧小区改造项目清单》（某建发〔2025〕12号），1 页，电子文档/);
  assert.match(await applicant.locator('#timeline').innerText(), /作出答复/);
  await shot(applicant, 'lookup-reply-phone');
  await a11y(applicant, 'lookup with the reply');

  log('the applicant downloads the released file from the lookup page (the code stays out of the URL)');
  const [download] = await Promise.all([
    applicant.waitForEvent('download'),
    applicant.locator('#release button:has-text("下载")').first().click(),
  ]);
  assert.match(readFileSync(await download.path(), 'utf8'), /2025年老旧小区改造项目清单/);
  assert.ok(!download.url().includes(code), 'the query code went into a URL');

  // ---------------------------------------------------------------- reading room
  log('the supervisor publishes the release to the reading room (art. 44)');
  await superPage.goto(`${base}/staff/cases/${caseId}`);
  await act(superPage, 'publish_release', async (box) => {
    await box.locator('input[name="subject"]').fill('2025年老旧小区改造项目清单');
  });
  const publicContext = await browser.newContext(a11yContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true }));
  const publicPage = await publicContext.newPage();
  await publicPage.goto(`${base}/reading-room`);
  assert.match(await publicPage.locator('main').innerText(), /2025年老旧小区改造项目清单/);
  assert.ok(!(await publicPage.locator('main').innerText()).includes('张三'), 'the applicant is named in the reading room');
  await a11y(publicPage, 'reading room');
  await publicPage.locator('main a:has-text("2025年老旧小区改造项目清单")').first().click();
  assert.match(await publicPage.locator('main').innerText(), /起公开/);
  await a11y(publicPage, 'reading room entry');
  await publicContext.close();

  // ---------------------------------------------------------------- refusals
  log("a clerk of another department cannot open the case");
  const other = await signIn(otherClerk);
  const denied = await other.goto(`${base}/staff/cases/${caseId}`);
  assert.equal(denied.status(), 404);
  assert.ok(!(await other.locator('body').innerText()).includes('张三'), 'the 404 page shows the case');
  await a11y(other, 'not found');

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
  await a11y(adminPage, 'admin');
  // Sent empty first: every missing field named in the summary, which has the focus.
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("创建用户")')]);
  const refused = await adminPage.locator('#errors a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
  for (const [href, label] of [['#f-username', '用户名'], ['#f-display_name', '姓名']]) {
    assert.ok(refused.some(([h, t]) => h === href && t.startsWith(`${label}：`)), `the admin's summary does not name ${label}: ${JSON.stringify(refused)}`);
  }
  assert.equal(await adminPage.evaluate(() => document.activeElement.id), 'errors', 'focus is not on the error summary');
  await a11y(adminPage, 'admin, new user refused');
  await adminPage.fill('#f-username', 'clerk3');
  await adminPage.fill('#f-display_name', '陈新');
  await adminPage.selectOption('#f-role', 'clerk');
  await adminPage.selectOption('#f-departments', 'gk-gkb');
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("创建用户")')]);
  assert.match(await adminPage.locator('#one-time-password').innerText(), /clerk3/);
  const oneTime = (await adminPage.locator('#one-time-password .big').innerText()).trim();
  await shot(adminPage, 'admin');
  await a11y(adminPage, 'admin with a one-time password');

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
  await a11y(newClerk, 'password change refused');
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
  await a11y(adminPage, 'calendar');
  await adminPage.fill('#f-year', '2026');
  // The TOML text is the advanced way, folded under the rows of the form.
  await adminPage.click('summary:has-text("高级")');
  await adminPage.fill('#f-toml', year2026);
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("预览变化")')]);
  assert.match(await adminPage.locator('#calendar-preview').innerText(), /件在办案件中/);
  await shot(adminPage, 'calendar');
  await a11y(adminPage, 'calendar preview');
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('button:has-text("确认启用")')]);
  assert.match(await adminPage.locator('.flash').innerText(), /2026 年日历已启用/);

  console.log('browser flow: all steps passed');
  await browser.close();
} catch (e) {
  console.error(`FAILED at step "${step}": ${e.stack || e}`);
  await browser.close();
  process.exit(1);
}
