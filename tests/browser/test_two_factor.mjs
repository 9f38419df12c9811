// test_two_factor.mjs - two-factor sign-in in a real browser on a 320 px phone with
// JavaScript off, in English and Simplified Chinese: set it up from Settings (the QR code drawn
// by the server fits the screen, the key is there to type), turn it on with a code computed
// here from that key, see the eight new recovery codes, then sign out and in through the code
// step. The server's TOTP clock is a file this test writes (PARASOL_TEST_CLOCK_FILE), so the
// codes never race a 30-second step. Nothing loads from another host; no console error. Then
// axe-core (with JavaScript, which it needs) on Settings, the set-up page and the code step.
//
//   node --test --test-reporter=tap tests/browser/test_two_factor.mjs

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
	Instance, SANITIZER_RE, axeViolations, launchBrowser, openContext, outputPath, signInAs, submit,
} from './lib.mjs';

const T = 120000;
const PASSWORD = 'a long enough password';
const inst = new Instance('browser_two_factor');
const clockFile = path.join(inst.tmp, 'clock');
let now = 1800000015; // 15 s into a step
let browser;
const contexts = [];

function setClock(t) {
	now = t;
	fs.writeFileSync(clockFile, `${t}\n`);
}

// RFC 6238: HMAC-SHA1 of the step, dynamically truncated, 6 digits.
function totp(secret) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(Math.floor(now / 30)));
	const mac = crypto.createHmac('sha1', secret).update(msg).digest();
	const o = mac[19] & 15;
	return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// RFC 4648 base32 (what the page shows, in groups of four) to bytes.
