// test_safety_kit_pages.mjs - issue 12's member pages as a new member walks them on a 320 px
// phone with JavaScript off, in English and Simplified Chinese (the walk of brief walk12): the
// links that lead on from Settings, the consent page's code page, an error page and sign-in are
// 44 px targets; a visitor an app sends here is told why to sign in, and the consent page says
// where the browser goes after the choice; the authorisation code is whole on the screen (and
// is the real code: it buys a token); the app is named inside whole sentences; moving away
// shows a wrong password at the password field and a bad address at the address field, each
// with the focus and on the first screen, and then moves for real to an account on a second
// parasol (loopback federation, as tests/http/test_move.py); the two-factor set-up has the key
// as a link for an authenticator app on the same phone, and says how long it waits in a
// sentence; a content warning over images says images are inside; while the lockdown is on, a
// line above every page says what it means, to members and to visitors (who get only the
// sign-in page). Nothing loads from another host; no console error but the refused forms' own
// status; axe-core finds nothing on these pages (with JavaScript, which it needs).
//
// Run by tests/browser/run: node --test --test-reporter=tap tests/browser/test_safety_kit_pages.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';

import {
	Instance, SANITIZER_RE, axeViolations, launchBrowser, openContext, signInAs, submit,
} from './lib.mjs';

const T = 180000;
const PASSWORD = 'a long enough password';
const A = new Instance('kit_a'); // the member's community
const B = new Instance('kit_b'); // the server she moves to
const WIDTH = 320, HEIGHT = 640;
let browser;
const contexts = [];

// Both servers may federate over plain http on 127.0.0.1 (a test-only setting).
for (const inst of [A, B]) {
	const write = inst.writeConfig.bind(inst);
	inst.writeConfig = () => {
		write();
		fs.appendFileSync(inst.conf, 'federation_insecure_loopback = true\n');
	};
}

// Puts domain on inst's allowlist and waits until its server has heard of it.
async function allowPeer(inst, domain) {
	inst.psql(`INSERT INTO peers (domain) VALUES ('${domain}') ON CONFLICT DO NOTHING; NOTIFY parasol_cache, 'peers'`);
	const deadline = Date.now() + 15000;
	while (!/cache: peers changed/.test(inst.log())) {
		assert.ok(Date.now() < deadline, `${inst.name} did not hear that its peers changed`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

const domain = (inst) => `127.0.0.1:${inst.port}`;

before(async () => {
	await A.start();
	await B.start();
	await allowPeer(A, domain(B));
	await allowPeer(B, domain(A));
	browser = await launchBrowser();
});

after(async () => {
	for (const c of contexts) await c.context.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	A.cleanup();
	B.cleanup();
});

async function phone(inst, lang, { javaScriptEnabled = false } = {}) {
	const c = await openContext(browser, inst.base, { lang, width: WIDTH, height: HEIGHT, javaScriptEnabled });
	contexts.push(c);
	return c;
}

async function member(inst, lang, name) {
	inst.cli(['admin', 'create-account', name], `${PASSWORD}\n`);
	const c = await phone(inst, lang);
	await signInAs(c.page, name, PASSWORD);
	assert.equal(new URL(c.page.url()).pathname, '/home', `${name} did not sign in`);
	return c;
}

async function fits(page, what) {
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(w <= WIDTH, `${what} is ${w} px wide at ${WIDTH} px`);
}

// The height of each element matching selector (in main), which must be a 44 px target.
async function targets(page, selector, what) {
	const boxes = await page.locator(`main ${selector}`).evaluateAll((els) =>
		els.map((el) => ({ text: el.textContent.trim(), h: el.getBoundingClientRect().height })));
	assert.ok(boxes.length > 0, `no ${selector} on ${what}`);
	for (const b of boxes) assert.ok(b.h >= 44, `"${b.text}" on ${what} is ${b.h} px high`);
}

// The problems the watcher saw, but for the browser's report of a refused form's status.
function problems(c, ...statuses) {
	return c.watcher.take().filter((p) =>
		!statuses.some((s) => p.includes(`the server responded with a status of ${s} `)));
}

async function registerApp(inst, name, redirect) {
	const r = await fetch(`${inst.base}/api/v1/apps`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ client_name: name, redirect_uris: redirect, scopes: 'read write' }),
	});
	assert.equal(r.status, 200);
	return r.json();
}

