// test_fedify_flag.mjs - reports across servers (ActivityPub Flag) between parasol and Fedify
// (npm @fedify/fedify, an independent implementation): one Fedify Person, fedi, and one
// parasol instance with alice (a member) and keeper (a moderator). Each side allowlists the
// other.
//
// In: fedi sends a Flag built with Fedify's vocabulary, object [alice, alice's post], to
// alice's inbox; parasol files it once in its queue as a peer report from Fedify's domain.
// A Flag naming a direct post Fedify's accounts never saw files nothing.
// Out: alice reports fedi; keeper forwards the report; Fedify receives a Flag whose HTTP
// signature it verified as the parasol instance actor's, naming fedi and neither alice nor
// keeper, without alice's comment; with her consent, it carries what keeper wrote.
//
// Environment: as tests/browser/lib.mjs (PARASOL_BIN, PARASOL_TEST_PG*, PARASOL_TEST_OUTPUT).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Cluster, SANITIZER_RE, outputPath } from '../browser/lib.mjs';
import {
	FedifyPeer, FetchRecorder, PASSWORD, PeerInstance, WebClient, loadFedify, logFedifyTo, mainPart,
	waitFor,
} from './lib.mjs';

const WAIT = 20000;
let F, parasol, peer, recorder, alice, keeper;
const st = {};