function base32(text) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, value = 0;
	const out = [];
	for (const ch of text.replace(/\s+/g, '')) {
		const v = alphabet.indexOf(ch);
		assert.ok(v >= 0, `not base32: ${ch}`);
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

before(async () => {
	setClock(now);
	inst.env = { PARASOL_TEST_CLOCK_FILE: clockFile };
	await inst.start();
	browser = await launchBrowser();
});

after(async () => {
	for (const c of contexts) await c.context.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	inst.cleanup();
});

async function phone(lang) {
	const c = await openContext(browser, inst.base, { lang, width: 320, height: 640, javaScriptEnabled: false });
	contexts.push(c);
	return c;
}

async function fitsWidth(page, what) {
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(wide <= 320, `${what} is ${wide} px wide at 320 px`);
}

// axe-core on the page at 320 and 1280 px (it needs JavaScript: a context with it on).
async function axeClean(page, what) {
	for (const width of [320, 1280]) {
		await page.setViewportSize({ width, height: 800 });
		assert.deepEqual(await axeViolations(page), [], `axe on ${what} at ${width} px`);
	}
}

for (const lang of ['en', 'zh-CN']) {
	const name = lang === 'en' ? 'tf_rose' : 'tf_lily';

	test(`${lang}: set up two-factor sign-in, then sign in with a code`, { timeout: T }, async () => {
		inst.cli(['admin', 'create-account', name], PASSWORD + '\n');
		const c = await phone(lang);
		const { page, tr } = c;
		const home = await signInAs(page, name, PASSWORD);
		assert.equal(home.status(), 200);
		await page.goto('/settings#two-factor', { waitUntil: 'load' });
		assert.equal((await page.locator('#two-factor').innerText()).trim(), tr('Two-factor sign-in'));
		await page.fill('#two_factor_password', PASSWORD);
		const setup = await submit(page, page.locator('form[action="/settings/two-factor/start"] button'));
		assert.equal(setup.status(), 200);
		assert.equal(new URL(page.url()).pathname, '/settings/two-factor');
		assert.equal((await page.locator('h1').innerText()).trim(), tr('Two-factor sign-in'));
		// the QR code: drawn, square, within the screen
		const qr = await page.locator('svg.qr').boundingBox();
		assert.ok(qr && qr.width >= 150 && Math.abs(qr.width - qr.height) < 1, `QR box ${JSON.stringify(qr)}`);
		assert.ok(qr.x >= 0 && qr.x + qr.width <= 320, `the QR code leaves the screen: ${JSON.stringify(qr)}`);
		await fitsWidth(page, 'the set-up page');
		await page.screenshot({ path: outputPath('browser', `two-factor-setup-${lang}.png`), fullPage: true });
		const secret = base32(await page.locator('#secret').innerText());
		assert.equal(secret.length, 20);
		await page.fill('#code', totp(secret));
		const codes = await submit(page, page.locator('form[action="/settings/two-factor/enable"] button'));
		assert.equal(codes.status(), 200);
		assert.equal(await page.locator('ul.codes code').count(), 8, 'no new recovery codes');
		await fitsWidth(page, 'the recovery codes');
		assert.equal(inst.scalar(`SELECT t.enabled FROM totp_credentials t JOIN accounts a ON a.id = t.account_id WHERE a.username = '${name}'`), 't');

		// signed out and in again: the password, then the code step
		setClock(now + 30);
		await page.goto('/about', { waitUntil: 'load' });
		await page.locator('details.menu > summary').click(); // Sign out is in the menu
		await submit(page, page.locator('form[action="/logout"] button'));
		const step = await signInAs(page, name, PASSWORD);
		assert.equal(step.status(), 200);
		assert.equal(new URL(page.url()).pathname, '/login/code');
		assert.equal((await page.locator('h1').innerText()).trim(), tr('Sign in: code'));
		await fitsWidth(page, 'the code step');
		await page.screenshot({ path: outputPath('browser', `two-factor-code-${lang}.png`), fullPage: true });
		await page.fill('#code', totp(secret));
		const signedIn = await submit(page, page.locator('form[action="/login/code"] button'));
		assert.equal(signedIn.status(), 200);
		assert.equal(new URL(page.url()).pathname, '/home');
		const cookies = await c.context.cookies();
		assert.ok(cookies.some((k) => k.name === 'parasol_session'), 'no session');
		assert.ok(!cookies.some((k) => k.name === 'parasol_signin'), 'the challenge cookie stayed');
		assert.deepEqual(c.watcher.take(), [], 'the pages had problems');
	});
}

for (const lang of ['en', 'zh-CN']) {
	const name = lang === 'en' ? 'tf_iris' : 'tf_fern';

	test(`${lang}: axe finds nothing on the two-factor pages`, { timeout: T }, async () => {
		inst.cli(['admin', 'create-account', name], PASSWORD + '\n');
		const c = await openContext(browser, inst.base, { lang, width: 320, height: 800 });
		contexts.push(c);
		const { page } = c;
		await signInAs(page, name, PASSWORD);
		await page.goto('/settings#two-factor', { waitUntil: 'load' });
		await axeClean(page, 'Settings with two-factor off');
		await page.setViewportSize({ width: 320, height: 800 });
		await page.fill('#two_factor_password', PASSWORD);
		await submit(page, page.locator('form[action="/settings/two-factor/start"] button'));
		assert.equal(new URL(page.url()).pathname, '/settings/two-factor');
		await axeClean(page, 'the set-up page');
		const secret = base32(await page.locator('#secret').innerText());
		await page.fill('#code', '000000' === totp(secret) ? '111111' : '000000');
		const wrong = await submit(page, page.locator('form[action="/settings/two-factor/enable"] button'));
		assert.equal(wrong.status(), 422);
		await axeClean(page, 'the set-up page with a wrong code');
		await page.fill('#code', totp(secret));
		await submit(page, page.locator('form[action="/settings/two-factor/enable"] button'));
		await page.goto('/settings#two-factor', { waitUntil: 'load' });
		await axeClean(page, 'Settings with two-factor on');
		const v = await openContext(browser, inst.base, { lang, width: 320, height: 800 });
		contexts.push(v);
		await signInAs(v.page, name, PASSWORD);
		assert.equal(new URL(v.page.url()).pathname, '/login/code');
		await axeClean(v.page, 'the code step');
		assert.deepEqual([...c.watcher.take(), ...v.watcher.take()].filter((p) => !p.includes('status of 422')), [],
			'the pages had problems');
	});
}

test('the server exits 0 on SIGTERM and its log has no sanitizer report', { timeout: T }, async () => {
	for (const c of contexts.splice(0)) await c.context.close().catch(() => {});
	const code = await inst.stopServer();
	assert.equal(code, 0, `exit ${code}:\n${inst.logTail()}`);
	const bad = inst.log().split('\n').filter((l) => SANITIZER_RE.test(l));
	assert.deepEqual(bad, [], 'sanitizer reports in the server log');
});
