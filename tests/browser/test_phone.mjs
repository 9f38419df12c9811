// test_phone.mjs - the web UI on a phone (320 px) and a desktop (1280 px), in English and
// Simplified Chinese (issue 11): a compact member menu that needs no script, the compose box
// folded on /home so that the first post is on the first screen, a compact admin
// sub-navigation, one row of post controls of one style with 44 x 44 px targets (checkboxes
// and radios too), actions that return to the post, controls and posts named for screen
// readers, the /about numbers table readable, the visibility select not cut off, and error
// pages without a post's border. Positions are measured in the real browser.
//
// Run by tests/browser/run (the TAP log compiler of `make check`).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import path from 'node:path';

import {
	Instance, launchBrowser, openContext, outputPath, SANITIZER_RE, signInAs, SRCDIR, submit,
} from './lib.mjs';
import { PASSWORD, seedCommunity } from './seed.mjs';

const T = 180000;
const inst = new Instance('phone');
let browser, seed;
const contexts = [];

before(async () => {
	await inst.start();
	seed = await seedCommunity(inst);
	browser = await launchBrowser();
});

after(async () => {
	for (const c of contexts) await c.context.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	inst.cleanup();
});

// A browser context of lang at width (x 640 px, a small phone's screen), signed in as user
// (none: a visitor).
async function open(lang, width, user, { javaScriptEnabled = true } = {}) {
	const c = await openContext(browser, inst.base, { lang, width, height: 640, javaScriptEnabled });
	contexts.push(c);
	if (user) {
		await signInAs(c.page, user, PASSWORD);
		assert.equal(new URL(c.page.url()).pathname, '/home', `${user} did not sign in`);
	}
	return c;
}

async function close(c) {
	assert.deepEqual(c.watcher.take(), [], 'the pages had problems');
	await c.context.close();
	contexts.splice(contexts.indexOf(c), 1);
}

async function goto(page, path, status = 200) {
	const res = await page.goto(path, { waitUntil: 'load' });
	assert.equal(res.status(), status, `${path} answered ${res.status()}`);
}

// The box of the first element matching selector, relative to the top of the document.
async function box(page, selector) {
	return page.evaluate((sel) => {
		const el = document.querySelector(sel);
		if (!el) return null;
		const r = el.getBoundingClientRect();
		return { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, width: r.width, height: r.height };
	}, selector);
}

async function shot(page, name) {
	await page.screenshot({ path: outputPath('phone', `${name}.png`) });
}

const LANGS = ['en', 'zh-CN'];
const WIDTHS = [320, 1280];

