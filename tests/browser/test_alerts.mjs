// test_alerts.mjs - bad-date alerts in a real browser on a 320 px phone with JavaScript off,
// in English and Simplified Chinese: a member files an alert through the form (the area's
// rule explained when refused), a moderator publishes it, another member finds it by
// browsing and by a phone number written another way, and the printable digest, under print
// media emulation, leaves out the site's header and starts each area on a page of its own.
// On a phone the alert links are 44 px targets and a refused field is marked (aria-invalid)
// with the message at the top linking to it. Then axe-core (with JavaScript, which it needs)
// on every alert page at 320 and 1280 px.
//
//   node --test --test-reporter=tap tests/browser/test_alerts.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	Instance, SANITIZER_RE, axeViolations, launchBrowser, openContext, outputPath, signInAs, submit,
} from './lib.mjs';

const T = 180000;
const PASSWORD = 'a long enough password';
const inst = new Instance('browser_alerts');
let browser;
const contexts = [];
const filed = {};

before(async () => {
	await inst.start();
	browser = await launchBrowser();
	inst.cli(['admin', 'create-account', 'al_mod', '--role', 'moderator'], PASSWORD + '\n');
	inst.cli(['admin', 'create-account', 'al_admin', '--role', 'admin'], PASSWORD + '\n');
});

after(async () => {
	for (const c of contexts) await c.context.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	inst.cleanup();
});

async function open(lang, { width = 320, javaScriptEnabled = false } = {}) {
	const c = await openContext(browser, inst.base, { lang, width, height: 800, javaScriptEnabled });
	contexts.push(c);
	return c;
}

async function fitsWidth(page, what) {
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(wide <= 320, `${what} is ${wide} px wide at 320 px`);
}

function yesterday() {
	return new Date(Date.now() - 86400000).toISOString().slice(0, 10);
}

for (const lang of ['en', 'zh-CN']) {
	const name = lang === 'en' ? 'al_rose' : 'al_lily';
	const area = lang === 'en' ? 'Hackney' : '朝阳区';

	test(`${lang}: file an alert, publish it, find it, print the digest`, { timeout: T }, async () => {
		inst.cli(['admin', 'create-account', name], PASSWORD + '\n');
		const c = await open(lang);
		const { page, tr } = c;
		await signInAs(page, name, PASSWORD);
		await page.goto('/alerts', { waitUntil: 'load' });
		assert.equal((await page.locator('h1').innerText()).trim(), tr('Bad-date alerts'));
		await fitsWidth(page, 'the alerts page');
		await page.goto('/alerts/new', { waitUntil: 'load' });
		assert.equal((await page.locator('h1').innerText()).trim(), tr('Report a bad date'));
		await page.fill('#happened_on', yesterday());
		await page.fill('#area', '51.5074, -0.1278');
		await page.check('#cat-violence');
		await page.selectOption('#severity', 'high');
		await page.fill('#summary', `Refused to pay (${lang}).`);
		await page.fill('#phones', '07700 900123');
		await page.check('#consent_members');
		let r = await submit(page, page.locator('form[action="/alerts"] button[type="submit"]'));
		assert.equal(r.status(), 422);
		assert.equal((await page.locator('#alert-error').innerText()).trim(),
			tr('Write the area in words, without coordinates or map links: a neighbourhood, district or town.'));
		assert.equal(await page.inputValue('#summary'), `Refused to pay (${lang}).`, 'the form lost what was typed');
		await fitsWidth(page, 'the refused form');
		await page.fill('#area', area);
		r = await submit(page, page.locator('form[action="/alerts"] button[type="submit"]'));
		assert.equal(r.status(), 200);
		const m = new URL(page.url()).pathname.match(/^\/alerts\/(\d+)$/);
		assert.ok(m, page.url());
		filed[lang] = m[1];
		await fitsWidth(page, 'the alert page');
		await page.screenshot({ path: outputPath('browser', `alert-${lang}.png`), fullPage: true });

		// the moderator publishes it
		const mod = await open(lang);
		await signInAs(mod.page, 'al_mod', PASSWORD);
		await mod.page.goto(`/admin/alerts/${filed[lang]}`, { waitUntil: 'load' });
		await fitsWidth(mod.page, 'the review page');
		r = await submit(mod.page, mod.page.locator('form[action$="/publish"] button'));
		assert.equal(r.status(), 200);
		assert.equal(new URL(mod.page.url()).pathname, '/admin/alerts');

		// another member finds it
		const other = lang === 'en' ? 'al_iris' : 'al_fern';
		inst.cli(['admin', 'create-account', other], PASSWORD + '\n');
		const o = await open(lang);
		await signInAs(o.page, other, PASSWORD);
		await o.page.goto('/alerts', { waitUntil: 'load' });
		assert.ok((await o.page.locator(`a[href="/alerts/${filed[lang]}"]`).count()) > 0, 'not listed');
		await o.page.goto('/alerts/lookup', { waitUntil: 'load' });
		await o.page.selectOption('#kind', 'phone');
		await o.page.fill('#value', '+44 7700 900123');
		r = await submit(o.page, o.page.locator('form[action="/alerts/lookup"] button'));
		assert.equal(r.status(), 200);
		assert.ok((await o.page.locator(`a[href="/alerts/${filed[lang]}"]`).count()) > 0, 'the lookup missed it');
		assert.ok(!(await o.page.content()).includes(name), 'the reporter is named');
		await fitsWidth(o.page, 'the lookup');

		// the printable digest, as printed
		await o.page.goto('/alerts/digest', { waitUntil: 'load' });
		await fitsWidth(o.page, 'the digest');
		await o.page.emulateMedia({ media: 'print' });
		const printed = await o.page.evaluate(() => ({
			header: getComputedStyle(document.querySelector('.site-header')).display,
			breaks: [...document.querySelectorAll('.digest-area')].map((s) => getComputedStyle(s).breakBefore),
			areas: [...document.querySelectorAll('.digest-area h2')].map((h) => h.textContent),
		}));
		assert.equal(printed.header, 'none', 'the site header is printed');
		assert.ok(printed.areas.includes(area), JSON.stringify(printed));
		assert.equal(printed.breaks[0], 'auto');
		for (const b of printed.breaks.slice(1)) assert.equal(b, 'page', JSON.stringify(printed));
		await o.page.screenshot({ path: outputPath('browser', `alert-digest-print-${lang}.png`), fullPage: true });
		await o.page.emulateMedia({ media: 'screen' });
		assert.deepEqual([...c.watcher.take(), ...mod.watcher.take(), ...o.watcher.take()]
			.filter((p) => !p.includes('status of 422')), [], 'the pages had problems');
	});
}

