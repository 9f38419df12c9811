// test_fedify_move.mjs - moving accounts with an independent ActivityPub implementation (issue
// 12): a Fedify server in this node process.
// In: mia (parasol) follows fedi (Fedify); fedi moves to fedinew, whose alsoKnownAs lists fedi,
// and sends Move; parasol checks fedinew and mia follows it (Fedify receives her Follow) and no
// longer fedi (Fedify receives the Undo).
// Out: fedi follows alice (parasol); alice moves to alicenew (Fedify), whose alsoKnownAs lists
// her; Fedify receives a Move signed by alice and reads it with its own vocabulary (Move,
// object, target).
// Environment: as tests/browser/lib.mjs (PARASOL_BIN, PARASOL_TEST_PG*, PARASOL_TEST_OUTPUT).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Cluster, SANITIZER_RE, outputPath } from '../browser/lib.mjs';
import {
	FedifyPeer, PASSWORD, PeerInstance, WebClient, loadFedify, logFedifyTo, mainPart, waitFor,
} from './lib.mjs';

const WAIT = 20000;
let F, parasol, peer, alice, mia;
const st = {};
const props = {}; // Fedify actor identifier -> more Person properties

function q(s) { return String(s).replace(/'/g, "''"); }
function count(sql) { return Number(parasol.scalar(sql)); }
function localId(name) {
	return parasol.scalar(`SELECT id FROM accounts WHERE domain IS NULL AND username = '${q(name)}'`);
}
function remoteId(uri) {
	const rows = parasol.psql(`SELECT id FROM accounts WHERE uri = '${q(uri)}'`);
	return rows.length ? rows[0][0] : null;
}
function follows(follower, target) {
	if (follower == null || target == null) return false;
	return count(`SELECT count(*) FROM follows WHERE account_id = ${follower}` +
		` AND target_account_id = ${target}`) === 1;
}
function received(type, pred = () => true) {
	return peer.received.filter((r) => r.type === type && pred(r));
}
function describeReceived() {
	return JSON.stringify(peer.received.map(({ json: _j, ...r }) => r), null, 1).slice(0, 3000) +
		`\nFedify listener errors: ${peer.errors.join('\n')}`;
}

const skipReason = !Cluster.available() ? 'no PostgreSQL (PARASOL_TEST_PGHOST)' : null;
const opts = skipReason ? { skip: skipReason } : {};

before(async () => {
	if (skipReason) return;
	F = await loadFedify();
	await logFedifyTo(outputPath('fedify_move.log'));
	parasol = new PeerInstance('fedify_move');
	await parasol.start();
	parasol.createAccount('alice');
	parasol.createAccount('mia');
	peer = new FedifyPeer(F, { fedinew: 'fedinew', alicenew: 'alicenew' }, props);
	await peer.start();
	await parasol.allowPeer(peer.domain);
	st.aliceUri = `${parasol.base}/users/alice`;
	st.miaUri = `${parasol.base}/users/mia`;
	st.fedinewUri = `${peer.base}/users/fedinew`;
	st.alicenewUri = `${peer.base}/users/alicenew`;
	props.fedinew = { aliases: [new URL(peer.actorUri)] };
	props.alicenew = { aliases: [new URL(st.aliceUri)] };
	alice = new WebClient(parasol.base);
	await alice.login('alice');
	mia = new WebClient(parasol.base);
	await mia.login('mia');
});

after(async () => {
	if (skipReason) return;
	await peer?.stop();
	if (parasol?.alive()) {
		try { await parasol.stopServer(); } catch { /* cleanup() kills it */ }
	}
	parasol?.cleanup();
});

test('mia follows fedi (Fedify) from the web pages; Fedify accepts', opts, async () => {
	const acct = `fedi@${peer.domain}`;
	const r = await mia.get(`/search?q=${encodeURIComponent(`@${acct}`)}`);
	assert.equal(r.status, 200, `search: ${r.status}`);
	const m = new RegExp(`href="([^"]*/@${acct.replace(/[.]/g, '\\.')})"`).exec(r.text);
	assert.ok(m, `no search result for @${acct}:\n${mainPart(r.text)}`);
	const path = new URL(m[1], parasol.base).pathname;
	const page = await mia.get(path);
	const form = /<form[^>]*action="([^"]*\/follow)"/.exec(page.text);
	assert.ok(form, `no Follow button on ${path}:\n${mainPart(page.text)}`);
	const f = await mia.post(form[1].replace(/&amp;/g, '&'), { back: path });
	assert.equal(f.status, 303, `follow: ${f.status}`);
	await waitFor(() => follows(localId('mia'), remoteId(peer.actorUri)),
		`mia -> fedi accepted\n${describeReceived()}`, WAIT);
});