for (const lang of LANGS) {
	for (const width of WIDTHS) {
		test(`${lang}, ${width} px: the member's menu is compact and opens without script; the first post on /home is on the first screen`, { timeout: T }, async () => {
			const c = await open(lang, width, 'mia', { javaScriptEnabled: false });
			const { page, tr } = c;
			await goto(page, '/home');
			await shot(page, `${lang}-${width}-home`);
			const header = await box(page, 'header.site-header');
			assert.ok(header.height <= 110, `the header is ${header.height} px tall`);
			const first = await box(page, 'article.status');
			assert.ok(first, 'no post on /home');
			assert.ok(first.top < 400, `the first post starts at ${first.top} px, below the first screen's first half`);
			// Home and Notifications in sight, the rest in the menu, closed
			assert.ok(await page.locator('.site-nav a[href="/home"]').isVisible());
			assert.ok(await page.locator('.site-nav a[href="/notifications"]').isVisible());
			const menu = page.locator('details.menu');
			assert.equal(await menu.evaluate((d) => d.open), false);
			assert.equal(await page.locator('.site-nav a[href="/settings"]').isVisible(), false);
			assert.equal(await menu.locator('summary').innerText(), tr('Menu'));
			await menu.locator('summary').click();
			for (const href of ['/settings', '/local', '/search', '/bookmarks', '/@mia', '/statuses/new'])
				assert.ok(await page.locator(`.site-nav a[href="${href}"]`).isVisible(), `${href} not in the open menu`);
			const signOut = page.locator('.site-nav form[action="/logout"] button');
			assert.ok(await signOut.isVisible(), 'Sign out is not in the menu');
			// the open menu stays on the screen
			const list = await page.evaluate(() => {
				const r = document.querySelector('details.menu > ul').getBoundingClientRect();
				return { left: r.left, right: r.right };
			});
			assert.ok(list.left >= 0 && list.right <= width, `the open menu runs from ${list.left} to ${list.right} px`);
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(overflow <= width, `the page is ${overflow} px wide with the menu open`);
			await shot(page, `${lang}-${width}-menu`);
			// the menu's "New post" link leads to the compose page
			await Promise.all([page.waitForNavigation(), page.locator('.site-nav a[href="/statuses/new"]').click()]);
			assert.ok(await page.locator('textarea#text').isVisible(), 'no compose form at /statuses/new');
			await close(c);
		});

		test(`${lang}, ${width} px: the compose box on /home is folded behind "New post" and opens without script`, { timeout: T }, async () => {
			const c = await open(lang, width, 'mia', { javaScriptEnabled: false });
			const { page, tr } = c;
			await goto(page, '/home');
			const fold = page.locator('details.compose-fold');
			assert.equal(await fold.count(), 1, 'no folded compose box');
			assert.equal(await page.locator('textarea#text').isVisible(), false, 'the compose box is open');
			assert.equal((await fold.locator('> summary').innerText()).replace(/^[+\u2212]\s*/, ''), tr('New post'));
			const sum = await box(page, 'details.compose-fold > summary');
			assert.ok(sum.height >= 44, `"New post" is ${sum.height} px high`);
			await fold.locator('> summary').click();
			assert.ok(await page.locator('textarea#text').isVisible(), 'the compose box does not open');
			// the visibility select shows its whole choice
			const cut = await page.evaluate(() => {
				const sel = document.querySelector('select#visibility');
				const cs = getComputedStyle(sel);
				const ctx = document.createElement('canvas').getContext('2d');
				ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
				const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 24;
				return [...sel.options].filter((o) => ctx.measureText(o.text).width > room)
					.map((o) => `${o.text} (${Math.round(ctx.measureText(o.text).width)} > ${room})`);
			});
			assert.deepEqual(cut, [], 'visibility choices cut off');
			await shot(page, `${lang}-${width}-compose-open`);
			await close(c);
		});

		test(`${lang}, ${width} px: admin pages start near the top (compact sections menu)`, { timeout: T }, async () => {
			const c = await open(lang, width, 'ada');
			const { page, tr } = c;
			const admin = ['/admin/settings', '/admin/invites', '/admin/peers', '/admin/roles',
				'/admin/applications', '/admin/rules', '/admin/queue', '/admin/appeals',
				'/admin/review-rules', `/admin/queue/${seed.ids.item}`,
				`/admin/accounts/${seed.ids.memberAccount}`];
			const late = [], cut = [];
			for (const path of admin) {
				await goto(page, path);
				const nav = page.locator('nav.subnav');
				assert.equal(await nav.count(), 1, `${path}: no sections menu`);
				assert.equal(await nav.locator('summary').innerText(), tr('Sections'));
				const sum = await nav.locator('summary').boundingBox();
				assert.ok(sum.width >= 44 && sum.height >= 44, `${path}: the sections menu is ${sum.width}x${sum.height} px`);
				assert.equal(await nav.locator('a[href="/admin/invites"]').isVisible(), false, `${path}: the sections are open`);
				// the first thing after the menu: the page's own content
				const next = await page.evaluate(() => {
					const el = document.querySelector('nav.subnav').nextElementSibling;
					return el.getBoundingClientRect().top + window.scrollY;
				});
				if (next > 330) late.push(`${path}: content starts at ${next} px`);
				// every select shows its whole choice (the moderators' action list once was cut)
				cut.push(...await page.evaluate((p) => {
					const ctx = document.createElement('canvas').getContext('2d');
					const out = [];
					for (const sel of document.querySelectorAll('main select')) {
						const cs = getComputedStyle(sel);
						ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
						const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 24;
						for (const o of sel.options)
							if (ctx.measureText(o.text).width > room) out.push(`${p}: "${o.text}" cut`);
					}
					return out;
				}, path));
			}
			assert.deepEqual(late, [], 'admin pages start too far down');
			assert.deepEqual(cut, [], 'select choices cut off on admin pages');
			await goto(page, '/admin/settings');
			await page.locator('nav.subnav summary').click();
			assert.ok(await page.locator('nav.subnav a[href="/admin/invites"]').isVisible());
			const narrow = await page.evaluate(() => [...document.querySelectorAll('nav.subnav a')]
				.map((a) => [a.textContent.trim(), a.getBoundingClientRect()])
				.filter(([, r]) => r.width < 44 || r.height < 44)
				.map(([t, r]) => `"${t}": ${r.width}x${r.height}`));
			assert.deepEqual(narrow, [], 'admin section links smaller than 44 x 44 px');
			await shot(page, `${lang}-${width}-admin`);
			await close(c);
		});

		test(`${lang}, ${width} px: post controls are one row of one style, at least 44 x 44 px; checkboxes and radios too`, { timeout: T }, async () => {
			const c = await open(lang, width, 'mia');
			const { page } = c;
			const small = [], styles = [];
			for (const path of ['/home', '/@mia', seed.thread, '/bookmarks', '/settings', `/statuses/${seed.ids.question}/report`, '/notifications']) {
				await goto(page, path);
				const found = await page.evaluate(() => {
					const out = { small: [], styles: new Set(), rows: [] };
					const rect = (el) => el.getBoundingClientRect();
					const name = (el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`;
					for (const row of document.querySelectorAll('.post-actions')) {
						const controls = [...row.querySelectorAll('a, button')];
						out.rows.push(controls.length);
						for (const el of controls) {
							const r = rect(el);
							if (r.width < 44 || r.height < 44) out.small.push(`${name(el)}: ${r.width}x${r.height}`);
							const cs = getComputedStyle(el);
							out.styles.add([cs.fontSize, cs.fontWeight, cs.borderTopWidth, cs.borderTopStyle,
								cs.borderTopColor, cs.borderRadius, cs.backgroundColor, cs.color].join(' '));
						}
					}
					for (const el of document.querySelectorAll('.site-nav a, .site-nav summary')) {
						const r = rect(el);
						if (r.width > 0 && (r.width < 44 || r.height < 44)) out.small.push(`menu ${name(el)}: ${r.width}x${r.height}`);
					}
					// the site's name, every summary (content warnings, the compose form's
					// options), select, the page's contents and the footer's links
					for (const el of document.querySelectorAll('.site-name, summary, select, .toc a, .site-footer a, .back-link')) {
						const r = rect(el);
						if (r.width > 0 && (r.width < 44 || r.height < 44)) out.small.push(`${name(el)}: ${r.width}x${r.height}`);
					}
					for (const input of document.querySelectorAll('input[type="checkbox"], input[type="radio"]')) {
						const r = rect(input);
						const label = document.querySelector(`label[for="${input.id}"]`);
						const l = label ? rect(label) : r;
						const w = Math.max(r.right, l.right) - Math.min(r.left, l.left);
						const h = Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top);
						if (r.width < 24 || r.height < 24 || w < 44 || h < 44)
							out.small.push(`${input.type} #${input.id}: box ${r.width}x${r.height}, with its label ${w}x${h}`);
						// the label starts beside its box, never on the line below it
						if (label && (l.left < r.right || l.top >= r.bottom))
							out.small.push(`${input.type} #${input.id}: its label is below the box (box ${r.left},${r.top}; label ${l.left},${l.top})`);
					}
					return { small: out.small, styles: [...out.styles], rows: out.rows };
				});
				if (path === '/home' || path === '/@mia')
					assert.ok(found.rows.length > 0 && found.rows.every((n) => n >= 4), `${path}: controls per post ${found.rows}`);
				small.push(...found.small.map((s) => `${path}: ${s}`));
				styles.push(...found.styles);
			}
			assert.deepEqual(small, [], 'targets smaller than 44 x 44 px, or labels apart from their box');
			assert.equal(new Set(styles).size, 1, `the post controls differ in style: ${[...new Set(styles)].join(' | ')}`);
			await close(c);
		});

		test(`${lang}, ${width} px: every control and every post is named by its post's author and time`, { timeout: T }, async () => {
			const c = await open(lang, width, 'mia');
			const { page, tr } = c;
			await goto(page, '/home');
			const posts = await page.evaluate(() => [...document.querySelectorAll('article.status')].map((a) => ({
				id: a.id,
				author: a.querySelector('.byline strong').textContent.trim(),
				handle: a.querySelector('.byline .handle').textContent.trim(),
				time: a.querySelector('.meta time').textContent.trim(),
				own: !!a.querySelector('a[href$="/edit"]'),
			})));
			assert.ok(posts.length >= 4, `${posts.length} posts on /home`);
			const suffix = (p) => tr('(post by {author.name}, {created_at})')
				.replace('{author.name}', p.author).replace('{created_at}', p.time);
			for (const p of posts) {
				const article = page.locator(`#${p.id}`);
				// the article's name (aria-labelledby): byline and time
				const named = page.getByRole('article', { name: `${p.author} ${p.handle} ${p.time}`, exact: true });
				assert.ok(await named.count() >= 1, `${p.id}: no article named "${p.author} ${p.handle} ${p.time}"`);
				for (const [role, labels] of [['link', ['Reply']], ['button', ['Like', 'Unlike']],
					['button', ['Bookmark', 'Remove bookmark']]]) {
					let n = 0;
					for (const label of labels)
						n += await article.getByRole(role, { name: `${tr(label)} ${suffix(p)}`, exact: true }).count();
					assert.equal(n, 1, `${p.id}: no ${role} named "${tr(labels[0])} ${suffix(p)}" (or its undo)`);
				}
				const last = p.own ? 'Delete' : 'Report';
				assert.equal(await article.getByRole('link', { name: `${tr(last)} ${suffix(p)}`, exact: true }).count(), 1,
					`${p.id}: no link named "${tr(last)} ${suffix(p)}"`);
			}
			// no two Like buttons share a name unless they act on the same post
			const likes = await page.getByRole('button', { name: new RegExp(`^${tr('Like')} `) }).allInnerTexts();
			assert.ok(likes.length >= 4);
			await close(c);
		});

		test(`${lang}, ${width} px: Like returns to the post (back#s-ID), on an older page too`, { timeout: T }, async () => {
			const c = await open(lang, width, 'lee');
			const { page } = c;
			await goto(page, '/home');
			const ids = await page.evaluate(() => [...document.querySelectorAll('article.status')].map((a) => a.id));
			const target = ids[ids.length - 1];
			const article = page.locator(`#${target}`);
			await article.scrollIntoViewIfNeeded();
			const like = article.locator('button[formaction$="/favourite"], button[formaction$="/unfavourite"]').first();
			await Promise.all([page.waitForNavigation(), like.click()]);
			const url = new URL(page.url());
			assert.equal(url.pathname, '/home');
			assert.equal(url.hash, `#${target}`);
			const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, target);
			assert.ok(top >= -1 && top < 640, `the post is at ${top} px, off the screen`);
			if (ids.length > 3) assert.ok(await page.evaluate(() => window.scrollY) > 0, 'the page did not scroll to the post');
			// an older page keeps its place: /home?max_id=
			const older = `/home?max_id=${seed.ids.reminder}`;
			await goto(page, older);
			const first = await page.evaluate(() => document.querySelector('article.status').id);
			const btn = page.locator(`#${first} button[formaction*="/statuses/"]`).first();
			await Promise.all([page.waitForNavigation(), btn.click()]);
			const u = new URL(page.url());
			assert.equal(u.pathname + `?max_id=${u.searchParams.get('max_id')}`, older);
			assert.equal(u.hash, `#${first}`);
			await close(c);
		});

		test(`${lang}, ${width} px: a notification's time follows its text on the same line`, { timeout: T }, async () => {
			const c = await open(lang, width, 'mia');
			const { page, tr } = c;
			await goto(page, '/notifications');
			const found = await page.evaluate(() => [...document.querySelectorAll('article.notification > p:first-child')].map((p) => {
				const time = p.querySelector('time');
				const range = document.createRange();
				range.selectNodeContents(p);
				const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size;
				return { text: p.textContent.replace(/\s+/g, ' ').trim(), lines, display: getComputedStyle(time.parentElement).display };
			}));
			const follows = found.filter((n) => n.text.includes(tr('followed you')));
			assert.ok(follows.length >= 2, `follow notifications: ${JSON.stringify(found)}`);
			// never a line of its own; on a wide screen a short notification is one line
			for (const n of found) assert.equal(n.display, 'inline', `"${n.text}": the time is ${n.display}`);
			if (width >= 1280) for (const n of follows) assert.equal(n.lines, 1, `"${n.text}" takes ${n.lines} lines`);
			await shot(page, `${lang}-${width}-notifications`);
			await close(c);
		});

		test(`${lang}, ${width} px: the /about numbers table breaks between words, and error pages have no post border`, { timeout: T }, async () => {
			const c = await open(lang, width, null);
			const { page } = c;
			await goto(page, '/about');
			assert.equal(await page.locator('table.transparency').count(), 1, 'no numbers table (no moderation yet?)');
			const broken = await page.evaluate(() => {
				const out = [];
				for (const th of document.querySelectorAll('table.transparency th')) {
					const text = th.textContent.trim();
					const words = text.split(/\s+/).length;
					const range = document.createRange();
					range.selectNodeContents(th);
					const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
					const cjk = /[\u4e00-\u9fff]/.test(text);
					const limit = cjk ? Math.ceil(text.length / 2) : words; // Chinese breaks between characters
					if (lines > Math.max(limit, 1) || th.scrollWidth > th.clientWidth + 1)
						out.push(`"${text}": ${lines} lines`);
				}
				return out;
			});
			assert.deepEqual(broken, [], 'table headings broken into pieces');
			const wide = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(wide <= width, `/about is ${wide} px wide`);
			await shot(page, `${lang}-${width}-about`);
			await goto(page, '/no-such-page', 404);
			c.watcher.take(); // the browser reports the 404 of the page itself
			const border = await page.evaluate(() => {
				const out = [];
				for (const el of document.querySelectorAll('main *')) {
					const cs = getComputedStyle(el);
					if (cs.borderTopStyle !== 'none' && parseFloat(cs.borderTopWidth) > 0) out.push(el.outerHTML.slice(0, 80));
				}
				return out;
			});
			assert.deepEqual(border, [], 'bordered elements on the error page');
			await close(c);
		});
	}
}