const OOB = 'urn:ietf:wg:oauth:2.0:oob';

// A w x h RGB PNG (a gradient), made here: the upload's fixture.
function png(w, h) {
	const table = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (b) => {
		let c = 0xffffffff;
		for (const x of b) c = table[(c ^ x) & 255] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const len = Buffer.alloc(4), sum = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([len, body, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bits per sample
	ihdr[9] = 2; // RGB
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3;
			raw[o] = (x * 255) / w;
			raw[o + 1] = (y * 255) / h;
			raw[o + 2] = 128;
		}
	}
	return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

for (const lang of ['en', 'zh-CN']) {
	const tag = lang === 'en' ? 'en' : 'zh';

	test(`${lang}: links that lead on from Settings, sign-in, the about page and an error page are 44 px high`, { timeout: T }, async () => {
		const v = await phone(A, lang);
		await v.page.goto('/login');
		await targets(v.page, 'a[href="/recover"]', '/login');
		await v.page.goto('/about');
		await targets(v.page, 'a[href="/safety"]', '/about');
		const c = await member(A, lang, `links_${tag}`);
		const { page } = c;
		await page.goto('/settings');
		for (const href of ['/settings/export', '/settings/aliases', '/settings/move', '/settings/delete'])
			await targets(page, `section a[href="${href}"]`, '/settings');
		await fits(page, '/settings');
		const missing = await page.goto('/no-such-page');
		assert.equal(missing.status(), 404);
		await targets(page, '.error-page a[href="/"]', 'the 404 page');
		assert.deepEqual([...problems(v), ...problems(c, 404)], []);
	});

	test(`${lang}: the consent page's code is whole on the phone, the app named in a sentence; it buys a token`, { timeout: T }, async () => {
		const name = `codes_${tag}`;
		const c = await member(A, lang, name);
		const { page, tr } = c;
		const appName = 'Tusky for a very small phone screen';
		const app = await registerApp(A, appName, OOB);
		const ask = `/oauth/authorize?response_type=code&client_id=${app.client_id}` +
			`&redirect_uri=${encodeURIComponent(OOB)}&scope=read`;
		await page.goto(ask);
		await fits(page, 'the consent page');
		const res = await submit(page, page.locator('form[action="/oauth/authorize"] button[value="approve"]'));
		assert.equal(res.status(), 200);
		const said = (await page.locator('main p').first().innerText()).trim();
		assert.equal(said, tr('Copy this code into {app_name} to finish signing in. It works once, within ten minutes.')
			.replace('{app_name}', appName));
		const code = page.locator('#code');
		assert.equal(await page.locator('label[for="code"]').innerText(), tr('Authorisation code'));
		const seen = await code.evaluate((el) => ({
			value: el.value, sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight,
			right: el.getBoundingClientRect().right, readOnly: el.readOnly,
		}));
		assert.ok(seen.value.length >= 30, `code ${seen.value}`);
		assert.ok(seen.readOnly);
		assert.ok(seen.sw <= seen.cw && seen.sh <= seen.ch,
			`the code is cut off: ${JSON.stringify(seen)}`);
		assert.ok(seen.right <= WIDTH, `the code box ends at ${seen.right} px`);
		await fits(page, 'the code page');
		await targets(page, 'a[href="/settings#apps"]', 'the code page');
		// what the member copies is the code: the app gets a token for it
		const token = await fetch(`${A.base}/oauth/token`, {
			method: 'POST',
			body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id,
				client_secret: app.client_secret, code: seen.value, redirect_uri: OOB }),
		});
		assert.equal(token.status, 200, await token.text());
		// denying says so, naming the app
		await page.goto(ask);
		await submit(page, page.locator('form[action="/oauth/authorize"] button[value="deny"]'));
		assert.equal((await page.locator('main p').first().innerText()).trim(),
			tr('You did not allow {app_name} to use your account. Nothing was shared with it.')
				.replace('{app_name}', appName));
		assert.equal(await page.locator('#code').count(), 0);
		assert.deepEqual(problems(c), []);
	});

	test(`${lang}: a visitor sent by an app is told why to sign in; the consent page says where the browser goes next`, { timeout: T }, async () => {
		const name = `visitor_${tag}`;
		A.cli(['admin', 'create-account', name], `${PASSWORD}\n`);
		const v = await phone(A, lang);
		const { page, tr } = v;
		const redirect = 'https://app.example/callback';
		const app = await registerApp(A, 'A web app', redirect);
		let arrived = null;
		await page.goto(`/oauth/authorize?response_type=code&client_id=${app.client_id}` +
			`&redirect_uri=${encodeURIComponent(redirect)}&scope=read&state=s1`);
		assert.equal(new URL(page.url()).pathname, '/login');
		assert.equal((await page.locator('main .notice').innerText()).trim(),
			tr('An app asks to use your account. Sign in first; then you choose whether to allow it.'));
		await fits(page, 'the sign-in page for an app');
		await page.fill('#username', name);
		await page.fill('#password', PASSWORD);
		await submit(page, page.locator('form[action="/login"] button[type="submit"]'));
		assert.equal(new URL(page.url()).pathname, '/oauth/authorize', 'the sign-in did not lead back to the app\'s request');
		const where = tr('Whichever you choose, your browser then goes back to the app at {redirect_to}.')
			.replace('{redirect_to}', 'https://app.example');
		assert.ok((await page.locator('main').innerText()).includes(where), `no "${where}"`);
		assert.ok(!(await page.locator('main').innerText()).includes(tr('If you allow it, the next page shows a code to copy into the app.')));
		await fits(page, 'the consent page');
		// the browser asks for the app's address (which resolves nowhere: the request is enough)
		const [toApp] = await Promise.all([
			page.waitForRequest((r) => r.url().startsWith('https://app.example/')),
			page.locator('form[action="/oauth/authorize"] button[value="deny"]').click(),
		]);
		arrived = toApp.url();
		const back = new URL(arrived);
		assert.equal(back.origin + back.pathname, redirect);
		assert.equal(back.searchParams.get('error'), 'access_denied');
		assert.equal(back.searchParams.get('state'), 's1');
		// an app without an address to go back to: the code comes on the next page (in a tab of
		// its own: the first is still failing to reach the app's address)
		const oob = await registerApp(A, 'A phone app', OOB);
		const tab = await v.context.newPage();
		await tab.goto(`/oauth/authorize?response_type=code&client_id=${oob.client_id}` +
			`&redirect_uri=${encodeURIComponent(OOB)}&scope=read`);
		assert.equal(new URL(tab.url()).pathname, '/oauth/authorize');
		assert.ok((await tab.locator('main').innerText()).includes(tr('If you allow it, the next page shows a code to copy into the app.')));
		// the one request to another host is the app's own address, where the choice sends the
		// browser (its failure to resolve is the browser's report, not the page's)
		assert.deepEqual(problems(v).filter((p) => !p.includes('https://app.example/')), []);
	});

	test(`${lang}: an image behind a content warning: the warning says images are inside; opened, the image has its description`, { timeout: T }, async () => {
		const name = `photos_${tag}`;
		const c = await member(A, lang, name);
		const { page, tr } = c;
		const file = path.join(A.tmp, `photo-${tag}.png`);
		fs.writeFileSync(file, png(400, 300));
		const post = async (text, warning, alt) => {
			await page.goto('/statuses/new');
			await page.fill('#text', text);
			if (warning) {
				await page.locator('details.compose-extra:has(#spoiler_text) > summary').click();
				await page.fill('#spoiler_text', warning);
			}
			if (alt !== undefined) {
				await page.locator('details.compose-images > summary').click();
				await page.setInputFiles('#image1', file);
				await page.fill('#alt1', alt);
			}
			const res = await submit(page, page.locator('form[action="/statuses"] button[type="submit"]'));
			assert.equal(res.status(), 200);
			return A.scalar(`SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id
				WHERE a.username = '${name}' ORDER BY s.id DESC LIMIT 1`);
		};
		const words = await post('Words only', 'a long night', undefined);
		const photo = await post('The room before the workshop', 'photo of the room', 'Chairs in a circle');
		for (const where of [`/@${name}`, `/@${name}/${photo}`]) {
			await page.goto(where);
			const summary = page.locator(`#s-${photo} details > summary`);
			assert.equal((await summary.innerText()).trim(), `photo of the room ${tr('(images inside)')}`, where);
			const img = page.locator(`#s-${photo} details img`);
			assert.equal(await img.isVisible(), false, `the image shows before the warning is opened on ${where}`);
			await summary.click();
			assert.ok(await img.isVisible(), `the image does not show once opened on ${where}`);
			assert.equal(await img.getAttribute('alt'), 'Chairs in a circle');
			const box = await img.boundingBox();
			assert.ok(box.x >= 0 && box.x + box.width <= WIDTH, `the image leaves the screen: ${JSON.stringify(box)}`);
			await fits(page, where);
		}
		await page.goto(`/@${name}/${words}`);
		assert.equal((await page.locator(`#s-${words} details > summary`).innerText()).trim(), 'a long night',
			'a post without images says it has some');
		assert.deepEqual(problems(c), []);
	});

	test(`${lang}: moving away: each error at its field, with the focus, on the first screen; then the move`, { timeout: T }, async () => {
		const name = `mover_${tag}`, target = `arrival_${tag}`;
		const c = await member(A, lang, name);
		const { page, tr } = c;
		// the new account on B lists this one as its old one
		const b = await member(B, lang, target);
		await b.page.goto('/settings/aliases');
		await b.page.fill('#handle', `${name}@${domain(A)}`);
		await submit(b.page, b.page.locator('form[action="/settings/aliases"] button[type="submit"]'));
		assert.equal(b.page.url(), `${B.base}/settings/aliases?notice=alias_added`);

		const move = async (handle, password) => {
			await page.goto('/settings/move');
			await page.fill('#handle', handle);
			await page.fill('#password', password);
			return submit(page, page.locator('form[action="/settings/move"] button[type="submit"]'));
		};
		const onScreen = async (sel) => {
			const box = await page.locator(sel).boundingBox();
			assert.ok(box && box.y >= 0 && box.y + box.height <= HEIGHT, `${sel} is off the screen: ${JSON.stringify(box)}`);
		};
		// an address that can't be moved to: the message at the address, which has the focus
		let res = await move('nobody@elsewhere.invalid', PASSWORD);
		assert.equal(res.status(), 422);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'handle');
		assert.equal(await page.locator('#handle').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.locator('#handle').getAttribute('aria-describedby'), 'handle-error');
		assert.equal(await page.locator('#password').getAttribute('aria-invalid'), null);
		assert.equal((await page.locator('#handle-error').innerText()).trim(),
			tr('That server is not one this community federates with.'));
		await onScreen('#handle-error');
		await onScreen('#handle');
		await fits(page, 'the move page with an address error');
		// the right address, a wrong password: the message at the password, which has the focus
		res = await move(`${target}@${domain(B)}`, 'not my password at all');
		assert.equal(res.status(), 403);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
		assert.equal(await page.locator('#password').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.locator('#handle').getAttribute('aria-invalid'), null);
		assert.equal(await page.inputValue('#handle'), `${target}@${domain(B)}`, 'the address typed is lost');
		assert.equal((await page.locator('#password-error').innerText()).trim(), tr('The password is wrong.'));
		await onScreen('#password-error');
		await onScreen('#password');
		await fits(page, 'the move page with a password error');
		assert.equal(A.scalar(`SELECT moved_to_uri IS NULL FROM accounts WHERE username = '${name}'`), 't');
		// and the move itself
		res = await move(`${target}@${domain(B)}`, PASSWORD);
		assert.equal(res.status(), 200);
		assert.equal(new URL(page.url()).search, '?notice=moved_away');
		assert.equal(A.scalar(`SELECT moved_to_uri FROM accounts WHERE username = '${name}'`), `${B.base}/users/${target}`);
		await fits(page, 'the moved page');
		assert.deepEqual([...problems(c, 403, 422), ...problems(b)], []);
	});

	test(`${lang}: the two-factor set-up opens the key in the phone's own app, and says in a sentence how long it waits`, { timeout: T }, async () => {
		const c = await member(A, lang, `wait_${tag}`);
		const { page, tr } = c;
		await page.goto('/settings');
		await page.fill('#two_factor_password', PASSWORD);
		await submit(page, page.locator('form[action="/settings/two-factor/start"] button'));
		assert.equal(new URL(page.url()).pathname, '/settings/two-factor');
		const hint = (await page.locator('ol.steps p.hint').innerText()).trim();
		assert.match(hint, /\d/);
		const minutes = /(\d+)/.exec(hint)[1];
		assert.equal(hint, tr('Nothing changes until a right code is typed here. The set-up waits for it {minutes} minutes; after that, start again from Settings.')
			.replace('{minutes}', minutes));
		await targets(page, 'a.back-link[href="/settings#two-factor"]', 'the set-up page');
		// a phone can't scan its own screen: the key opens in the authenticator app from a link
		const link = page.locator('a[href^="otpauth://totp/"]');
		assert.equal((await link.innerText()).trim(), tr('Reading this on the phone itself? Open the key in your authenticator app'));
		const key = new URL(await link.getAttribute('href')).searchParams.get('secret');
		assert.equal(key, (await page.locator('#secret').innerText()).replace(/\s+/g, ''),
			'the link holds another key than the page shows');
		await targets(page, 'a[href^="otpauth://totp/"]', 'the set-up page');
		assert.equal((await page.locator('a[href="/settings#two-factor"]').innerText()).trim(), tr('Back to settings'));
		await fits(page, 'the set-up page');
		assert.deepEqual(problems(c), []);
	});

	test(`${lang}: axe finds nothing on the code page, the move page with its errors and the safety guide`, { timeout: T }, async () => {
		const name = `axe_${tag}`;
		A.cli(['admin', 'create-account', name], `${PASSWORD}\n`);
		const c = await phone(A, lang, { javaScriptEnabled: true });
		const { page } = c;
		await signInAs(page, name, PASSWORD);
		const app = await registerApp(A, 'An app', OOB);
		await page.goto(`/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(OOB)}&scope=read`);
		await submit(page, page.locator('form[action="/oauth/authorize"] button[value="approve"]'));
		const found = [];
		const check = async (what) => {
			for (const width of [320, 1280]) {
				await page.setViewportSize({ width, height: 800 });
				for (const v of await axeViolations(page)) found.push(`${what} at ${width} px: ${v}`);
			}
			await page.setViewportSize({ width: WIDTH, height: HEIGHT });
		};
		await check('the code page');
		await page.goto('/settings/move');
		await page.fill('#handle', 'nobody@nowhere.invalid');
		await page.fill('#password', PASSWORD);
		await submit(page, page.locator('form[action="/settings/move"] button[type="submit"]'));
		await check('the move page with an error');
		await page.goto('/safety');
		await check('the safety guide');
		// a part's second paragraph (moving, under "Your account") stands apart from the first
		const gap = await page.locator('.stored dd > p').first().evaluate((p) =>
			parseFloat(getComputedStyle(p).marginTop));
		assert.ok(gap >= 4, `the second paragraph of a stored part is ${gap} px from the first`);
		assert.deepEqual(found, []);
		assert.deepEqual(problems(c, 422), []);
	});
}

