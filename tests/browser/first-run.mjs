// A new office, from an empty database, through the web pages only (issue 18): the admin signs
// in with the one-time password printed by the first `gongkai serve`, changes it, creates the
// agency, departments and staff on /admin; the staff change their issued passwords; an
// applicant on a phone makes each filing mistake and sees it beside its field, then files; the
// clerk confirms and asks for a correction, the applicant corrects, the clerk replies, the
// supervisor returns the draft, the clerk reworks it (the returned draft is kept in the form),
// the supervisor reads the letter as it will go out and approves; the applicant reads the reply.
//
// Run by tests/browser.rs with GONGKAI_BASE, GONGKAI_ADMIN ("admin:<one-time password>"),
// GONGKAI_SCREENSHOTS (a folder, optional) and CHROMIUM. Every page state is checked by axe-core
// (WCAG 2.1 AA) and for internal names leaking into what users read.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { checkA11y } from './a11y.mjs';

const base = process.env.GONGKAI_BASE;
const shots = process.env.GONGKAI_SCREENSHOTS || '';
const [adminUser, ...rest] = process.env.GONGKAI_ADMIN.split(':');
const oneTimeAdminPassword = rest.join(':');

let step = 'start';
let shotNo = 0;
const log = (s) => { step = s; console.log(`step: ${s}`); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
// The test browser may bypass the site's CSP to inject axe-core; the site's CSP itself is
// untouched (and checked by tests/security.rs).
const desktop = { locale: 'zh-CN', viewport: { width: 1280, height: 900 }, bypassCSP: true };
const phone = { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true };

/** Checks what a user reads on the page now, and keeps a numbered screenshot of it. */
async function look(page, name) {
  await checkA11y(page, `${step} (${name})`);
  const text = await page.locator('body').innerText();
  // Internal names (template keys, field paths, enum values, repository paths) never reach
  // the reader.
  const leak = text.match(/\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z_]+(?:\[\d+\])?(?=[:：])|docs\/\w+/);
  assert.equal(leak, null, `${name}: an internal name is shown: "${leak?.[0]}"`);
  shotNo += 1;
  if (shots) {
    await page.screenshot({ path: `${shots}/first-run-${String(shotNo).padStart(2, '0')}-${name}.png`, fullPage: true });
  }
}

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

/** Signs `user` in with an issued password and changes it to `chosen` on the page it is sent to. */
async function firstSignIn(user, issued, chosen, context = desktop) {
  const page = await (await browser.newContext(context)).newPage();
  await page.goto(`${base}/login`);
  await page.fill('#f-username', user);
  await page.fill('#f-password', issued);
  await submit(page, 'button[type=submit]:has-text("登录")');
  assert.ok(page.url().includes('/account/password'), `${user}: an issued password must be changed first (${page.url()})`);
  await page.fill('#f-current_password', issued);
  await page.fill('#f-new_password', chosen);
  await submit(page, 'button:has-text("修改密码")');
  assert.match(await page.locator('.flash').innerText(), /密码已修改/);
  return page;
}

/** Opens the action's form on the case page, lets `fill` fill it, submits; asserts no error. */
async function act(page, action, fill = async () => {}) {
  const box = page.locator(`#action-${action}`);
  assert.equal(await box.count(), 1, `action ${action} is not offered on ${page.url()}`);
  if (!(await box.evaluate((e) => e.open))) await box.locator('summary').click();
  await fill(box);
  await Promise.all([page.waitForNavigation(), box.locator('button[type=submit]').first().click()]);
  const errors = await page.locator('.errors').allInnerTexts();
  assert.equal(errors.length, 0, `${action} failed: ${errors.join(' | ')}`);
}

/** The error shown beside field `id` (its row is marked invalid and the field aria-invalid). */
async function fieldError(page, id) {
  const field = page.locator(`#${id.replace(/\./g, '\\.')}`);
  assert.equal(await field.getAttribute('aria-invalid'), 'true', `${id} is not marked invalid`);
  const row = page.locator('.row', { has: field });
  return row.locator('.field-error').innerText();
}

