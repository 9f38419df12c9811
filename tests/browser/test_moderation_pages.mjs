// test_moderation_pages.mjs - the moderation pages of issue 11 in a real browser with
// JavaScript off, at 320 px and 1280 px, in English and Simplified Chinese: a queue item
// holding two reports, the take-over of an item another moderator claimed, the confirmation
// step of deleting a rule, and the rules' and description's versions per language (the
// languages named in the reader's), labels ending in the language's own colon. Every
// page must fit the screen (no horizontal scroll), load nothing from another host and log no
// console error. Screenshots go to $PARASOL_TEST_OUTPUT/browser/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Instance, launchBrowser, openContext, outputPath, signInAs, submit, translator } from './lib.mjs';

const T = 120000; // ms a test may take
const PASSWORD = 'a long enough password';
const inst = new Instance('browser_moderation');
let browser;
const contexts = [];

before(async () => {
	await inst.start();
	browser = await launchBrowser();
	inst.cli(['admin', 'create-account', 'boss', '--role', 'admin'], `${PASSWORD}\n`);
	for (const name of ['ruth', 'ugo', 'ida'])
		inst.cli(['admin', 'create-account', name], `${PASSWORD}\n`);
	inst.cli(['admin', 'create-account', 'kay', '--role', 'moderator'], `${PASSWORD}\n`);
	inst.psql("INSERT INTO review_rules (kind, pattern, scope, note) VALUES ('phrase', 'home address', 'both', 'Doxxing')");
});

after(async () => {
	for (const c of contexts) await c.context.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	inst.cleanup();
});

// A signed-in browser context without JavaScript.
async function signedIn(name, lang, width) {
	const c = await openContext(browser, inst.base,
		{ lang, width, height: 800, javaScriptEnabled: false, timeout: 10000 });
	contexts.push(c);
	await signInAs(c.page, name, PASSWORD);
	return c;
}

let shot = 0;
// Checks that the page fits c's width and takes a screenshot.
async function fits(c, name) {
	shot++;
	const file = outputPath('browser', `mod-${String(shot).padStart(2, '0')}-${c.lang}-${c.width}-${name}.png`);
	await c.page.screenshot({ path: file, fullPage: true });
	const w = await c.page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(w <= c.width, `${c.page.url()} is ${w} px wide at ${c.width} px`);
}

function clean(...cs) {
	assert.deepEqual(cs.flatMap((c) => c.watcher.take()), [], 'the pages had problems');
}

// A post by ida that ruth and ugo both report; its queue item's id.
function reportedPost(text) {
	inst.psql("INSERT INTO rules (position, title) SELECT 1, 'Be kind' WHERE NOT EXISTS (SELECT 1 FROM rules)");
	const ida = inst.scalar("SELECT id FROM accounts WHERE username = 'ida'");
	const sid = inst.scalar(`INSERT INTO statuses (account_id, content, text, visibility) VALUES (${ida}, '<p>${text}</p>', '${text}', 'public') RETURNING id`);
	for (const [who, comment] of [['ruth', 'ruth saw it'], ['ugo', 'ugo saw it']]) {
		const id = inst.scalar(`SELECT id FROM accounts WHERE username = '${who}'`);
		inst.psql(`INSERT INTO reports (reporter_id, target_account_id, status_id, comment) VALUES (${id}, ${ida}, ${sid}, '${comment}')`);
	}
	return inst.scalar(`SELECT min(id) FROM reports WHERE status_id = ${sid}`);
}