for (const lang of ['en', 'zh-CN']) {
	test(`${lang}: on a phone the links are 44 px targets and a refused field is marked`, { timeout: T }, async () => {
		const name = lang === 'en' ? 'al_tess' : 'al_yun';
		inst.cli(['admin', 'create-account', name], PASSWORD + '\n');
		const { page, tr, watcher } = await open(lang);
		await signInAs(page, name, PASSWORD);
		await page.goto('/alerts', { waitUntil: 'load' });
		for (const a of await page.locator('.alert-links a, .alert-areas a').all()) {
			const box = await a.boundingBox();
			assert.ok(box.height >= 44, `${await a.innerText()} is ${box.height} px high`);
		}
		await page.goto('/alerts/new', { waitUntil: 'load' });
		assert.equal(await page.locator('#for_member').count(), 0, 'a member is offered to file for one');
		await page.fill('#happened_on', yesterday());
		await page.fill('#area', 'Camden');
		await page.check('#cat-stalking');
		await page.check('#consent_members');
		// the browser would stop an empty account; a phone that doesn't is answered by the server
		await page.evaluate(() => document.querySelector('#summary').removeAttribute('required'));
		const r = await submit(page, page.locator('form[action="/alerts"] button[type="submit"]'));
		assert.equal(r.status(), 422);
		assert.equal(await page.getAttribute('#summary', 'aria-invalid'), 'true');
		assert.equal(await page.getAttribute('#area', 'aria-invalid'), 'false');
		assert.equal(await page.getAttribute('#alert-error a', 'href'), '#summary');
		assert.equal((await page.locator('#alert-error').innerText()).trim(),
			tr('Write what happened in 1 to 2000 characters.'));
		assert.equal(await page.inputValue('#area'), 'Camden', 'the form lost what was typed');
		await fitsWidth(page, 'the refused form');
		assert.deepEqual(watcher.take().filter((p) => !p.includes('status of 422')), [], 'the pages had problems');
	});
}

for (const lang of ['en', 'zh-CN']) {
	test(`${lang}: axe finds nothing on the alert pages`, { timeout: T }, async () => {
		const id = filed[lang];
		assert.ok(id, 'the first test filed no alert');
		const reporter = lang === 'en' ? 'al_rose' : 'al_lily';
		const pages = [
			[reporter, ['/alerts', '/alerts/new', '/alerts/mine', '/alerts/lookup',
				'/alerts/lookup?kind=phone&value=07700900123', '/alerts/digest', `/alerts/${id}`,
				`/alerts/${id}/edit`]],
			['al_mod', ['/admin/alerts', `/admin/alerts/${id}`, `/alerts/${id}`]],
			['al_admin', ['/admin/alert-settings']],
		];
		for (const [who, paths] of pages) {
			const c = await open(lang, { javaScriptEnabled: true });
			await signInAs(c.page, who, PASSWORD);
			for (const p of paths) {
				const r = await c.page.goto(p, { waitUntil: 'load' });
				assert.equal(r.status(), 200, p);
				for (const width of [320, 1280]) {
					await c.page.setViewportSize({ width, height: 800 });
					assert.deepEqual(await axeViolations(c.page), [], `axe on ${p} (${who}) at ${width} px`);
				}
			}
			assert.deepEqual(c.watcher.take(), [], 'the pages had problems');
		}
	});
}

test('the server exits 0 on SIGTERM and its log has no sanitizer report', { timeout: T }, async () => {
	for (const c of contexts.splice(0)) await c.context.close().catch(() => {});
	const code = await inst.stopServer();
	assert.equal(code, 0, `exit ${code}:\n${inst.logTail()}`);
	const bad = inst.log().split('\n').filter((l) => SANITIZER_RE.test(l));
	assert.deepEqual(bad, [], 'sanitizer reports in the server log');
});
