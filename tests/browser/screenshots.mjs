// screenshots.mjs - PNGs of the main pages at 320 x 640 px (a small phone's first screen), in
// English and one in Simplified Chinese, for docs/screenshots/. A fresh database and
// `parasol serve` (lib.mjs's Instance) with the community of seed.mjs; Debian's Chromium
// takes the pictures. Run by scripts/screenshots, which sets the environment:
//   node tests/browser/screenshots.mjs OUTPUT_DIR

import fs from 'node:fs';
import path from 'node:path';

import { Instance, launchBrowser, openContext, signInAs } from './lib.mjs';
import { PASSWORD, seedCommunity } from './seed.mjs';

const out = path.resolve(process.argv[2] || 'docs/screenshots');
fs.mkdirSync(out, { recursive: true });

// [file name, lang, user (null: a visitor), path, what to do before the picture]
function shots(seed) {
	const open = (sel) => async (page) => { await page.locator(sel).first().click(); };
	return [
		['visitor-home', 'en', null, '/', null],
		['visitor-about', 'en', null, '/about', null],
		['visitor-sign-in', 'en', null, '/login', null],
		['member-home', 'en', 'mia', '/home', null],
		['member-menu', 'en', 'mia', '/home', open('details.menu > summary')],
		['member-compose', 'en', 'mia', '/home', open('details.compose-fold > summary')],
		['member-thread', 'en', 'lee', seed.thread, null],
		['member-notifications', 'en', 'mia', '/notifications', null],
		['member-moderation-mine', 'en', 'mia', '/moderation/mine', null],
		['member-settings', 'en', 'mia', '/settings', null],
		['moderator-queue', 'en', 'mo', '/admin/queue', null],
		['moderator-report', 'en', 'mo', `/admin/queue/${seed.ids.item}`, null],
		['admin-settings', 'en', 'ada', '/admin/settings', null],
		['member-home-zh-CN', 'zh-CN', 'mia', '/home', null],
	];
}

const inst = new Instance('screenshots');
let browser;
try {
	await inst.start();
	const seed = await seedCommunity(inst);
	browser = await launchBrowser();
	const contexts = new Map();
	for (const [name, lang, user, where, before] of shots(seed)) {
		const key = `${lang} ${user}`;
		if (!contexts.has(key)) {
			const { page } = await openContext(browser, inst.base,
				{ lang, width: 320, height: 640, colorScheme: 'light' });
			if (user) await signInAs(page, user, PASSWORD);
			contexts.set(key, page);
		}
		const page = contexts.get(key);
		const res = await page.goto(where, { waitUntil: 'load' });
		if (res.status() !== 200) throw new Error(`${where} answered ${res.status()}`);
		if (before) await before(page);
		const file = path.join(out, `${name}.png`);
		await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
		console.log(`${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)`);
	}
} finally {
	if (browser) await browser.close().catch(() => {});
	if (inst.alive()) await inst.stopServer().catch(() => {});
	inst.cleanup();
}
