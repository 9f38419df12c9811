// test_fedify_shapes.mjs - what a Fedify server (npm @fedify/fedify) writes as single values
// reaches the right members of parasol, and only them. Fedify's compact JSON-LD puts one
// recipient as `"to": "<URI>"` and one tag as `"tag": {...}`, never in arrays.
//
// One parasol instance with alice (who follows fedi) and bob (who does not); a Fedify server
// with fedi, and evil, whose preferredUsername is "../evil?x=1#y".
// Flows: fedi's followers-only post is seen by alice and nobody else; fedi's direct message to
// alice reaches her with a notification and nobody else; fedi's public post has a page on
// parasol (200) with a Reply link and a reply form prefilled with @fedi@<domain>; evil's post
// is refused and nothing of evil is stored.
//
// Environment: as tests/browser/lib.mjs (PARASOL_BIN, PARASOL_TEST_PG*, PARASOL_TEST_OUTPUT).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Cluster, SANITIZER_RE, outputPath } from '../browser/lib.mjs';
import {
	FedifyPeer, FetchRecorder, PeerInstance, WebClient, loadFedify, logFedifyTo, mainPart, waitFor,
} from './lib.mjs';

const WAIT = 20000;
let F, parasol, peer, recorder, alice, bob;
const st = {};

function word(what) {
	return `${what}${Date.now() % 100000000}`;
}