// The safety guide (walk2): every link of its contents is a 44 px target on a phone, the page
// never scrolls sideways, and printed it keeps the guide but none of the site's menus, nor
// its contents list (links to its own sections, of no use on paper).
for (const lang of LANGS) {
	for (const width of WIDTHS) {
		test(`${lang}, ${width} px: the safety guide's contents are 44 px targets; printed, no menus and no contents list`, { timeout: T }, async () => {
			const c = await open(lang, width, null, { javaScriptEnabled: false });
			const { page, tr } = c;
			await goto(page, '/safety');
			assert.equal(await page.locator('h1').innerText(), tr('Staying safe here'));
			const links = await page.evaluate(() => [...document.querySelectorAll('.guide nav a')].map((a) => {
				const r = a.getBoundingClientRect();
				return { text: a.textContent, width: r.width, height: r.height };
			}));
			assert.ok(links.length >= 8, `${links.length} links in the guide's contents`);
			for (const l of links)
				assert.ok(l.height >= 44 && l.width >= 44, `"${l.text}" is ${l.width} x ${l.height} px`);
			const wide = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(wide <= width, `the guide is ${wide} px wide`);
			await shot(page, `${lang}-${width}-safety`);
			await page.emulateMedia({ media: 'print' });
			const shown = await page.evaluate(() => [...document.querySelectorAll(
				'.site-header, .site-footer, .quick-exit, .site-nav, .guide-toc')].filter((e) => e.getClientRects().length > 0)
				.map((e) => e.className));
			assert.deepEqual(shown, [], 'the printed guide shows the site\'s menus or its contents list');
			assert.ok(await page.locator('.guide h1').isVisible(), 'the printed guide has no title');
			await page.pdf({ path: outputPath('phone', `${lang}-${width}-safety.pdf`) });
			await close(c);
		});
	}
}