try {
  // ------------------------------------------------------------------ the admin's first run
  log('the admin signs in with the one-time password and must change it');
  const admin = await firstSignIn(adminUser, oneTimeAdminPassword, 'admin-chosen-2026');
  await admin.goto(`${base}/admin`);
  assert.match(await admin.locator('#first-run').innerText(), /下一步：.*行政机关/s);
  await look(admin, 'admin-empty');

  log('a bad agency code is refused beside its field, the name kept');
  await admin.fill('#ag-code', 'Shi Zhengfu!');
  await admin.fill('#ag-name', '某市人民政府办公室');
  await submit(admin, 'button:has-text("创建行政机关")');
  assert.ok((await fieldError(admin, 'ag-code')).length > 0);
  assert.equal(await admin.inputValue('#ag-name'), '某市人民政府办公室');
  await look(admin, 'agency-error');

  log('the admin creates the agency and names its remedy bodies');
  await admin.fill('#ag-code', 'gk');
  await admin.fill('#ag-tracking_prefix', 'GK');
  await submit(admin, 'button:has-text("创建行政机关")');
  assert.match(await admin.locator('h2:has-text("机关与部门") ~ .card h3').first().innerText(), /某市人民政府办公室/);
  await admin.fill('#rb-gk-reconsideration_body', '某市人民政府');
  await admin.fill('#rb-gk-court', '某市中级人民法院');
  await submit(admin, 'button:has-text("保存救济途径")');
  assert.equal(await admin.locator('#remedy-missing').count(), 0, 'the remedy warning stays after setting both');

  log('a department without a name is refused, the intake box stays ticked');
  const intakeBox = 'form[action="/admin/departments"] input[name="is_intake:b"]';
  await admin.fill('#f-code', 'gk-gkb');
  await admin.check(intakeBox);
  await submit(admin, 'button:has-text("创建部门")');
  assert.ok((await fieldError(admin, 'f-name')).length > 0);
  assert.equal(await admin.isChecked(intakeBox), true, 'the 接收部门 box was cleared by the error');
  await look(admin, 'department-error');

  log('the admin creates the intake department and a second one');
  await admin.fill('#f-name', '政务公开科');
  await submit(admin, 'button:has-text("创建部门")');
  await admin.fill('#f-code', 'gk-fzk');
  await admin.fill('#f-name', '法制科');
  await submit(admin, 'button:has-text("创建部门")');
  const departments = await admin.locator('ul.departments').innerText();
  assert.match(departments, /政务公开科（gk-gkb） · 接收部门/);
  assert.match(departments, /法制科（gk-fzk）/);

  log('the admin creates a clerk and a supervisor');
  const issued = {};
  for (const [user, name, role] of [['clerk1', '李承办', 'clerk'], ['super1', '王科长', 'supervisor']]) {
    await admin.fill('#f-username', user);
    await admin.fill('#f-display_name', name);
    await admin.selectOption('#f-role', role);
    await admin.selectOption('#f-departments', 'gk-gkb');
    await submit(admin, 'button:has-text("创建用户")');
    assert.match(await admin.locator('#one-time-password').innerText(), new RegExp(user));
    issued[user] = (await admin.locator('#one-time-password .big').innerText()).trim();
  }
  // The users table names departments, not their codes.
  assert.match(await admin.locator(`tr:has-text("李承办")`).innerText(), /政务公开科/);
  assert.equal(await admin.locator('#first-run li:not(:has-text("已完成"))').count(), 0, 'the first-run checklist is not complete');
  await look(admin, 'admin-done');

  log('the staff sign in with their issued passwords and change them');
  const clerk = await firstSignIn('clerk1', issued.clerk1, 'clerk-chosen-2026');
  const supervisor = await firstSignIn('super1', issued.super1, 'super-chosen-2026');

  // ------------------------------------------------------------------ filing on a phone
  log('the applicant reads the guide on a phone');
  const applicant = await (await browser.newContext(phone)).newPage();
  await applicant.goto(`${base}/`);
  const steps = applicant.locator('ol.flow > li');
  assert.equal(await steps.count(), 6, 'the process diagram has six steps');
  for (const box of await steps.all()) {
    const b = await box.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, 'a step of the diagram is wider than the phone');
    const size = await box.locator('strong').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 16, `the diagram's step names are ${size}px on a phone`);
  }
  await look(applicant, 'guide-phone');

  log('the paper form is offered to print and as a Word file');
  const form = await applicant.request.get(`${base}/apply/form.docx`);
  assert.equal(form.status(), 200);
  assert.match(form.headers()['content-type'], /wordprocessingml/);
  assert.equal((await form.body()).subarray(0, 2).toString(), 'PK');

  log('an empty ID number, no e-mail for e-mail delivery and no contact are each shown beside their field');
  await applicant.goto(`${base}/apply`);
  await applicant.selectOption('#f-applicant\\.kind', 'natural_person');
  await applicant.fill('#f-applicant\\.name', '张三');
  await applicant.selectOption('#f-applicant\\.id_document_type', 'resident_id');
  await applicant.fill('#f-request\\.description', '2025年本市老旧小区改造项目清单及资金安排');
  await applicant.selectOption('#f-request\\.delivery', 'email');
  await submit(applicant, 'button:has-text("提交申请")');
  assert.match(await fieldError(applicant, 'f-applicant.id_document'), /证件号码/);
  assert.match(await fieldError(applicant, 'f-applicant.email'), /电子邮箱/);
  assert.match(await fieldError(applicant, 'f-applicant.phone'), /至少/);
  // Focus goes to the summary of errors, whose items lead to the fields.
  assert.equal(await applicant.evaluate(() => document.activeElement?.closest('.errors') !== null), true, 'focus is not on the error summary');
  assert.ok(await applicant.locator('.errors a[href="#f-applicant.id_document"]').count() === 1, 'the summary does not link to the ID field');
  assert.equal(await applicant.inputValue('#f-request\\.description'), '2025年本市老旧小区改造项目清单及资金安排');
  assert.equal(await applicant.inputValue('#f-request\\.delivery'), 'email', 'the delivery choice was lost');
  await look(applicant, 'apply-errors-phone');

  log('a 14-digit ID number is refused beside its field');
  await applicant.fill('#f-applicant\\.id_document', '11010519491231');
  await applicant.fill('#f-applicant\\.email', 'zhang.san@example.cn');
  await submit(applicant, 'button:has-text("提交申请")');
  assert.match(await fieldError(applicant, 'f-applicant.id_document'), /18/);
  assert.equal(await applicant.locator('.row.invalid').count(), 1, 'only the ID number is still wrong');
  await look(applicant, 'apply-id-error-phone');

  log('the applicant files the request');
  await applicant.fill('#f-applicant\\.id_document', '11010519491231002X');
  await submit(applicant, 'button:has-text("提交申请")');
  const reference = (await applicant.locator('#reference').innerText()).trim();
  const code = (await applicant.locator('#query-code').innerText()).trim();
  assert.match(reference, /^[2-9A-HJKMNP-Z]{10}$/);
  await look(applicant, 'receipt-phone');

  // ------------------------------------------------------------------ clerk and supervisor
  log('the clerk finds the filing waiting in the queue and confirms it');
  await clerk.goto(`${base}/staff/queue`);
  const row = clerk.locator('tr', { has: clerk.locator('a[href^="/staff/cases/"]') });
  assert.equal(await row.count(), 1, 'the filing is not in the queue');
  assert.match(await row.innerText(), /待登记/);
  await look(clerk, 'queue');
  await row.locator('a[href^="/staff/cases/"]').first().click();
  await clerk.waitForLoadState();
  const caseUrl = clerk.url();
  await act(clerk, 'register');
  const tracking = (await clerk.locator('h1').innerText()).match(/GK-\d{4}-\d{6}/)?.[0];
  assert.ok(tracking, 'no tracking number after registration');

  log('the clerk asks for a correction');
  await act(clerk, 'request_correction', async (box) => {
    await box.locator('textarea').first().fill('请说明所需清单的年份范围（例如2023—2025年）及所涉区县。');
  });
  await look(clerk, 'case-correction-requested');

  log('the applicant corrects the request on the lookup page');
  await applicant.goto(`${base}/lookup`);
  await applicant.fill('#f-reference', reference);
  await applicant.fill('#f-query_code', code);
  await submit(applicant, 'button:has-text("查询")');
  assert.match(await applicant.locator('#correction').innerText(), /年份范围/);
  const correction = '所需清单为2023年至2025年本市各区的老旧小区改造项目清单，包括项目名称、地址、投资额及资金来源；'
    + '如清单按年度分别制作，请分别提供各年度的清单及相应的资金安排文件。';
  await applicant.fill('#f-content', correction);
  await submit(applicant, 'button:has-text("提交补正")');
  assert.doesNotMatch(await applicant.locator('#status').innerText(), /已登记/, 'the status went back to 已登记 after the correction');
  await look(applicant, 'corrected-phone');

  log('the clerk reads the whole correction and drafts a reply');
  await clerk.goto(caseUrl);
  // Long texts fold under their first line; opened, the whole correction reads.
  for (const fold of await clerk.locator('details.fold:not([open]) > summary').all()) await fold.click();
  assert.ok((await clerk.locator('main').innerText()).includes(correction), 'the correction is cut off on the case page');
  // A corrected request starts its period anew (art. 30): the clerk takes it up again.
  await act(clerk, 'start_processing');
  const firstDraft = '经审查，您申请的信息属于公开范围，现将《2023—2025年老旧小区改造项目清单》提供给您。';
  await act(clerk, 'draft_reply', async (box) => {
    await box.locator('select[name="reply.outcome:outcome"]').selectOption('disclosed');
    await box.locator('textarea[name="reply.text"]').fill(firstDraft);
    // What is provided: the list, pointed to where it is published.
    await box.locator('select[name="reply.release.0.kind"]').selectOption('published');
    await box.locator('input[name="reply.release.0.title"]').fill('2023—2025年老旧小区改造项目清单');
    await box.locator('input[name="reply.release.0.location"]').fill('市政府门户网站“政府信息公开”专栏');
  });
  await act(clerk, 'submit_for_review');
  await look(clerk, 'case-in-review');

  log('the supervisor returns the draft');
  await supervisor.goto(caseUrl);
  await act(supervisor, 'return_reply', async (box) => {
    await box.locator('textarea[name="reason"]').fill('请写明清单的文号和提供方式。');
  });

  log('the clerk reworks the returned draft, which the form keeps');
  await clerk.goto(caseUrl);
  assert.match(await clerk.locator('main').innerText(), /请写明清单的文号/);
  const draft = clerk.locator('#action-draft_reply');
  if (!(await draft.evaluate((e) => e.open))) await draft.locator('summary').click();
  assert.equal(await draft.locator('textarea[name="reply.text"]').inputValue(), firstDraft, 'the returned draft is not in the form');
  assert.equal(await draft.locator('select[name="reply.outcome:outcome"]').inputValue(), 'disclosed');
  assert.equal(await draft.locator('input[name="reply.release.0.title"]').inputValue(), '2023—2025年老旧小区改造项目清单', 'the returned release is not in the form');
  await look(clerk, 'case-returned');
  const finalText = '经审查，您申请的《2023—2025年老旧小区改造项目清单》（某建发〔2025〕12号）属于公开范围，现通过电子邮件提供给您。';
  await act(clerk, 'draft_reply', async (box) => {
    await box.locator('textarea[name="reply.text"]').fill(finalText);
  });
  await act(clerk, 'submit_for_review');

  log('the supervisor records the secrecy review, reads the letter as it will go out and approves it');
  await supervisor.goto(caseUrl);
  await act(supervisor, 'record_secrecy_review', async (box) => {
    await box.locator('select[name="conclusion"]').selectOption('may_disclose');
    await box.locator('textarea[name="basis"]').fill('经审查，清单不涉及国家秘密、商业秘密和个人隐私。');
  });
  const approve = supervisor.locator('#action-approve_reply');
  if (!(await approve.evaluate((e) => e.open))) await approve.locator('summary').click();
  const letter = await approve.innerText();
  assert.ok(letter.includes(finalText), 'the approval form does not show the letter');
  assert.match(letter, /某市人民政府办公室/);
  assert.match(letter, /某市人民政府/);
  await look(supervisor, 'approve-preview');
  await act(supervisor, 'approve_reply');
  assert.match(await supervisor.locator('#case-status').innerText(), /已答复/);
  const after = await supervisor.locator('main').innerText();
  assert.doesNotMatch(after, /审核退回/, 'the returned-draft banner stays after approval');
  await look(supervisor, 'case-replied');

  log('the applicant reads the reply');
  await applicant.goto(`${base}/lookup`);
  await applicant.fill('#f-reference', tracking);
  await applicant.fill('#f-query_code', code);
  await submit(applicant, 'button:has-text("查询")');
  assert.match(await applicant.locator('#status').innerText(), /已答复/);
  assert.match(await applicant.locator('#reply').innerText(), /某建发〔2025〕12号/);
  await look(applicant, 'lookup-reply-phone');

  console.log('first run: all steps passed');
  await browser.close();
} catch (e) {
  console.error(`FAILED at step "${step}": ${e.stack || e}`);
  await browser.close();
  process.exit(1);
}
