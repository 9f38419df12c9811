// test_a11y.mjs - axe-core (npm axe-core, injected into Debian's Chromium) on every page, for
// a visitor and for a member, a moderator and an admin, in English and Simplified Chinese, at
// 320 px and 1280 px wide. Any violation fails the test, named by page, rule and element.
//
// Before axe runs, every <details> on the page is opened (the member's menu, the admin
// sections, the folded compose box, content warnings), so that what they hide is checked too.
// The community on the server comes from seed.mjs: each page has real content on it.
//
// Run by tests/browser/run (the TAP log compiler of `make check`).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Instance, axeViolations, launchBrowser, openContext, SANITIZER_RE, signInAs } from './lib.mjs';
import { PASSWORD, seedCommunity } from './seed.mjs';

const T = 600000; // ms a test may take: one role and language, every page at both widths
const inst = new Instance('a11y');
let browser, seed, consent;

// An app mia signed in to (so that Settings lists it), and the consent page another app's
// request opens (web/oauth.c).
async function authoriseApp() {
	const app = await (await fetch(`${inst.base}/api/v1/apps`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ client_name: 'Phone app', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' }),
	})).json();
	const token = await fetch(`${inst.base}/oauth/token`, {
		method: 'POST',
		body: new URLSearchParams({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret,
			username: 'mia', password: PASSWORD, scope: 'read write' }),
	});
	assert.equal(token.status, 200, 'mia signs in to the app');
	return `/oauth/authorize?response_type=code&client_id=${app.client_id}` +
		'&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scope=read+write+follow';
}

before(async () => {
	await inst.start();
	seed = await seedCommunity(inst);
	consent = await authoriseApp();
	browser = await launchBrowser();
});

after(async () => {
	if (browser) await browser.close().catch(() => {});
	inst.cleanup();
});

// The pages each role reads, with the status each answers (403 and 404 pages are pages too).
function pages(role) {
	const { ids, thread, invite } = seed;
	const visitor = [
		['/', 200], ['/about', 200], ['/login', 200], ['/recover', 200], [invite, 200],
		['/@mia', 200], [thread, 200], ['/tags/meetup', 200], ['/no-such-page', 404],
	];
	const member = [
		['/home', 200], ['/local', 200], ['/notifications', 200], ['/search', 200],
		['/search?q=lee', 200], ['/bookmarks', 200], ['/@mia', 200], ['/@lee', 200],
		['/@mia/followers', 200], ['/@mia/following', 200], [thread, 200],
		['/tags/meetup', 200], ['/settings', 200], ['/settings/delete', 200], ['/settings/export', 200], ['/follow_requests', 200],
		['/tags/meetup', 200], ['/settings', 200], ['/settings/delete', 200], ['/settings/aliases', 200],
		['/settings/move', 200], ['/settings/import', 200], ['/follow_requests', 200],
		['/blocks', 200],
		['/mutes', 200], ['/statuses/new', 200], [`/statuses/new?in_reply_to_id=${ids.question}`, 200],
		[`/statuses/${ids.flyer}/edit`, 200], [`/statuses/${ids.flyer}/delete`, 200],
		[`/statuses/${ids.flyer}/history`, 200], [`/statuses/${ids.question}/report`, 200],
		['/@lee/report', 200], ['/moderation/log', 200], ['/moderation/mine', 200],
		['/moderation/review-rules', 200], ['/about', 200], ['/admin/settings', 403],
		['/no-such-page', 404], [consent, 200],
	];
	const moderator = [
		['/home', 200], ['/admin/queue', 200], ['/admin/queue?state=closed', 200],
		[`/admin/queue/${ids.item}`, 200], [`/admin/accounts/${ids.memberAccount}`, 200],
		['/admin/appeals', 200], ['/admin/rules', 200], ['/admin/review-rules', 200],
		['/admin/applications', 200], ['/moderation/log', 200],
	];
	const admin = [
		['/home', 200], ['/admin/settings', 200], ['/admin/invites', 200], ['/admin/peers', 200],
		['/admin/roles', 200], ['/admin/queue', 200], [`/admin/queue/${ids.item}`, 200],
		['/admin/appeals', 200], ['/admin/rules', 200],
	];
	return { visitor, member, moderator, admin }[role];
}

const users = { member: 'mia', moderator: 'mo', admin: 'ada' };

// The watcher's problems, but for the browser's report of the status of a page that is meant
// to answer 403 or 404.
function unexpected(problems, expected) {
	return problems.filter((p) => !expected.some(([path, want]) =>
		p.includes(`${path}: Failed to load resource: the server responded with a status of ${want} `)));
}

// Each page is loaded once and checked at both widths (the viewport changes in between).
for (const role of ['visitor', 'member', 'moderator', 'admin']) {
	for (const lang of ['en', 'zh-CN']) {
		test(`axe: ${role}, ${lang}, 320 and 1280 px: no violations on any page`, { timeout: T }, async () => {
			const { context, page, watcher } = await openContext(browser, inst.base,
				{ lang, width: 320, height: 800, timeout: 20000 });
			try {
				if (role !== 'visitor') {
					await signInAs(page, users[role], PASSWORD);
					assert.equal(new URL(page.url()).pathname, '/home', `${users[role]} did not sign in`);
				}
				const found = [];
				let checked = 0;
				for (const [path, want] of pages(role)) {
					await page.setViewportSize({ width: 320, height: 800 });
					const res = await page.goto(path, { waitUntil: 'load' });
					if (res.status() !== want) {
						found.push(`${path}: answered ${res.status()}, want ${want}`);
						continue;
					}
					for (const width of [320, 1280]) {
						await page.setViewportSize({ width, height: 800 });
						for (const v of await axeViolations(page)) found.push(`${path} at ${width} px: ${v}`);
						checked++;
					}
				}
				assert.deepEqual(found, [], `axe found problems (${role}, ${lang})`);
				assert.equal(checked, 2 * pages(role).length);
				const problems = unexpected(watcher.take(), pages(role).filter(([, want]) => want >= 400));
				assert.deepEqual(problems, [], 'the pages had problems');
			} finally {
				await context.close().catch(() => {});
			}
		});
	}
}

test('the server exits 0 on SIGTERM and its log has no sanitizer report', { timeout: 60000 }, async () => {
	const code = await inst.stopServer();
	assert.equal(code, 0, `exit ${code}:\n${inst.logTail()}`);
	const bad = inst.log().split('\n').filter((l) => SANITIZER_RE.test(l));
	assert.deepEqual(bad, [], 'sanitizer reports in the server log');
});