// A post refused (too long) after images were chosen (walk2): no browser sends a file input
// back filled, so the page says to choose them again, with the images part open and each
// description and the expiry as typed; chosen again, the post goes out with its image and alt.
for (const lang of LANGS) {
	test(`${lang}, 320 px: a refused post keeps the images' descriptions and says to choose the files again`, { timeout: T }, async () => {
		const c = await open(lang, 320, 'mia', { javaScriptEnabled: false });
		const { page, tr } = c;
		const photo = path.join(SRCDIR, 'tests', 'fixtures', 'images', 'photo.jpg');
		const alt = `A red umbrella on a wet step (${lang})`;
		await goto(page, '/statuses/new');
		await page.fill('#text', 'x'.repeat(5001));
		await page.selectOption('#expires_in', '1d');
		await page.locator('details.compose-images summary').click();
		await page.locator('#image1').setInputFiles(photo);
		await page.fill('#alt1', alt);
		const refused = await submit(page, page.locator('form#reply button[type="submit"]'));
		assert.equal(refused.status(), 422);
		assert.ok(c.watcher.take().every((p) => p.includes('status of 422')), 'problems besides the 422');
		assert.equal(await page.locator('.error[role="alert"]').first().innerText(),
			tr('Your post is longer than this community allows. Please shorten it.'));
		assert.equal(await page.locator('details.compose-images').evaluate((d) => d.open), true,
			'the images part is folded after the error');
		assert.equal(await page.locator('#images-again').innerText(),
			tr('Your images were not kept: choose them again. Their descriptions are still here.'));
		assert.equal(await page.inputValue('#alt1'), alt, 'the description was lost');
		assert.equal(await page.inputValue('#expires_in'), '1d', 'the expiry was lost');
		await shot(page, `${lang}-320-compose-images-again`);
		await page.fill('#text', `walk2 ${lang}`);
		await page.locator('#image1').setInputFiles(photo);
		await submit(page, page.locator('form#reply button[type="submit"]'));
		assert.equal(new URL(page.url()).pathname, '/home');
		assert.equal(await page.locator(`article.status:has-text("walk2 ${lang}") img[alt="${alt}"]`).count(), 1,
			'the post has no image with its description');
		await close(c);
	});
}

