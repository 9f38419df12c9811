// test_fedify_expiry.mjs - a post that deletes itself, seen by an independent ActivityPub
// implementation: fedi (a Fedify server in this node process) follows alice on parasol; alice
// writes a followers-only post that deletes itself after an hour; Fedify gets the Create, and
// when parasol's clock (PARASOL_TEST_CLOCK_FILE, moved by this test) is past the hour, the
// sweep deletes the post and Fedify gets a Delete of it, signed by alice and addressed to her
// followers, never to the public.
// Environment: as tests/browser/lib.mjs (PARASOL_BIN, PARASOL_TEST_PG*, PARASOL_TEST_OUTPUT).

import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Cluster, SANITIZER_RE, outputPath } from '../browser/lib.mjs';
import {
	FedifyPeer, PeerInstance, WebClient, loadFedify, logFedifyTo, mainPart, waitFor, PUBLIC,
} from './lib.mjs';

const WAIT = 20000;
const HOUR = 3600;
let F, parasol, peer, alice;
const st = {};

// A parasol whose sweep runs every second and whose clock is a file this test writes.
class SweepingInstance extends PeerInstance {
	writeConfig() {
		super.writeConfig();
		fs.appendFileSync(this.conf, 'sweep_interval = 1\n');
		fs.copyFileSync(this.conf, outputPath(`${this.name}.conf`));
	}
}

function setClock(t) {
	st.now = t;
	fs.writeFileSync(`${st.clock}.tmp`, `${t}\n`);
	fs.renameSync(`${st.clock}.tmp`, st.clock);
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
	await logFedifyTo(outputPath('fedify_expiry.log'));
	parasol = new SweepingInstance('fedify_expiry');
	st.clock = path.join(parasol.tmp, 'clock');
	setClock(Math.floor(Date.now() / 1000));
	parasol.env = { PARASOL_TEST_CLOCK_FILE: st.clock };
	await parasol.start();
	parasol.createAccount('alice');
	peer = new FedifyPeer(F);
	await peer.start();
	await parasol.allowPeer(peer.domain);
	alice = new WebClient(parasol.base);
	await alice.login('alice');
	st.aliceUri = `${parasol.base}/users/alice`;
});

after(async () => {
	if (skipReason) return;
	await peer?.stop();
	if (parasol?.alive()) {
		try { await parasol.stopServer(); } catch { /* cleanup() kills it */ }
	}
	parasol?.cleanup();
});

test('fedi (Fedify) follows alice; parasol accepts', opts, async () => {
	const ctx = peer.context();
	const person = await ctx.lookupObject(st.aliceUri);
	assert.ok(person instanceof F.Person, `alice's actor is not a Person: ${person}`);
	await ctx.sendActivity({ identifier: 'fedi' }, person, new F.Follow({
		id: new URL(`${peer.actorUri}#follows/alice`), actor: ctx.getActorUri('fedi'),
		object: person.id,
	}));
	await waitFor(() => received('Accept', (r) => r.actor === st.aliceUri).length > 0,
		`an Accept from alice at Fedify's inbox\n${describeReceived()}`, WAIT);
});

test("alice's followers-only post that deletes itself after an hour: Fedify gets its Delete when the hour is over", opts, async () => {
	const w = `expiring${Date.now() % 100000000}`;
	const r = await alice.post('/statuses', { text: `for an hour ${w}`, visibility: 'private', expires_in: '1h' });
	assert.equal(r.status, 303, `posting: ${r.status} ${mainPart(r.text)}`);
	const sid = parasol.scalar(`SELECT id FROM statuses WHERE text LIKE '%${w}%'`);
	const noteUri = `${st.aliceUri}/statuses/${sid}`;
	const creates = await waitFor(() => {
		const c = received('Create', (x) => x.object?.id === noteUri);
		return c.length ? c : null;
	}, `the Create at Fedify\n${describeReceived()}`, WAIT);
	assert.ok(!creates[0].object.toIds.includes(PUBLIC), 'the followers-only Note is public');
	assert.equal(received('Delete', (x) => x.objectId === noteUri).length, 0, 'a Delete came early');

	setClock(st.now + HOUR + 1);
	const deletes = await waitFor(() => {
		const d = received('Delete', (x) => x.objectId === noteUri);
		return d.length ? d : null;
	}, `the Delete of ${noteUri} at Fedify\n${describeReceived()}`, WAIT);
	assert.equal(deletes.length, 1, 'the Delete arrived more than once');
	const d = deletes[0];
	assert.equal(d.actor, st.aliceUri);
	assert.equal(d.signedKeyOwner, st.aliceUri, 'the Delete was not verified as signed by alice');
	assert.ok(!d.toIds.includes(PUBLIC), `the Delete of a followers-only post went public: ${d.toIds}`);
	assert.equal(parasol.scalar(`SELECT count(*) FROM statuses WHERE id = ${sid}`), '0',
		'the post is still on parasol');
	assert.deepEqual(peer.errors, []);
});

test('parasol stops cleanly with no sanitizer report', opts, async () => {
	await peer.stop();
	const code = await parasol.stopServer();
	assert.equal(code, 0, `parasol serve exited with ${code}:\n${parasol.logTail()}`);
	const m = SANITIZER_RE.exec(parasol.log());
	assert.equal(m, null, `sanitizer report in parasol's log:\n${parasol.logTail(60)}`);
});
