// test_flows.mjs - what members do every day, in a real browser (headless Chromium), in
// English and again in Simplified Chinese: sign up from an invite link, sign out and in,
// post with a content warning, follow another member, see the post in the home timeline and
// reply to it. Then every page at 320 px wide, and a clean server stop.
//
// Every page must load nothing from another host and log no console error. Screenshots of
// each step go to $PARASOL_TEST_OUTPUT/browser/.
//
// Run by tests/browser/run (the TAP log compiler of `make check`):
//   node --test --test-reporter=tap tests/browser/test_flows.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	Instance, SANITIZER_RE, launchBrowser, openContext, outputPath, signInAs, submit, translator,
} from './lib.mjs';

const T = 120000; // ms a test may take
const PASSWORD = 'a long enough password';
const inst = new Instance('browser');
let browser;
const contexts = [];

before(async () => {
	await inst.start();
	browser = await launchBrowser();
});

after(async () => {
	for (const c of contexts) await c.context.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	inst.cleanup();
});

// A browser context (its own cookies) for one member or visitor, in lang, watched.
async function newContext(lang, { width = 1000, height = 800 } = {}) {
	const c = await openContext(browser, inst.base, { lang, width, height, timeout: 10000 });
	contexts.push(c);
	return c;
}

// Fails the test if any watched page logged an error or asked another host for something.
function assertClean(...cs) {
	const problems = cs.flatMap((c) => c.watcher.take());
	assert.deepEqual(problems, [], 'the pages had problems');
}