function q(s) { return s.replace(/'/g, "''"); }

function describeReceived() {
	return JSON.stringify(peer.received.map(({ json, ...r }) => ({ ...r, json })), null, 1)
		.slice(0, 3000) + `\nFedify listener errors: ${peer.errors.join('\n')}`;
}

const skipReason = !Cluster.available() ? 'no PostgreSQL (PARASOL_TEST_PGHOST)' : null;
const opts = skipReason ? { skip: skipReason } : {};

before(async () => {
	if (skipReason) return;
	F = await loadFedify();
	await logFedifyTo(outputPath('fedify_flag.log'));
	recorder = new FetchRecorder();
	parasol = new PeerInstance('fedify_flag');
	await parasol.start();
	parasol.createAccount('alice');
	parasol.cli(['admin', 'create-account', 'keeper', '--role', 'moderator'], `${PASSWORD}\n`);
	peer = new FedifyPeer(F);
	await peer.start();
	await parasol.allowPeer(peer.domain);
	recorder.rewriteHttps.add(parasol.domain);
	alice = new WebClient(parasol.base);
	await alice.login('alice');
	keeper = new WebClient(parasol.base);
	await keeper.login('keeper');
	st.aliceUri = `${parasol.base}/users/alice`;
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

test("fedi's Flag about alice and her post lands in parasol's queue as a peer report", opts, async () => {
	const r = await alice.post('/statuses', { text: 'a post fedi reports', visibility: 'public' });
	assert.equal(r.status, 303, `posting: ${r.status} ${mainPart(r.text)}`);
	const sid = parasol.scalar("SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id" +
		" WHERE a.username = 'alice' ORDER BY s.id DESC LIMIT 1");
	const postUri = `${st.aliceUri}/statuses/${sid}`;
	const ctx = peer.context();
	const person = await ctx.lookupObject(st.aliceUri);
	assert.ok(person instanceof F.Person, `alice's actor is not a Person: ${person}`);
	const flagId = `${peer.actorUri}#flags/${Date.now()}`;
	const flag = new F.Flag({
		id: new URL(flagId), actor: ctx.getActorUri('fedi'),
		objects: [new URL(st.aliceUri), new URL(postUri)],
		content: 'Reported from Fedify: spam & scams',
	});
	await ctx.sendActivity({ identifier: 'fedi' }, person, flag);
	const rows = await waitFor(() => {
		const x = parasol.psql("SELECT r.origin_domain, r.flag_uri, t.username, r.status_id," +
			" r.comment, coalesce(r.reporter_id::text, 'none') FROM reports r" +
			" JOIN accounts t ON t.id = r.target_account_id WHERE r.source = 'peer'");
		return x.length ? x : null;
	}, `the Flag in parasol's queue\n${parasol.logTail()}`, WAIT);
	assert.deepEqual(rows, [[peer.domain, flagId, 'alice', sid,
		'Reported from Fedify: spam & scams', 'none']]);
});

test("a Fedify Flag naming alice's direct post to someone else is ignored like an unknown post", opts, async () => {
	const r = await alice.post('/statuses', { text: 'a secret for nobody there', visibility: 'direct' });
	assert.equal(r.status, 303, `posting: ${r.status} ${mainPart(r.text)}`);
	const sid = parasol.scalar("SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id" +
		" WHERE a.username = 'alice' ORDER BY s.id DESC LIMIT 1");
	const ctx = peer.context();
	const person = await ctx.lookupObject(st.aliceUri);
	const flagId = `${peer.actorUri}#flags/direct-${Date.now()}`;
	await ctx.sendActivity({ identifier: 'fedi' }, person, new F.Flag({
		id: new URL(flagId), actor: ctx.getActorUri('fedi'),
		objects: [new URL(`${st.aliceUri}/statuses/${sid}`)], content: 'guessing',
	}));
	await waitFor(() => parasol.scalar(`SELECT count(*) FROM activities_seen WHERE uri = '${q(flagId)}'`) === '1' &&
		parasol.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") === '0',
	`the Flag applied\n${parasol.logTail()}`, WAIT);
	assert.equal(parasol.scalar(`SELECT count(*) FROM reports WHERE flag_uri = '${q(flagId)}'`), '0',
		'a Flag filed a post Fedify could never have seen');
});

test("keeper forwards alice's report about fedi; Fedify verifies a Flag from parasol's instance actor", opts, async () => {
	const acct = `fedi@${peer.domain}`;
	const r = await alice.post(`/@${acct}/report`, { comment: 'fedi keeps spamming' });
	assert.equal(r.status, 303, `report fedi: ${r.status} ${mainPart(r.text)}`);
	const rid = parasol.scalar(`SELECT r.id FROM reports r JOIN accounts t ON t.id = r.target_account_id` +
		` WHERE t.uri = '${q(peer.actorUri)}'`);
	const f = await keeper.post(`/admin/reports/${rid}/forward`, {});
	assert.equal(f.status, 303, `forward: ${f.status} ${mainPart(f.text)}`);
	const instanceActor = `${parasol.base}/actor`;
	const got = await waitFor(() => peer.received.find((x) => x.json?.type === 'Flag'),
		`a Flag at Fedify's inbox\n${describeReceived()}\n${parasol.logTail()}`, WAIT);
	assert.equal(got.actor, instanceActor);
	assert.equal(got.signedKeyOwner, instanceActor, 'Fedify did not verify the Flag as the instance actor\'s');
	assert.equal(got.objectId, peer.actorUri);
	assert.ok(!got.json.content, `alice didn't agree to send her comment: ${got.json.content}`);
	const text = JSON.stringify(got.json);
	for (const secret of ['alice', 'keeper', 'fedi keeps spamming'])
		assert.ok(!text.includes(secret), `the Flag names ${secret}: ${text}`);
	assert.deepEqual(peer.errors, []);
});

test("with alice's consent, the Flag carries what keeper wrote from her comment", opts, async () => {
	const acct = `fedi@${peer.domain}`;
	const r = await alice.post(`/@${acct}/report`, { comment: 'fedi spams again', forward_comment: '1' });
	assert.equal(r.status, 303, `report fedi: ${r.status} ${mainPart(r.text)}`);
	const rid = parasol.scalar(`SELECT r.id FROM reports r JOIN accounts t ON t.id = r.target_account_id` +
		` WHERE t.uri = '${q(peer.actorUri)}' AND r.forward_comment ORDER BY r.id DESC LIMIT 1`);
	assert.ok(rid, 'the consent was not stored');
	const before = peer.received.length;
	const f = await keeper.post(`/admin/reports/${rid}/forward`, { forward_text: 'Spam, seen by our moderators' });
	assert.equal(f.status, 303, `forward: ${f.status} ${mainPart(f.text)}`);
	const got = await waitFor(() => peer.received.slice(before).find((x) => x.json?.type === 'Flag'),
		`a second Flag at Fedify's inbox\n${describeReceived()}\n${parasol.logTail()}`, WAIT);
	assert.equal(got.signedKeyOwner, `${parasol.base}/actor`);
	assert.equal(got.json.content, 'Spam, seen by our moderators');
	assert.deepEqual(peer.errors, []);
});

test('parasol stops cleanly with no sanitizer report', opts, async () => {
	await peer.stop();
	const code = await parasol.stopServer();
	assert.equal(code, 0, `parasol serve exited with ${code}:\n${parasol.logTail()}`);
	const m = SANITIZER_RE.exec(parasol.log());
	assert.equal(m, null, `sanitizer report in parasol's log:\n${parasol.logTail(60)}`);
});