// Last: the lockdown shuts A's doors to its peer (B) too.
test('the lockdown: a line above every page tells members and visitors what it means; it goes when it ends', { timeout: T }, async () => {
	A.cli(['admin', 'create-account', 'kit_admin', '--role', 'admin'], `${PASSWORD}\n`);
	const invite = new URL(A.cli(['admin', 'invite']).trim());
	const seen = [];
	for (const lang of ['en', 'zh-CN']) {
		const admin = await phone(A, lang);
		await signInAs(admin.page, 'kit_admin', PASSWORD);
		const m = await member(A, lang, `locked_${lang === 'en' ? 'en' : 'zh'}`);
		const v = await phone(A, lang);
		const { tr } = m;
		const forMembers = tr('This community is in lockdown: visitors see only the sign-in page, the about page and the safety guide, and nothing is sent to other servers. What you post now waits, and is sent when the lockdown ends.');
		const forVisitors = tr('This community is closed to visitors for now; members can still sign in. Invite links work again when it opens.');
		const banner = async (page) => {
			const b = page.locator('main .lockdown-banner');
			return (await b.count()) ? (await b.innerText()).trim() : null;
		};
		await m.page.goto('/home');
		assert.equal(await banner(m.page), null, 'a lockdown line without a lockdown');
		await admin.page.goto('/admin/settings');
		await submit(admin.page, admin.page.locator('form[action="/admin/lockdown"] button[type="submit"]'));
		assert.equal(A.scalar("SELECT value FROM instance_settings WHERE key = 'lockdown'"), 'true');
		for (const path of ['/home', '/statuses/new', '/settings'])  {
			await m.page.goto(path);
			assert.equal(await banner(m.page), forMembers, `${path} during the lockdown`);
			await fits(m.page, `${path} during the lockdown`);
		}
		// an invite link, a profile: the sign-in page, which says why
		for (const path of [invite.pathname + invite.search, '/@kit_admin', '/login']) {
			await v.page.goto(path);
			assert.equal(new URL(v.page.url()).pathname, '/login', `${path} is open to visitors during the lockdown`);
			assert.equal(await banner(v.page), forVisitors, `${path} for a visitor during the lockdown`);
			await fits(v.page, 'the sign-in page during the lockdown');
		}
		// axe (with JavaScript) on a member's and a visitor's page with the line
		const axeMember = await phone(A, lang, { javaScriptEnabled: true });
		await signInAs(axeMember.page, `locked_${lang === 'en' ? 'en' : 'zh'}`, PASSWORD);
		const axeVisitor = await phone(A, lang, { javaScriptEnabled: true });
		for (const [c, path] of [[axeMember, '/home'], [axeVisitor, '/login']]) {
			await c.page.goto(path);
			assert.ok(await banner(c.page), `no lockdown line on ${path} for axe`);
			for (const width of [320, 1280]) {
				await c.page.setViewportSize({ width, height: 800 });
				assert.deepEqual(await axeViolations(c.page), [], `axe on ${path} during the lockdown at ${width} px`);
			}
			seen.push(...problems(c));
		}
		await admin.page.goto('/admin/settings');
		await submit(admin.page, admin.page.locator('form[action="/admin/lockdown"] button[type="submit"]'));
		assert.equal(A.scalar("SELECT value FROM instance_settings WHERE key = 'lockdown'"), 'false');
		await m.page.goto('/home');
		assert.equal(await banner(m.page), null, 'the lockdown line stayed after the lockdown');
		await v.page.goto('/login');
		assert.equal(await banner(v.page), null, 'the lockdown line stayed for visitors');
		for (const c of [admin, m, v]) seen.push(...problems(c));
	}
	assert.deepEqual(seen, []);
});

test('the servers exit 0 on SIGTERM and their logs have no sanitizer report', { timeout: T }, async () => {
	for (const c of contexts.splice(0)) await c.context.close().catch(() => {});
	for (const inst of [A, B]) {
		const code = await inst.stopServer();
		assert.equal(code, 0, `${inst.name} exit ${code}:\n${inst.logTail()}`);
		const bad = inst.log().split('\n').filter((l) => SANITIZER_RE.test(l));
		assert.deepEqual(bad, [], `sanitizer reports in ${inst.name}'s log`);
	}
});