function q(s) { return s.replace(/'/g, "''"); }

function count(sql) { return Number(parasol.scalar(sql)); }

function localId(name) {
	return parasol.scalar(`SELECT id FROM accounts WHERE domain IS NULL AND username = '${q(name)}'`);
}

function storedNote(uri) {
	const rows = parasol.psql(`SELECT id, visibility FROM statuses WHERE uri = '${q(uri)}'`);
	return rows.length ? { id: rows[0][0], visibility: rows[0][1] } : null;
}

function logTail(n = 30) {
	return parasol.log().split('\n').filter((l) => !/ GET \/home /.test(l)).slice(-n).join('\n');
}

function unescape(s) {
	return s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function textarea(page) {
	const m = /<textarea id="text" name="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(page);
	return m ? unescape(m[1]) : null;
}

async function visitorGet(path) {
	const r = await fetch(new URL(path, parasol.base), { redirect: 'manual' });
	return { status: r.status, text: await r.text() };
}

const skipReason = !Cluster.available() ? 'no PostgreSQL (PARASOL_TEST_PGHOST)' : null;
const opts = skipReason ? { skip: skipReason } : {};

before(async () => {
	if (skipReason) return;
	F = await loadFedify();
	await logFedifyTo(outputPath('fedify_shapes.log'));
	recorder = new FetchRecorder();
	parasol = new PeerInstance('fedify_shapes');
	await parasol.start();
	parasol.createAccount('alice');
	parasol.createAccount('bob');
	peer = new FedifyPeer(F, { evil: '../evil?x=1#y' });
	await peer.start();
	await parasol.allowPeer(peer.domain);
	recorder.rewriteHttps.add(parasol.domain);
	alice = new WebClient(parasol.base);
	await alice.login('alice');
	bob = new WebClient(parasol.base);
	await bob.login('bob');
	st.aliceUri = `${parasol.base}/users/alice`;
	st.aliceId = localId('alice');
	st.bobId = localId('bob');
});

after(async () => {
	if (skipReason) return;
	recorder?.restore();
	await peer?.stop();
	if (parasol?.alive()) {
		try { await parasol.stopServer(); } catch { /* cleanup() kills it */ }
	}
	parasol?.cleanup();
});

test('alice follows fedi from its profile; Fedify accepts', opts, async () => {
	const acct = `fedi@${peer.domain}`;
	const r = await alice.get(`/search?q=${encodeURIComponent(`@${acct}`)}`);
	assert.equal(r.status, 200, `search: ${r.status}`);
	const m = new RegExp(`<li><a href="([^"]+)">[^<]*</a> <span class="hint">@${acct.replace(/\./g, '\\.')}</span>`)
		.exec(r.text);
	assert.ok(m, `no search result for @${acct}:\n${mainPart(r.text)}`);
	const path = unescape(m[1]);
	const page = await alice.get(path);
	assert.equal(page.status, 200, `fedi's profile ${path}`);
	const form = /<form[^>]*action="([^"]*\/follow)"/.exec(page.text);
	assert.ok(form, `no Follow button on ${path}`);
	const f = await alice.post(unescape(form[1]), { back: path });
	assert.equal(f.status, 303, `follow: ${f.status}`);
	await waitFor(() => peer.followers.has(st.aliceUri), `fedi to keep alice as a follower\n${peer.errors.join('\n')}`, WAIT);
	st.fediId = await waitFor(() => parasol.scalar(`SELECT f.target_account_id FROM follows f JOIN accounts t` +
		` ON t.id = f.target_account_id WHERE f.account_id = ${st.aliceId} AND t.uri = '${q(peer.actorUri)}'`),
	'parasol to record alice -> fedi', WAIT);
});

test("fedi's followers-only post (to: one string) is seen by alice only", opts, async (t) => {
	assert.ok(st.fediId, 'alice does not follow fedi (see the test before)');
	const ctx = peer.context();
	const w = word('fedifollowers');
	const noteUri = new URL(`${peer.actorUri}/posts/${w}`);
	const fedi = ctx.getActorUri('fedi');
	const followers = ctx.getFollowersUri('fedi');
	const note = new F.Note({
		id: noteUri, attribution: fedi, to: followers, url: noteUri,
		content: `<p>Only for my followers ${w}</p>`, published: F.Temporal.Now.instant(),
	});
	peer.notes.set(noteUri.href, note);
	const create = new F.Create({ id: new URL(`${noteUri.href}#create`), actor: fedi, object: note, to: followers });
	const json = await create.toJsonLd({ format: 'compact' });
	t.diagnostic(`Fedify writes the Create's to as ${JSON.stringify(json.to)}, the note's as ${JSON.stringify(json.object?.to)}`);
	assert.equal(typeof json.object.to, 'string', 'Fedify no longer writes one recipient as a string');
	await ctx.sendActivity({ identifier: 'fedi' }, 'followers', create, { preferSharedInbox: true });

	const row = await waitFor(() => storedNote(noteUri.href), `the followers-only note on parasol\n${logTail()}`, WAIT);
	assert.equal(row.visibility, 'private', `stored as ${row.visibility}, not followers-only`);
	await waitFor(async () => (await alice.get('/home')).text.includes(w), `the note on alice's home\n${logTail()}`, WAIT);
	const page = `/@fedi@${peer.domain}/${row.id}`;
	assert.equal((await alice.get(page)).status, 200, `alice opens ${page}`);
	assert.ok(!(await bob.get('/home')).text.includes(w), "the note is on bob's home");
	assert.equal((await bob.get(page)).status, 404, `bob opens ${page}`);
	const v = await visitorGet(page);
	assert.equal(v.status, 404, `a visitor opens ${page}`);
	assert.ok(!v.text.includes(w));
	assert.ok(!(await visitorGet('/local')).text.includes(w), 'the note is on the local timeline');
});

test("fedi's direct message (one Mention tag, as an object) reaches alice only, with a notification", opts, async (t) => {
	const ctx = peer.context();
	const w = word('fedidm');
	const noteUri = new URL(`${peer.actorUri}/posts/${w}`);
	const fedi = ctx.getActorUri('fedi');
	const aliceUrl = new URL(st.aliceUri);
	const note = new F.Note({
		id: noteUri, attribution: fedi, to: aliceUrl, url: noteUri,
		content: `<p><span class="h-card"><a href="${st.aliceUri}" class="u-url mention">@<span>alice</span></a></span> just you ${w}</p>`,
		tags: [new F.Mention({ href: aliceUrl, name: `@alice@${parasol.domain}` })],
		published: F.Temporal.Now.instant(),
	});
	peer.notes.set(noteUri.href, note);
	const create = new F.Create({ id: new URL(`${noteUri.href}#create`), actor: fedi, object: note, to: aliceUrl });
	const json = await create.toJsonLd({ format: 'compact' });
	t.diagnostic(`Fedify writes the note's tag as ${JSON.stringify(json.object?.tag)}`);
	assert.ok(json.object.tag && !Array.isArray(json.object.tag), 'Fedify no longer writes one tag as an object');
	const alicePerson = await ctx.lookupObject(st.aliceUri);
	assert.ok(alicePerson, 'Fedify cannot look alice up');
	await ctx.sendActivity({ identifier: 'fedi' }, alicePerson, create);

	const row = await waitFor(() => storedNote(noteUri.href), `the direct note on parasol\n${logTail()}`, WAIT);
	assert.equal(row.visibility, 'direct');
	await waitFor(() => count(`SELECT count(*) FROM notifications WHERE account_id = ${st.aliceId}` +
		` AND status_id = ${row.id} AND type = 'mention'`) === 1, "alice's notification", WAIT);
	assert.ok((await alice.get('/notifications')).text.includes(w), "the message is not in alice's notifications");
	const page = `/@fedi@${peer.domain}/${row.id}`;
	assert.equal((await alice.get(page)).status, 200, `alice opens ${page}`);
	assert.equal((await bob.get(page)).status, 404, `bob opens ${page}`);
	assert.equal((await visitorGet(page)).status, 404, `a visitor opens ${page}`);
	assert.equal(count(`SELECT count(*) FROM notifications WHERE status_id = ${row.id}`), 1, 'someone else was notified');
	assert.ok(!(await bob.get('/notifications')).text.includes(w));
});

test("fedi's public post has a page with a Reply link and a prefill that keeps the domain", opts, async () => {
	const ctx = peer.context();
	const w = word('fedipublic');
	const noteUri = new URL(`${peer.actorUri}/posts/${w}`);
	const fedi = ctx.getActorUri('fedi');
	const note = new F.Note({
		id: noteUri, attribution: fedi, to: F.PUBLIC_COLLECTION, cc: ctx.getFollowersUri('fedi'),
		url: noteUri, content: `<p>Public from Fedify ${w}</p>`, published: F.Temporal.Now.instant(),
	});
	peer.notes.set(noteUri.href, note);
	await ctx.sendActivity({ identifier: 'fedi' }, 'followers', new F.Create({
		id: new URL(`${noteUri.href}#create`), actor: fedi, object: note,
		to: F.PUBLIC_COLLECTION, cc: ctx.getFollowersUri('fedi'),
	}), { preferSharedInbox: true });
	const row = await waitFor(() => storedNote(noteUri.href), `the public note on parasol\n${logTail()}`, WAIT);
	const page = `/@fedi@${peer.domain}/${row.id}`;
	const r = await alice.get(page);
	assert.equal(r.status, 200, `alice opens ${page}: ${mainPart(r.text)}`);
	assert.ok(r.text.includes(w));
	const reply = /<a class="action" href="([^"]+)">Reply<span class="vh">/.exec(r.text);
	assert.ok(reply, 'no Reply link');
	assert.equal(unescape(reply[1]), `${page}#reply`);
	const target = await alice.get(unescape(reply[1]).replace(/#.*/, ''));
	assert.equal(target.status, 200, 'the Reply link answers');
	assert.equal(textarea(r.text), `@fedi@${peer.domain} `);
	assert.equal((await visitorGet(page)).status, 200, `a visitor opens ${page}`);
});

test('an actor whose preferredUsername is "../evil?x=1#y" is refused; nothing of it is stored', opts, async () => {
	const ctx = peer.context();
	const w = word('evilpost');
	const evil = ctx.getActorUri('evil');
	const noteUri = new URL(`${evil.href}/posts/${w}`);
	const note = new F.Note({
		id: noteUri, attribution: evil, to: F.PUBLIC_COLLECTION, url: noteUri,
		content: `<p>${w}</p>`, tags: [new F.Mention({ href: new URL(st.aliceUri) })],
		published: F.Temporal.Now.instant(),
	});
	const alicePerson = await ctx.lookupObject(st.aliceUri);
	const sentBefore = recorder.entries.length;
	let refused = null;
	try {
		await ctx.sendActivity({ identifier: 'evil' }, alicePerson, new F.Create({
			id: new URL(`${noteUri.href}#create`), actor: evil, object: note, to: F.PUBLIC_COLLECTION,
		}));
	} catch (e) {
		refused = e;
	}
	assert.ok(refused, 'parasol accepted a POST signed by evil');
	const toParasol = recorder.entries.slice(sentBefore)
		.filter((e) => e.method === 'POST' && e.url.startsWith(`${parasol.base}/`));
	assert.ok(toParasol.length > 0, 'Fedify sent parasol nothing');
	for (const e of toParasol) assert.equal(e.status, 401, `POST ${e.url} answered ${e.status}`);
	assert.equal(count(`SELECT count(*) FROM accounts WHERE uri = '${q(evil.href)}'`), 0, 'evil was stored');
	assert.equal(count(`SELECT count(*) FROM accounts WHERE username LIKE '%evil%'`), 0);
	assert.equal(count(`SELECT count(*) FROM statuses WHERE text LIKE '%${w}%'`), 0);
	assert.equal(count("SELECT count(*) FROM jobs WHERE kind = 'inbox'" +
		` AND payload::text LIKE '%${w}%'`), 0, 'the activity was queued');
});

test('parasol stops cleanly with no sanitizer report', opts, async () => {
	await peer.stop();
	const code = await parasol.stopServer();
	assert.equal(code, 0, `parasol serve exited with ${code}:\n${parasol.logTail()}`);
	const m = SANITIZER_RE.exec(parasol.log());
	assert.equal(m, null, `sanitizer report in parasol's log:\n${parasol.logTail(60)}`);
});