let shot = 0;
async function screenshot(page, name) {
	shot++;
	const file = outputPath('browser', `${String(shot).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

async function goto(page, path) {
	const response = await page.goto(path, { waitUntil: 'load' });
	return response;
}

function pathOf(page) {
	const u = new URL(page.url());
	return u.pathname + u.search;
}

async function text(locator) {
	return (await locator.innerText()).trim();
}

// Checks of the interface's language that don't stop a flow: a missing or wrong translation
// is noted and the flow goes on; done() fails the test with every note.
class UiText {
	constructor(lang) {
		this.lang = lang;
		this.tr = translator(lang);
		this.notes = [];
	}

	// locator's text is msgid in this language.
	async is(locator, msgid, what) {
		let want;
		try {
			want = this.tr(msgid);
		} catch (e) {
			this.notes.push(e.message);
			return;
		}
		const got = await text(locator.first());
		if (got !== want) this.notes.push(`${what}: "${got}", want "${want}"`);
	}

	// <html lang>, and the signed-in menu (when there is one) translated.
	async page(page) {
		const where = new URL(page.url()).pathname;
		const htmlLang = await page.evaluate(() => document.documentElement.lang);
		if (htmlLang !== this.lang) this.notes.push(`${where}: <html lang="${htmlLang}">`);
		const signOut = page.locator('form[action="/logout"] button');
		if (await signOut.count()) {
			// in the closed menu: its text, not what is on screen
			const got = (await signOut.first().textContent()).trim();
			if (got !== this.tr('Sign out')) this.notes.push(`${where}: the sign-out button: "${got}"`);
			await this.is(page.locator('nav a[href="/home"]'), 'Home', `${where}: the Home link`);
		}
	}

	done() {
		assert.deepEqual([...new Set(this.notes)], [], `the interface is not all in ${this.lang}`);
	}
}

function statusId(username, where = 'in_reply_to_id IS NULL') {
	return inst.scalar(`SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id
		WHERE a.username = '${username}' AND ${where} ORDER BY s.id DESC LIMIT 1`);
}

// A link on the page to the thread of status id (whatever the URL's shape, it ends with the id).
async function threadHref(page, id) {
	const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')));
	const re = new RegExp(`/${id}(?:[?#].*)?$`);
	const found = hrefs.filter((h) => re.test(h));
	assert.ok(found.length > 0, `no link to the thread of ${id} on ${page.url()}: ${hrefs.join(' ')}`);
	return found[0];
}

// The content-warning <details> of the post with this spoiler text.
function cwDetails(page, spoiler) {
	return page.locator('details').filter({ has: page.locator('summary', { hasText: spoiler }) });
}

const state = {};

for (const lang of ['en', 'zh-CN']) {
	const tag = lang === 'en' ? 'en' : 'zh';
	const first = `rose_${tag}`, second = `lily_${tag}`;
	const spoiler = lang === 'en' ? 'Meeting logistics' : '会议安排';
	const body = lang === 'en'
		? 'We meet at the usual place at eight. Bring water. Longwordwithoutanybreakstocheckwrapping_0123456789_abcdefghij'
		: '我们八点在老地方见面。记得带水。';
	const reply = lang === 'en' ? 'I will be there, thank you!' : '我会到的，谢谢！';
	const s = (state[lang] = {});

	test(`${lang}: sign up from an invite link and see the recovery codes`, { timeout: T }, async () => {
		const ui = new UiText(lang);
		const url = inst.cli(['admin', 'invite', '--admin']).trim();
		assert.match(url, /\/register\?invite=[A-Za-z0-9_-]+$/);
		s.a = await newContext(lang);
		const { page } = s.a;
		const res = await goto(page, url);
		assert.equal(res.status(), 200);
		await ui.page(page);
		await ui.is(page.locator('h1'), 'Create an account', 'the sign-up heading');
		await screenshot(page, `${tag}-register`);
		await page.fill('#username', first);
		await page.fill('#password', PASSWORD);
		const welcome = await submit(page, page.locator('form[action="/register"] button[type="submit"]'));
		assert.equal(welcome.status(), 200, `sign-up answered ${welcome.status()}`);
		assert.equal(await page.locator('ul.codes').count(), 1, 'not the welcome page');
		await ui.is(page.locator('h1'), 'Welcome!', 'the welcome heading');
		await ui.is(page.locator('#codes-heading'), 'Your recovery codes', 'the codes heading');
		const codes = await page.locator('ul.codes code').allInnerTexts();
		assert.equal(codes.length, 8, `recovery codes: ${codes}`);
		for (const code of codes) assert.match(code, /^[A-Za-z0-9_-]{12,}$/);
		await ui.page(page);
		await screenshot(page, `${tag}-welcome`);
		const cookie = (await s.a.context.cookies()).find((c) => c.name === 'parasol_session');
		assert.ok(cookie, 'no session cookie');
		assert.equal(cookie.httpOnly, true);
		assert.equal(cookie.sameSite, 'Lax');
		assert.equal(inst.scalar(`SELECT role FROM accounts WHERE username = '${first}'`), 'admin');
		assert.equal(await page.locator('form[action="/logout"]').count(), 1,
			'the welcome page shows the visitor menu (Sign in) to a member who is signed in');
		ui.done();
		assertClean(s.a);
	});

	test(`${lang}: sign out, then sign in again`, { timeout: T }, async () => {
		const ui = new UiText(lang);
		assert.ok(s.a, 'needs the sign-up test');
		const { page } = s.a;
		await goto(page, '/about');
		await page.locator('details.menu > summary').click(); // Sign out is in the menu
		const out = await submit(page, page.locator('form[action="/logout"] button'));
		assert.equal(out.status(), 200);
		assert.equal(new URL(page.url()).pathname, '/');
		await ui.is(page.locator('p.notice'), 'You are signed out.', 'the signed-out notice');
		assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'still signed in');
		await ui.page(page);
		await screenshot(page, `${tag}-signed-out`);
		await Promise.all([page.waitForNavigation(), page.locator('nav a[href="/login"]').click()]);
		await ui.is(page.locator('h1'), 'Sign in', 'the sign-in heading');
		await page.fill('#username', first);
		await page.fill('#password', PASSWORD);
		await screenshot(page, `${tag}-login`);
		const home = await submit(page, page.locator('form[action="/login"] button[type="submit"]'));
		assert.equal(new URL(page.url()).pathname, '/home');
		assert.equal(home.status(), 200, `/home answered ${home.status()}`);
		await ui.page(page);
		assert.equal(await page.locator('form[action="/logout"]').count(), 1, 'not signed in');
		await screenshot(page, `${tag}-home`);
		ui.done();
		assertClean(s.a);
	});

	test(`${lang}: post with a content warning; it shows collapsed and opens`, { timeout: T }, async () => {
		const ui = new UiText(lang);
		assert.ok(s.a, 'needs the sign-up test');
		const { page } = s.a;
		const res = await goto(page, '/home');
		assert.equal(res.status(), 200, `/home answered ${res.status()}`);
		const form = page.locator('form').filter({ has: page.locator('textarea[name="text"]') }).first();
		assert.equal(await form.count(), 1, 'no compose form on /home');
		if (!(await form.isVisible())) // folded: "New post" opens it
			await page.locator('details.compose-fold > summary').click();
		await form.locator('textarea[name="text"]').fill(body);
		const cw = form.locator('input[name="spoiler_text"]');
		if (!(await cw.isVisible())) // tucked away in a <details>, as a member would find it
			await form.locator('details:has(input[name="spoiler_text"]) > summary').click();
		await cw.fill(spoiler);
		await form.locator('select[name="visibility"]').selectOption('public');
		await ui.is(form.locator('label[for="text"]'), 'What do you want to say?', 'the compose label');
		await ui.is(form.locator('button[type="submit"]'), 'Publish', 'the publish button');
		await screenshot(page, `${tag}-compose`);
		const posted = await submit(page, form.locator('button[type="submit"]').first());
		assert.ok(posted.status() < 400, `posting answered ${posted.status()}`);
		s.postId = statusId(first);
		assert.equal(inst.scalar(`SELECT spoiler_text FROM statuses WHERE id = ${s.postId}`), spoiler);
		assert.equal(inst.scalar(`SELECT visibility FROM statuses WHERE id = ${s.postId}`), 'public');
		await goto(page, '/home');
		const details = cwDetails(page, spoiler);
		assert.equal(await details.count(), 1, 'the post is not in a <details> with its warning');
		assert.equal(await details.evaluate((d) => d.open), false, 'the warning is open already');
		const snippet = body.slice(0, 20);
		assert.equal(await details.getByText(snippet).isVisible(), false, 'the text shows under the warning');
		await screenshot(page, `${tag}-cw-closed`);
		await details.locator('summary').click();
		assert.equal(await details.evaluate((d) => d.open), true, 'the warning does not open');
		assert.equal(await details.getByText(snippet).isVisible(), true, 'the text does not show');
		await ui.page(page);
		await screenshot(page, `${tag}-cw-open`);
		ui.done();
		assertClean(s.a);
	});

	test(`${lang}: another member follows the first and sees the post in the home timeline`, { timeout: T }, async () => {
		const ui = new UiText(lang);
		assert.ok(s.postId, 'needs the post test');
		inst.cli(['admin', 'create-account', second], `${PASSWORD}\n`);
		s.b = await newContext(lang);
		const { page } = s.b;
		await signInAs(page, second, PASSWORD);
		assert.equal(new URL(page.url()).pathname, '/home');
		const profile = await goto(page, `/@${first}`);
		assert.equal(profile.status(), 200, `/@${first} answered ${profile.status()}`);
		await ui.page(page);
		await screenshot(page, `${tag}-profile`);
		const follow = page.locator(`form[action="/@${first}/follow"] button`);
		assert.equal(await follow.count(), 1, 'no follow button on the profile');
		const res = await submit(page, follow);
		assert.ok(res.status() < 400, `following answered ${res.status()}`);
		assert.equal(inst.scalar(`SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id
			JOIN accounts t ON t.id = f.target_account_id
			WHERE a.username = '${second}' AND t.username = '${first}'`), '1');
		await goto(page, `/@${first}`);
		assert.equal(await page.locator(`form[action="/@${first}/unfollow"]`).count(), 1,
			'no unfollow button after following');
		await screenshot(page, `${tag}-followed`);
		const home = await goto(page, '/home');
		assert.equal(home.status(), 200);
		assert.equal(await cwDetails(page, spoiler).count(), 1, "the followed member's post is not on /home");
		await ui.page(page);
		await screenshot(page, `${tag}-home-following`);
		ui.done();
		assertClean(s.b);
	});

	test(`${lang}: reply from the thread page`, { timeout: T }, async () => {
		const ui = new UiText(lang);
		assert.ok(s.b && s.postId, 'needs the follow test');
		const { page } = s.b;
		await goto(page, '/home');
		const href = await threadHref(page, s.postId);
		const res = await goto(page, href);
		assert.equal(res.status(), 200, `${href} answered ${res.status()}`);
		s.threadPath = new URL(page.url()).pathname;
		assert.equal(await cwDetails(page, spoiler).count(), 1, 'the post is not on its thread page');
		const form = page.locator('form').filter({ has: page.locator('textarea[name="text"]') }).first();
		assert.equal(await form.count(), 1, 'no reply form on the thread page');
		await form.locator('textarea[name="text"]').fill(reply);
		await ui.is(form.locator('button[type="submit"]'), 'Reply', 'the reply button');
		await screenshot(page, `${tag}-reply-form`);
		const sent = await submit(page, form.locator('button[type="submit"]').first());
		assert.ok(sent.status() < 400, `replying answered ${sent.status()}`);
		const replyId = statusId(second, `in_reply_to_id = ${s.postId}`);
		assert.ok(replyId, 'no reply in the database');
		await goto(page, s.threadPath);
		assert.ok(await page.getByText(reply).first().isVisible(), 'the reply is not on the thread page');
		await ui.page(page);
		await screenshot(page, `${tag}-thread`);
		ui.done();
		assertClean(s.b);
	});
}

test('zh-CN: a moderator warns a member citing a rule; the member reads why and appeals', { timeout: T }, async () => {
	const ui = new UiText('zh-CN');
	const zh = state['zh-CN'];
	assert.ok(zh && zh.a && zh.b, 'needs the zh-CN flow');
	const mod = zh.a.page, member = zh.b.page;
	inst.psql("INSERT INTO rules (position, title) VALUES (1, '尊重他人')");
	const lily = inst.scalar("SELECT id FROM accounts WHERE username = 'lily_zh'");
	const res = await goto(mod, `/admin/accounts/${lily}`);
	assert.equal(res.status(), 200, `the account's moderation page answered ${res.status()}`);
	await ui.page(mod);
	const form = mod.locator('form.mod-action-form');
	await form.locator('input[name="kind"][value="warn"]').check();
	await form.locator('input[name="rule"]').first().check();
	await form.locator('textarea[name="reason"]').fill('请不要在公开帖子里提到客人的名字。');
	await ui.is(form.locator('button[type="submit"]'), 'Take the action', 'the action button');
	await screenshot(mod, 'zh-mod-action');
	const done = await submit(mod, form.locator('button[type="submit"]'));
	assert.ok(done.status() < 400, `the action answered ${done.status()}`);
	await ui.is(mod.locator('p.notice'), 'The action is taken and recorded.', 'the action notice');
	assert.equal(inst.scalar(`SELECT count(*) FROM mod_actions WHERE kind = 'warn' AND target_account_id = ${lily}`), '1');
	await goto(member, '/notifications');
	await ui.page(member);
	assert.ok(await member.getByText('请不要在公开帖子里提到客人的名字。').first().isVisible(), 'the reason is not in the notifications');
	await Promise.all([member.waitForNavigation(), member.locator('a[href^="/moderation/mine"]').first().click()]);
	await ui.is(member.locator('h1'), 'Moderation of your account', 'the heading of the member\'s own page');
	assert.ok(await member.getByText('1. 尊重他人').first().isVisible(), 'the rule is not shown');
	await member.locator('form.appeal-form textarea[name="text"]').fill('我提到的是我自己的名字。');
	await screenshot(member, 'zh-appeal');
	const sent = await submit(member, member.locator('form.appeal-form button[type="submit"]'));
	assert.ok(sent.status() < 400, `the appeal answered ${sent.status()}`);
	await ui.is(member.locator('p.notice'), 'Your appeal is sent. Another moderator will decide it.', 'the appeal notice');
	assert.equal(inst.scalar(`SELECT text FROM appeals a JOIN mod_actions m ON m.id = a.action_id WHERE m.target_account_id = ${lily}`), '我提到的是我自己的名字。');
	assert.equal(await member.locator('form.appeal-form').count(), 0, 'the appeal form is still offered');
	const queue = await goto(mod, '/admin/queue');
	assert.equal(queue.status(), 200);
	await ui.page(mod);
	await screenshot(mod, 'zh-queue');
	ui.done();
	assertClean(zh.a, zh.b);
});

test('pages fit a 320 px wide screen (no horizontal scroll)', { timeout: T }, async () => {
	const en = state.en;
	const visitor = await newContext('en', { width: 320, height: 640 });
	const invite = inst.cli(['admin', 'invite']).trim();
	const pages = ['/', '/about', '/login', '/recover', new URL(invite).pathname + new URL(invite).search];
	const wide = [];
	const check = async (c, path, name) => {
		const res = await goto(c.page, path);
		const w = await c.page.evaluate(() => document.documentElement.scrollWidth);
		await screenshot(c.page, `320-${name}`);
		if (res.status() !== 200) wide.push(`${path} answered ${res.status()}`);
		if (w > 320) wide.push(`${path} is ${w} px wide`);
	};
	for (const p of pages) await check(visitor, p, p.split('?')[0].replace(/\W+/g, '') || 'root');
	const member = await newContext('en', { width: 320, height: 640 });
	await signInAs(member.page, 'rose_en', PASSWORD);
	const signed = ['/home', '/@rose_en', '/settings', '/settings/export', '/settings/import',
		'/notifications',
		'/admin/queue', '/moderation/log', '/moderation/mine'];
	if (en && en.threadPath) signed.push(en.threadPath);
	for (const p of signed) await check(member, p, `member-${p.replace(/\W+/g, '')}`);
	// the zh-CN home page too: longer words break differently
	const zh = await newContext('zh-CN', { width: 320, height: 640 });
	await check(zh, '/', 'zh-root');
	await signInAs(zh.page, 'rose_en', PASSWORD);
	await check(zh, '/settings/export', 'zh-settings-export');
	await check(zh, '/settings/import', 'zh-settings-import');
	assert.deepEqual(wide, [], 'pages that failed or were wider than the screen');
	assertClean(visitor, member, zh);
});

test("the browser's own request for /favicon.ico does not fail", { timeout: T }, async () => {
	const problems = contexts.flatMap((c) => c.watcher.faviconProblems);
	assert.deepEqual(problems, [], 'every page logs a console error for a missing favicon');
});

test('the server exits 0 on SIGTERM and its log has no sanitizer report', { timeout: T }, async () => {
	for (const c of contexts.splice(0)) await c.context.close().catch(() => {});
	const code = await inst.stopServer();
	assert.equal(code, 0, `exit ${code}:\n${inst.logTail()}`);
	const bad = inst.log().split('\n').filter((l) => SANITIZER_RE.test(l));
	assert.deepEqual(bad, [], 'sanitizer reports in the server log');
});