// A refused auto-delete age (walk2): the page comes back at the top of a long Settings page,
// so the number it refused gets the focus, which brings it and its error into sight.
for (const lang of LANGS) {
	test(`${lang}, 320 px: a refused auto-delete age is in sight and focused, as typed`, { timeout: T }, async () => {
		const c = await open(lang, 320, 'lee', { javaScriptEnabled: false });
		const { page, tr } = c;
		await goto(page, '/settings');
		await page.fill('#auto_delete_amount', '1001');
		await page.selectOption('#auto_delete_unit', 'months');
		const refused = await submit(page, page.locator('form[action="/settings/expiry"] button[type="submit"]'));
		assert.equal(refused.status(), 422);
		assert.ok(c.watcher.take().every((p) => p.includes('status of 422')), 'problems besides the 422');
		assert.equal(await page.locator('#expiry-error').innerText(),
			tr('Write a whole number from 1 to 1000, or leave it empty.'));
		assert.equal(await page.evaluate(() => document.activeElement.id), 'auto_delete_amount');
		const seen = await page.evaluate(() => {
			const r = document.getElementById('expiry-error').getBoundingClientRect();
			return r.top >= 0 && r.bottom <= window.innerHeight;
		});
		assert.ok(seen, 'the error is not on the screen');
		assert.equal(await page.inputValue('#auto_delete_amount'), '1001');
		assert.equal(await page.inputValue('#auto_delete_unit'), 'months');
		await shot(page, `${lang}-320-auto-delete-refused`);
		await close(c);
	});
}