for (const lang of ['en', 'zh-CN']) {
	for (const width of [320, 1280]) {
		test(`${lang}, ${width} px, no JavaScript: a grouped item, a take-over, a confirmed delete, a rule in another language`, { timeout: T }, async () => {
			const t = translator(lang);
			const boss = await signedIn('boss', lang, width);
			const kay = await signedIn('kay', lang, width);
			const item = reportedPost(`post for ${lang} ${width}`);
			// kay claims it; boss sees one item with both reports and no action form
			let res = await kay.page.goto(`/admin/queue/${item}`, { waitUntil: 'load' });
			assert.equal(res.status(), 200);
			await submit(kay.page, kay.page.locator(`form[action="/admin/queue/${item}/claim"] button`));
			res = await boss.page.goto(`/admin/queue/${item}`, { waitUntil: 'load' });
			assert.equal(res.status(), 200);
			assert.equal(await boss.page.locator('li.item-report').count(), 2, 'both reports on the item');
			assert.equal(await boss.page.locator('form.mod-action-form').count(), 0, 'an action form on a claimed item');
			// the report's labels end in the language's own colon (a Chinese page has no "规则:")
			const labels = await boss.page.locator('li.item-report p').allInnerTexts();
			for (const msgid of ['Rules cited:', 'Comment:'])
				assert.ok(labels.includes(t(msgid)), `no label "${t(msgid)}" in ${JSON.stringify(labels)}`);
			if (lang !== 'en') {
				const main = await boss.page.locator('main').innerText();
				assert.deepEqual(main.match(/[\u3400-\u9fff]:/g) || [], [], 'a Latin colon after Chinese text');
			}
			await fits(boss, 'grouped-item');
			// the take-over page, then the take-over
			const link = boss.page.locator(`a[href="/admin/queue/${item}/take-over"]`);
			assert.equal((await link.textContent()).trim(), t('Take it over from {claimed_by}').replace('{claimed_by}', 'kay'));
			await Promise.all([boss.page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
			assert.equal((await boss.page.locator('h1').textContent()).trim(), t('Another moderator is working on this item'));
			await fits(boss, 'take-over');
			res = await submit(boss.page, boss.page.locator('main form button[type="submit"]'));
			assert.equal(res.status(), 200);
			assert.equal(inst.scalar(`SELECT a.username FROM reports r JOIN accounts a ON a.id = r.claimed_by WHERE r.id = ${item}`), 'boss');
			assert.equal(await boss.page.locator('form.mod-action-form').count(), 1, 'the new holder has the form');
			assert.equal(await boss.page.locator('ul.takeovers li').count(), 1, 'the take-over is shown');
			await fits(boss, 'taken-over');
			// deleting a rule asks first
			inst.psql("INSERT INTO rules (position, title) SELECT max(position) + 1, 'Temporary' FROM rules");
			const rule = inst.scalar("SELECT id FROM rules WHERE title = 'Temporary'");
			await boss.page.goto('/admin/rules', { waitUntil: 'load' });
			await submit(boss.page, boss.page.locator(`form[action="/admin/rules/${rule}/delete"] button`));
			assert.equal(inst.scalar(`SELECT count(*) FROM rules WHERE id = ${rule}`), '1', 'deleted before confirming');
			await fits(boss, 'confirm-delete');
			await submit(boss.page, boss.page.locator(`main form[action="/admin/rules/${rule}/delete"] button`));
			assert.equal(inst.scalar(`SELECT count(*) FROM rules WHERE id = ${rule}`), '0', 'not deleted after confirming');
			// the review rules' list: what each looks for, after the language's own colon
			await boss.page.goto('/moderation/review-rules', { waitUntil: 'load' });
			const looks = (await boss.page.locator('main dd').first().innerText()).trim();
			assert.equal(looks, `${t('Phrase:')} home address`);
			if (lang !== 'en') {
				const main = await boss.page.locator('main').innerText();
				assert.deepEqual(main.match(/[\u3400-\u9fff]:/g) || [], [], 'a Latin colon after Chinese text');
			}
			// the rules in the language other than the node's default (English)
			const other = 'zh-CN';
			await boss.page.goto(`/admin/translations?lang=${other}`, { waitUntil: 'load' });
			// the languages are named in the reader's language in the page's sentences
			const intro = t('Members and visitors who read this site in {language} see these versions. Where one is empty they see the default version, in {default_language}.')
				.replace('{language}', t('Simplified Chinese')).replace('{default_language}', t('English'));
			assert.equal(await boss.page.getByText(intro, { exact: true }).count(), 1, `no paragraph "${intro}"`);
			assert.equal((await boss.page.locator('main h2').first().textContent()).trim(),
				t('The rules in {language}').replace('{language}', t('Simplified Chinese')));
			const first = inst.scalar('SELECT id FROM rules ORDER BY position LIMIT 1');
			const title = `${other} title ${width}`;
			await boss.page.fill(`#title_${first}`, title);
			await fits(boss, 'translations');
			await submit(boss.page, boss.page.locator('form[action="/admin/translations/rules"] button'));
			assert.equal(inst.scalar(`SELECT title FROM rule_translations WHERE rule_id = ${first} AND lang = '${other}'`), title);
			clean(boss, kay);
			for (const c of [boss, kay]) await c.context.close();
		});
	}
}