test("fedi moves to fedinew (alsoKnownAs: fedi): mia follows fedinew, Fedify gets her Follow and the Undo of fedi's", opts, async () => {
	const ctx = peer.context();
	const miaActor = await ctx.lookupObject(st.miaUri);
	assert.ok(miaActor instanceof F.Person, `mia's actor: ${miaActor}`);
	await ctx.sendActivity({ identifier: 'fedi' }, miaActor, new F.Move({
		id: new URL(`${peer.actorUri}#moves/1`), actor: ctx.getActorUri('fedi'),
		object: ctx.getActorUri('fedi'), target: new URL(st.fedinewUri),
	}));
	const follow = await waitFor(() => received('Follow', (x) => x.actor === st.miaUri &&
		x.objectId === st.fedinewUri)[0], `mia's Follow of fedinew at Fedify\n${describeReceived()}`,
	WAIT);
	assert.equal(follow.signedKeyOwner, st.miaUri, 'the Follow was not verified as signed by mia');
	await waitFor(() => !follows(localId('mia'), remoteId(peer.actorUri)),
		'mia to stop following fedi', WAIT);
	await waitFor(() => received('Undo', (x) => x.actor === st.miaUri).length > 0,
		`mia's Undo(Follow) of fedi at Fedify\n${describeReceived()}`, WAIT);
	assert.equal(parasol.scalar(`SELECT moved_to_uri FROM accounts WHERE uri = '${q(peer.actorUri)}'`),
		st.fedinewUri, 'fedi is not marked moved on parasol');
	assert.equal(count(`SELECT count(*) FROM notifications WHERE type = 'move' AND account_id = ${localId('mia')}`),
		1, 'mia was not told');
});

test('fedi follows alice; alice moves to alicenew (Fedify); Fedify reads her Move', opts, async () => {
	const ctx = peer.context();
	const person = await ctx.lookupObject(st.aliceUri);
	assert.ok(person instanceof F.Person, `alice's actor: ${person}`);
	assert.deepEqual(person.aliasIds.map((u) => u.href), [], 'alice lists aliases already');
	await ctx.sendActivity({ identifier: 'fedi' }, person, new F.Follow({
		id: new URL(`${peer.actorUri}#follows/alice`), actor: ctx.getActorUri('fedi'),
		object: person.id,
	}));
	await waitFor(() => received('Accept', (r) => r.actor === st.aliceUri).length > 0,
		`an Accept from alice\n${describeReceived()}`, WAIT);

	const r = await alice.post('/settings/move', { handle: `alicenew@${peer.domain}`, password: PASSWORD });
	assert.equal(r.status, 303, `move: ${r.status} ${mainPart(r.text)}`);
	const entry = await waitFor(() => peer.received.find((x) => x.json?.type === 'Move'),
		`alice's Move at Fedify\n${describeReceived()}`, WAIT);
	assert.equal(entry.signedKeyOwner, st.aliceUri, 'the Move was not verified as signed by alice');
	const mv = await F.Move.fromJsonLd(entry.json);
	assert.ok(mv instanceof F.Move, 'not a Move in Fedify\'s vocabulary');
	assert.equal(mv.actorId?.href, st.aliceUri);
	assert.equal(mv.objectId?.href, st.aliceUri);
	assert.equal(mv.targetId?.href, st.alicenewUri);
	// and her actor, as Fedify reads it now, names the account she moved to
	const moved = await F.Person.fromJsonLd(await (await fetch(st.aliceUri, {
		headers: { Accept: 'application/activity+json' },
	})).json());
	assert.equal(moved.successorId?.href, st.alicenewUri, 'movedTo not read as the successor');
	assert.deepEqual(peer.errors, []);
});

test('parasol stops cleanly with no sanitizer report', opts, async () => {
	await peer.stop();
	const code = await parasol.stopServer();
	assert.equal(code, 0, `parasol serve exited with ${code}:\n${parasol.logTail()}`);
	const m = SANITIZER_RE.exec(parasol.log());
	assert.equal(m, null, `sanitizer report in parasol's log:\n${parasol.logTail(60)}`);
});