// A refused quick exit address (walk2): the field shows what the admin typed, to correct it,
// while the page's own quick exit still leaves for the stored address.
for (const lang of LANGS) {
	test(`${lang}, 320 px: a refused quick exit address stays in its field; the page's quick exit does not follow it`, { timeout: T }, async () => {
		const c = await open(lang, 320, 'ada', { javaScriptEnabled: false });
		const { page, tr } = c;
		await goto(page, '/admin/settings');
		const stored = await page.getAttribute('.quick-exit', 'href');
		assert.equal(await page.inputValue('#quick_exit_url'), stored);
		const typed = 'ftp://weather.example/today';
		await page.fill('#quick_exit_url', typed);
		const refused = await submit(page, page.locator('form[action="/admin/settings"] button[type="submit"]'));
		assert.equal(refused.status(), 422);
		assert.ok(c.watcher.take().every((p) => p.includes('status of 422')), 'problems besides the 422');
		assert.equal(await page.locator('.error[role="alert"]').first().innerText(),
			tr('The quick exit needs a web address starting with https:// or http://.'));
		assert.equal(await page.inputValue('#quick_exit_url'), typed, 'the typed address was lost');
		assert.equal(await page.getAttribute('.quick-exit', 'href'), stored);
		// the error stands beside the field (not at the top of a page some 3,500 px long),
		// which has the focus, so both are on the screen
		assert.equal(await page.evaluate(() => document.activeElement.id), 'quick_exit_url');
		assert.equal(await page.getAttribute('#quick_exit_url', 'aria-invalid'), 'true');
		const placed = await page.evaluate(() => {
			const e = document.getElementById('quick_exit_url-error').getBoundingClientRect();
			const f = document.getElementById('quick_exit_url').getBoundingClientRect();
			return { error: [e.top, e.bottom], field: [f.top, f.bottom], screen: window.innerHeight,
				gap: f.top - e.bottom };
		});
		assert.ok(placed.error[0] >= 0 && placed.field[1] <= placed.screen,
			`the error and its field are not both on the screen: ${JSON.stringify(placed)}`);
		assert.ok(placed.gap >= 0 && placed.gap < 60, `the error is not beside its field: ${JSON.stringify(placed)}`);
		await shot(page, `${lang}-320-admin-settings-refused`);
		await close(c);
	});
}

// The last button before an account is deleted for good (walk2) looks like no other: the
// error colours instead of the main button's, as readable (at least 4.5:1), whole on a
// 320 px screen in both languages.
for (const lang of LANGS) {
	test(`${lang}, 320 px: "Delete my account for good" is a danger button, readable and whole`, { timeout: T }, async () => {
		const c = await open(lang, 320, 'lee', { javaScriptEnabled: false });
		const { page, tr } = c;
		await goto(page, '/settings/delete');
		const button = page.locator('form[action="/settings/delete"] button[type="submit"]');
		assert.equal(await button.innerText(), tr('Delete my account for good'));
		const look = await page.evaluate(() => {
			const style = (el) => { const s = getComputedStyle(el); return { bg: s.backgroundColor, fg: s.color }; };
			const danger = document.querySelector('form[action="/settings/delete"] button[type="submit"]');
			const plain = document.createElement('button');
			plain.textContent = 'x';
			document.body.append(plain);
			const r = danger.getBoundingClientRect();
			const out = { danger: style(danger), plain: style(plain), left: r.left, right: r.right,
				height: r.height, wide: document.documentElement.scrollWidth };
			plain.remove();
			return out;
		});
		assert.notEqual(look.danger.bg, look.plain.bg, 'the button looks like every main button');
		const rgb = (s) => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
		const lum = (c) => {
			const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const [hi, lo] = [lum(look.danger.bg), lum(look.danger.fg)].sort((a, b) => b - a);
		const ratio = (hi + 0.05) / (lo + 0.05);
		assert.ok(ratio >= 4.5, `the button's text has a contrast of ${ratio.toFixed(2)}:1`);
		assert.ok(look.left >= 0 && look.right <= 320 && look.height >= 44,
			`the button runs from ${look.left} to ${look.right} px, ${look.height} px high`);
		assert.ok(look.wide <= 320, `the page is ${look.wide} px wide`);
		await shot(page, `${lang}-320-delete-account`);
		await close(c);
	});
}

test('the server exits 0 on SIGTERM and its log has no sanitizer report', { timeout: 60000 }, async () => {
	for (const c of contexts.splice(0)) await c.context.close().catch(() => {});
	const code = await inst.stopServer();
	assert.equal(code, 0, `exit ${code}:\n${inst.logTail()}`);
	const bad = inst.log().split('\n').filter((l) => SANITIZER_RE.test(l));
	assert.deepEqual(bad, [], 'sanitizer reports in the server log');
});
