// test_fedify.mjs - federation between parasol and an independent ActivityPub implementation:
// a Fedify (npm @fedify/fedify) server in this node process, with one Person, fedi, and one
// parasol instance with one member, alice. Each side allowlists the other (Fedify federates
// with anyone; allowPrivateAddress lets it reach 127.0.0.1).
//
// Flows: fedi follows alice (WebFinger lookup, Follow, Accept); alice's public post reaches
// fedi's inbox; alice follows fedi from parasol's web pages (search, profile, Follow button) and
// Fedify accepts; fedi's Create(Note) reaches alice's home, sanitised; fedi's Delete removes it;
// Fedify's first knock is RFC 9421, parasol answers 401, Fedify falls back to draft-cavage.
//
// Deliveries are asynchronous on parasol's side (a job worker), so checks poll (<= 20 s each).
// Environment: as tests/browser/lib.mjs (PARASOL_BIN, PARASOL_TEST_PG*, PARASOL_TEST_OUTPUT).

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Cluster, SANITIZER_RE, outputPath } from '../browser/lib.mjs';
import {
	FedifyPeer, FetchRecorder, PeerInstance, WebClient, loadFedify, logFedifyTo, mainPart, waitFor, PUBLIC,
} from './lib.mjs';

const WAIT = 20000;
let F, parasol, peer, recorder, alice;
const st = {};

function word(what) {
	return `${what}${Date.now() % 100000000}`;
}

function q(s) { return s.replace(/'/g, "''"); }

function remoteId(uri) {
	const rows = parasol.psql(`SELECT id FROM accounts WHERE uri = '${q(uri)}'`);
	return rows.length ? rows[0][0] : null;
}

function localId(name) {
	return parasol.scalar(`SELECT id FROM accounts WHERE domain IS NULL AND username = '${q(name)}'`);
}

function count(sql) { return Number(parasol.scalar(sql)); }

function follows(follower, target) {
	if (follower == null || target == null) return false;
	return count(`SELECT count(*) FROM follows WHERE account_id = ${follower}` +
		` AND target_account_id = ${target}`) === 1;
}

// The end of parasol's log without the lines of the polling GETs.
function logTail(n = 30) {
	return parasol.log().split('\n').filter((l) => !/ GET \/home /.test(l)).slice(-n).join('\n');
}

function received(type, pred = () => true) {
	return peer.received.filter((r) => r.type === type && pred(r));
}

function describeReceived() {
	return JSON.stringify(peer.received.map(({ json: _j, ...r }) => r), null, 1).slice(0, 3000) +
		`\nrequests to Fedify: ${JSON.stringify(peer.requests.slice(-20))}` +
		`\nFedify listener errors: ${peer.errors.join('\n')}`;
}

const skipReason = !Cluster.available() ? 'no PostgreSQL (PARASOL_TEST_PGHOST)' : null;
const opts = skipReason ? { skip: skipReason } : {};

before(async () => {
	if (skipReason) return;
	F = await loadFedify();
	await logFedifyTo(outputPath('fedify.log'));
	recorder = new FetchRecorder();
	parasol = new PeerInstance('fedify');
	await parasol.start();
	parasol.createAccount('alice');
	peer = new FedifyPeer(F);
	await peer.start();
	await parasol.allowPeer(peer.domain);
	recorder.rewriteHttps.add(parasol.domain);
	alice = new WebClient(parasol.base);
	await alice.login('alice');
	st.aliceUri = `${parasol.base}/users/alice`;
	st.aliceId = localId('alice');
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

test('fedi (Fedify) finds alice by WebFinger and follows her; parasol accepts', opts, async () => {
	const ctx = peer.context();
	const jrd = await ctx.lookupWebFinger(`acct:alice@${parasol.domain}`);
	assert.ok(jrd, 'WebFinger lookup of alice gave nothing');
	const self = (jrd.links || []).find((l) => l.rel === 'self' &&
		/^application\/(activity\+json|ld\+json)/.test(l.type || ''));
	assert.ok(self, `no self link in ${JSON.stringify(jrd)}`);
	assert.equal(self.href, st.aliceUri);
	const person = await ctx.lookupObject(self.href);
	assert.ok(person instanceof F.Person, `alice's actor is not a Person: ${person}`);
	assert.equal(person.id.href, st.aliceUri);
	assert.ok(person.inboxId, 'alice has no inbox');
	st.alicePerson = person;
	const key = await person.getPublicKey();
	st.aliceKeyId = key?.id?.href;
	assert.ok(st.aliceKeyId, 'alice has no publicKey');

	st.followId = `${peer.actorUri}#follows/alice`;
	await ctx.sendActivity({ identifier: 'fedi' }, person, new F.Follow({
		id: new URL(st.followId), actor: ctx.getActorUri('fedi'), object: person.id,
	}));

	const accepts = await waitFor(() => {
		const a = received('Accept', (r) => r.actor === st.aliceUri);
		return a.length ? a : null;
	}, `an Accept from alice at Fedify's inbox\n${describeReceived()}`, WAIT);
	const acc = accepts[0];
	// Fedify runs inbox listeners only for requests whose signature it verified.
	assert.equal(acc.signedKeyOwner, st.aliceUri, 'the Accept was not verified as signed by alice');
	assert.equal(acc.signedKeyId, st.aliceKeyId);
	const obj = acc.json.object;
	const objId = typeof obj === 'string' ? obj : obj?.id;
	assert.equal(objId, st.followId, `the Accept's object: ${JSON.stringify(obj)}`);

	st.fediId = remoteId(peer.actorUri);
	assert.ok(st.fediId, 'parasol has no account for fedi');
	assert.ok(follows(st.fediId, st.aliceId), 'parasol has no follow fedi -> alice');
	assert.equal(parasol.scalar(`SELECT username || '@' || domain FROM accounts WHERE id = ${st.fediId}`),
		`fedi@${peer.domain}`);
});

test("alice's public post reaches Fedify's inbox, signed by alice", opts, async () => {
	const w = word('parasolpost');
	const r = await alice.post('/statuses', { text: `Hello Fedify from parasol ${w}`, visibility: 'public' });
	assert.equal(r.status, 303, `posting: ${r.status} ${mainPart(r.text)}`);
	const creates = await waitFor(() => {
		const c = received('Create', (x) => x.object?.content?.includes(w));
		return c.length ? c : null;
	}, `a Create holding ${w} at Fedify's inbox\n${describeReceived()}`, WAIT);
	assert.equal(creates.length, 1, 'the Create arrived more than once');
	const c = creates[0];
	assert.equal(c.actor, st.aliceUri);
	assert.equal(c.signedKeyOwner, st.aliceUri, 'the Create was not verified as signed by alice');
	assert.equal(c.signedKeyId, st.aliceKeyId);
	assert.equal(c.object.type, 'Note');
	assert.equal(c.object.attributedTo, st.aliceUri);
	assert.ok(c.object.toIds.includes(PUBLIC), `the Note's to: ${c.object.toIds}`);
	assert.ok(c.toIds.includes(PUBLIC), `the Create's to: ${c.toIds}`);
	assert.ok(c.object.id.startsWith(`${parasol.base}/`), c.object.id);
});

test("alice's post with an image reaches Fedify as a Note with a Document: type, URL here, alt text, size", opts, async () => {
	const w = word('parasolimage');
	const jpeg = readFileSync(new URL('../fixtures/images/photo.jpg', import.meta.url));
	const r = await alice.postMultipart('/statuses',
		{ text: `A picture for Fedify ${w}`, visibility: 'public', alt1: `a striped test card ${w}` },
		[['image1', 'photo.jpg', 'image/jpeg', jpeg]]);
	assert.equal(r.status, 303, `posting: ${r.status} ${mainPart(r.text)}`);
	const c = await waitFor(() => received('Create', (x) => x.object?.content?.includes(w))[0],
		`a Create holding ${w} at Fedify's inbox\n${describeReceived()}`, WAIT);
	const docs = c.object.attachments;
	assert.equal(docs.length, 1, JSON.stringify(docs));
	const [d] = docs;
	assert.equal(d.type, 'Document');
	assert.equal(d.mediaType, 'image/jpeg');
	assert.equal(d.name, `a striped test card ${w}`);
	assert.deepEqual([d.width, d.height], [64, 96]); // upright: the fixture says Orientation 6
	assert.ok(d.url.startsWith(`${parasol.base}/media/`), d.url);
	const file = parasol.scalar(`SELECT file_name FROM media WHERE description = 'a striped test card ${w}'`);
	assert.equal(d.url, `${parasol.base}/media/${file}`);
	// what Fedify was handed is the image: fetch it as a peer would
	const img = await fetch(d.url);
	assert.equal(img.status, 200);
	assert.equal(img.headers.get('content-type'), 'image/jpeg');
	assert.ok(c.json.attachment || c.json.object?.attachment, 'no attachment in the compacted JSON-LD');
});

test('alice follows fedi from the web pages; Fedify accepts; parasol records the follow', opts, async () => {
	const acct = `fedi@${peer.domain}`;
	const r = await alice.get(`/search?q=${encodeURIComponent(`@${acct}`)}`);
	assert.equal(r.status, 200, `search: ${r.status}`);
	const section = /id="accounts-heading"[\s\S]*?<\/section>/.exec(r.text);
	const item = section && [...section[0].matchAll(/<li>([\s\S]*?)<\/li>/g)]
		.map((m) => m[1]).find((li) => li.includes(`@${acct}`));
	assert.ok(item, `no search result for @${acct}:\n${mainPart(r.text)}`);
	const href = /href="([^"]+)"/.exec(item)[1].replace(/&amp;/g, '&');
	const path = new URL(href, parasol.base).pathname;
	const page = await alice.get(path);
	assert.equal(page.status, 200, `remote profile ${path}: ${page.status}`);
	assert.ok(page.text.includes('Fedi (Fedify)'), `fedi's name is not on ${path}`);
	const form = /<form[^>]*action="([^"]*\/follow)"/.exec(page.text);
	assert.ok(form, `no Follow button on ${path}:\n${mainPart(page.text)}`);
	const f = await alice.post(form[1].replace(/&amp;/g, '&'), { back: path });
	assert.equal(f.status, 303, `follow: ${f.status} ${mainPart(f.text)}`);

	const follow = await waitFor(() => received('Follow', (x) => x.actor === st.aliceUri)[0],
		`alice's Follow at Fedify's inbox\n${describeReceived()}`, WAIT);
	assert.equal(follow.signedKeyOwner, st.aliceUri, 'the Follow was not verified as signed by alice');
	assert.equal(follow.objectId, peer.actorUri);
	// Fedify fetches alice's actor before it keeps her and answers: wait for that too.
	await waitFor(() => peer.followers.has(st.aliceUri),
		`fedi to keep alice as a follower\n${peer.errors.join('\n')}`, WAIT);

	await waitFor(() => follows(st.aliceId, st.fediId),
		'parasol to record alice -> fedi as accepted (follows row)', WAIT);
	assert.equal(count(`SELECT count(*) FROM follow_requests WHERE account_id = ${st.aliceId}` +
		` AND target_account_id = ${st.fediId}`), 0, 'a follow request is left pending');
});

test("fedi's Create(Note) to followers appears in alice's home, sanitised", opts, async (t) => {
	const ctx = peer.context();
	const w = word('fedifynote');
	st.noteWord = w;
	const noteUri = new URL(`${peer.actorUri}/posts/${w}`);
	const fedi = ctx.getActorUri('fedi');
	const note = new F.Note({
		id: noteUri, attribution: fedi, to: F.PUBLIC_COLLECTION,
		cc: ctx.getFollowersUri('fedi'), url: noteUri,
		content: `<p>Hello parasol from Fedify ${w}</p><script>alert("xss${w}")</script>` +
			`<p><a href="javascript:alert(1)" onclick="alert(2)">link${w}</a></p>`,
		published: F.Temporal.Now.instant(),
	});
	peer.notes.set(noteUri.href, note);
	st.noteUri = noteUri.href;
	await ctx.sendActivity({ identifier: 'fedi' }, 'followers', new F.Create({
		id: new URL(`${noteUri.href}#create`), actor: fedi, object: note,
		to: F.PUBLIC_COLLECTION, cc: ctx.getFollowersUri('fedi'),
		published: note.published,
	}), { preferSharedInbox: true });

	const home = await waitFor(async () => {
		const h = await alice.get('/home');
		return h.text.includes(`Hello parasol from Fedify ${w}`) ? h.text : null;
	}, `fedi's note ${w} in alice's home\n${logTail()}`, WAIT);
	assert.ok(!/<script>alert/.test(home), 'a raw <script> from the remote note is on /home');
	assert.ok(!/<script[^>]*>[^<]*xss/.test(home), 'the remote script is in a script element on /home');
	assert.ok(!/javascript:alert/.test(home), 'a javascript: URL from the remote note is on /home');
	assert.ok(!/onclick="alert/.test(home), 'an onclick attribute from the remote note is on /home');
	const stored = parasol.psql(`SELECT content FROM statuses WHERE uri = '${q(noteUri.href)}'`);
	assert.equal(stored.length, 1, 'the note is not stored exactly once');
	t.diagnostic(`parasol stored the note's content as ${JSON.stringify(stored[0][0])}`);
	assert.ok(!/<script|javascript:|onclick/i.test(stored[0][0]), `stored content: ${stored[0][0]}`);
	st.noteSeen = true;
});

test("fedi's Delete of the note removes it from alice's home", opts, async () => {
	assert.ok(st.noteSeen, "the note never reached alice's home (see the test before)");
	const ctx = peer.context();
	const fedi = ctx.getActorUri('fedi');
	peer.notes.delete(st.noteUri);
	await ctx.sendActivity({ identifier: 'fedi' }, 'followers', new F.Delete({
		id: new URL(`${st.noteUri}#delete`), actor: fedi, to: F.PUBLIC_COLLECTION,
		object: new F.Tombstone({ id: new URL(st.noteUri) }),
	}), { preferSharedInbox: true });
	await waitFor(async () => {
		const h = await alice.get('/home');
		return h.status === 200 && !h.text.includes(st.noteWord);
	}, `the deleted note ${st.noteWord} to leave alice's home\n${logTail()}`, WAIT);
	assert.equal(count(`SELECT count(*) FROM statuses WHERE uri = '${q(st.noteUri)}'`), 0,
		'the note is still stored');
});

// exiftool's tags of file as { "Group:Tag": value } (-G1: the group each comes from).
function exifTags(file) {
	return JSON.parse(execFileSync('exiftool', ['-j', '-a', '-u', '-G1', file]).toString())[0];
}

test("fedi's note with a GPS-tagged image shows through parasol: only this node's addresses, no metadata, alt text", opts, async () => {
	assert.ok(follows(st.aliceId, st.fediId), 'alice does not follow fedi (see the tests before)');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'parasol-fedify-img-'));
	try {
		// the image fedi attaches: the fixture with GPS coordinates and a camera owner written
		// by exiftool here
		const src = path.join(dir, 'gps.jpg');
		copyFileSync(new URL('../fixtures/images/photo.jpg', import.meta.url), src);
		execFileSync('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=52.5163',
			'-GPSLatitudeRef=N', '-GPSLongitude=13.3777', '-GPSLongitudeRef=E',
			'-OwnerName=FedifyOwnerSecret', src]);
		assert.ok(Object.keys(exifTags(src)).some((k) => k.startsWith('GPS:')), 'the fixture has no GPS');
		const w = word('fedifyimage');
		const ctx = peer.context();
		const fedi = ctx.getActorUri('fedi');
		const imgPath = `/files/${w}.jpg`;
		peer.files.set(imgPath, { type: 'image/jpeg', body: readFileSync(src) });
		const noteUri = new URL(`${peer.actorUri}/posts/${w}`);
		const alt = `A red door in the rain ${w}`;
		const note = new F.Note({
			id: noteUri, attribution: fedi, to: F.PUBLIC_COLLECTION,
			cc: ctx.getFollowersUri('fedi'), url: noteUri, content: `<p>A picture ${w}</p>`,
			published: F.Temporal.Now.instant(),
			attachments: [new F.Document({
				mediaType: 'image/jpeg', url: new URL(imgPath, peer.base), name: alt,
				width: 64, height: 96,
			})],
		});
		peer.notes.set(noteUri.href, note);
		await ctx.sendActivity({ identifier: 'fedi' }, 'followers', new F.Create({
			id: new URL(`${noteUri.href}#create`), actor: fedi, object: note,
			to: F.PUBLIC_COLLECTION, cc: ctx.getFollowersUri('fedi'), published: note.published,
		}), { preferSharedInbox: true });
		const sid = await waitFor(() => {
			const rows = parasol.psql(`SELECT id FROM statuses WHERE uri = '${q(noteUri.href)}'`);
			return rows.length ? rows[0][0] : null;
		}, `fedi's note ${w} on parasol\n${logTail()}`, WAIT);
		const pagePath = `/@fedi@${peer.domain}/${sid}`;
		// the worker fetches the image; the page shows it from this node once it has
		const html = await waitFor(async () => {
			const r = await alice.get(pagePath);
			return r.status === 200 && /<img src="\/media\//.test(r.text) ? r.text : null;
		}, `the image of ${w} shown on ${pagePath}\n${logTail()}`, WAIT);
		for (const m of html.matchAll(/<(img|source|link|script|video|audio|iframe)\b[^>]*>/g)) {
			for (const a of m[0].matchAll(/\b(src|href|srcset)="([^"]*)"/g)) {
				assert.ok(a[2].startsWith('/') && !a[2].startsWith('//'),
					`${m[1]} ${a[1]} leaves this node: ${a[2]}`);
			}
		}
		const img = new RegExp(`<img src="(/media/[^"]+)" alt="([^"]*)"`).exec(html);
		assert.ok(img, mainPart(html));
		assert.equal(img[2], alt);
		assert.equal(peer.requests.filter((r) => r.path === imgPath).length, 1, 'fetched more than once');
		// the files this node serves carry nothing but pixels
		const full = /<a href="(\/media\/[^"]+)"><img/.exec(html)[1];
		for (const [i, u] of [img[1], full].entries()) {
			const r = await fetch(`${parasol.base}${u}`);
			assert.equal(r.status, 200, u);
			const out = path.join(dir, `served${i}.jpg`);
			const bytes = Buffer.from(await r.arrayBuffer());
			writeFileSync(out, bytes);
			const tags = Object.keys(exifTags(out));
			assert.ok(!tags.some((k) => /^(GPS|IFD\d|ExifIFD|XMP|IPTC|MakerNotes)/.test(k)),
				`${u} keeps metadata: ${tags}`);
			assert.ok(!bytes.includes('FedifyOwnerSecret'), `${u} holds the owner name`);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

// Posts the `action` form (follow, unfollow) of fedi's profile page as alice.
async function fediProfileAction(action) {
	const path = `/@fedi@${peer.domain}`;
	const page = await alice.get(path);
	assert.equal(page.status, 200, `fedi's profile: ${page.status}`);
	const form = new RegExp(`<form[^>]*action="([^"]*/${action})"`).exec(page.text);
	assert.ok(form, `no ${action} button on ${path}:\n${mainPart(page.text)}`);
	const r = await alice.post(form[1].replace(/&amp;/g, '&'), { back: path });
	assert.equal(r.status, 303, `${action}: ${r.status} ${mainPart(r.text)}`);
}

test("alice likes, unlikes and likes fedi's note again: Fedify ends with her like", opts, async () => {
	assert.ok(follows(st.aliceId, st.fediId), 'alice does not follow fedi (see the tests before)');
	const ctx = peer.context();
	const fedi = ctx.getActorUri('fedi');
	const w = word('likednote');
	const noteUri = new URL(`${peer.actorUri}/posts/${w}`);
	const note = new F.Note({
		id: noteUri, attribution: fedi, to: F.PUBLIC_COLLECTION,
		cc: ctx.getFollowersUri('fedi'), url: noteUri, content: `<p>Like me ${w}</p>`,
		published: F.Temporal.Now.instant(),
	});
	peer.notes.set(noteUri.href, note);
	await ctx.sendActivity({ identifier: 'fedi' }, 'followers', new F.Create({
		id: new URL(`${noteUri.href}#create`), actor: fedi, object: note,
		to: F.PUBLIC_COLLECTION, cc: ctx.getFollowersUri('fedi'), published: note.published,
	}), { preferSharedInbox: true });
	const sid = await waitFor(() => {
		const rows = parasol.psql(`SELECT id FROM statuses WHERE uri = '${q(noteUri.href)}'`);
		return rows.length ? rows[0][0] : null;
	}, `fedi's note ${w} on parasol\n${logTail()}`, WAIT);
	const key = `${st.aliceUri} ${noteUri.href}`;
	const steps = [['favourite', true], ['unfavourite', false], ['favourite', true]];
	for (const [action, liked] of steps) {
		const r = await alice.post(`/statuses/${sid}/${action}`, { back: '/home' });
		assert.equal(r.status, 303, `${action}: ${r.status}`);
		await waitFor(() => peer.likes.has(key) === liked,
			`Fedify to see alice's ${action} (liked: ${liked})\n${describeReceived()}`, WAIT);
	}
	const likes = received('Like', (x) => x.objectId === noteUri.href);
	assert.equal(likes.length, 2, 'Fedify did not take two Likes');
	assert.notEqual(likes[0].id, likes[1].id);
});

test('alice edits her post twice: Fedify has the second edit', opts, async () => {
	const w = word('editedtwice');
	const r = await alice.post('/statuses', { text: `first ${w}`, visibility: 'public' });
	assert.equal(r.status, 303, `posting: ${r.status}`);
	const sid = parasol.scalar(`SELECT id FROM statuses WHERE text LIKE '%${w}%'`);
	const noteUri = `${st.aliceUri}/statuses/${sid}`;
	await waitFor(() => peer.remoteNotes.get(noteUri)?.includes(`first ${w}`),
		`the post at Fedify\n${describeReceived()}`, WAIT);
	for (const text of [`second ${w}`, `third ${w}`]) {
		const e = await alice.post(`/statuses/${sid}/edit`, { text });
		assert.equal(e.status, 303, `edit: ${e.status}`);
	}
	await waitFor(() => peer.remoteNotes.get(noteUri)?.includes(`third ${w}`),
		`Fedify to have the second edit (it has ${JSON.stringify(peer.remoteNotes.get(noteUri))})` +
		`\n${describeReceived()}`, WAIT);
});

test('alice unfollows, follows and unfollows fedi: both sides agree at every step', opts, async () => {
	assert.ok(follows(st.aliceId, st.fediId), 'alice does not follow fedi (see the tests before)');
	for (const [action, following] of [['unfollow', false], ['follow', true], ['unfollow', false]]) {
		await fediProfileAction(action);
		await waitFor(() => peer.followers.has(st.aliceUri) === following &&
			follows(st.aliceId, st.fediId) === following,
		`both sides to agree after ${action} (Fedify: ${peer.followers.has(st.aliceUri)},` +
			` parasol: ${follows(st.aliceId, st.fediId)})\n${describeReceived()}`, WAIT);
	}
	const undos = received('Undo', (x) => x.actor === st.aliceUri);
	assert.equal(new Set(undos.map((u) => u.id)).size, undos.length, 'two Undos with one id');
});

test('Fedify knocks with RFC 9421 first, parasol answers 401, Fedify falls back to draft-cavage', opts, async (t) => {
	const origin = parasol.base;
	const toParasol = recorder.entries.filter((e) => e.url.startsWith(`${origin}/`) && e.method === 'POST');
	t.diagnostic(`signed POSTs from Fedify to parasol: ${JSON.stringify(toParasol.map(
		(e) => `${e.spec} ${new URL(e.url).pathname} -> ${e.status}`))}`);
	assert.ok(toParasol.length >= 2, 'Fedify sent fewer than two signed POSTs to parasol');
	const first = toParasol[0];
	assert.equal(first.spec, 'rfc9421', 'Fedify did not knock with RFC 9421 first');
	assert.equal(first.status, 401, `parasol answered ${first.status} to an RFC 9421 signature`);
	const second = toParasol[1];
	assert.equal(second.url, first.url, 'the second knock went elsewhere');
	assert.equal(second.spec, 'draft-cavage');
	assert.equal(second.status, 202, `parasol answered ${second.status} to the draft-cavage retry`);
	for (const e of toParasol.slice(2)) {
		assert.equal(e.spec, 'draft-cavage', `later POST ${e.url} not signed with draft-cavage`);
		assert.equal(e.status, 202, `later POST ${e.url} answered ${e.status}`);
	}
	// parasol's own access log (which names routes: /users/:name/inbox) shows the 401, then
	// the 202 of the same inbox.
	const route = new URL(first.url).pathname.replace(/^\/users\/[^/]+\//, '/users/:name/');
	const lines = parasol.log().split('\n').filter((l) => l.includes(` POST ${route} `));
	const i401 = lines.findIndex((l) => l.includes(` POST ${route} 401 `));
	assert.ok(i401 >= 0, `no 401 for POST ${route} in parasol's log:\n${lines.join('\n')}`);
	assert.ok(lines.slice(i401 + 1).some((l) => l.includes(` POST ${route} 202 `)),
		`no 202 for POST ${route} after the 401 in parasol's log:\n${lines.join('\n')}`);
	const spec = await peer.rememberedSpec(origin);
	t.diagnostic(`Fedify remembered spec "${spec}" for ${origin}`);
	assert.equal(spec, 'draft-cavage-http-signatures-12');
});

test('what parasol sent Fedify all verified; no Fedify listener errors', opts, async () => {
	const fromParasol = peer.requests.filter((r) => r.method === 'POST');
	assert.ok(fromParasol.length >= 3, `parasol POSTed ${fromParasol.length} times to Fedify`);
	for (const r of fromParasol) {
		assert.equal(r.signature, 'draft-cavage', `${r.path} not signed with draft-cavage`);
		assert.equal(r.status, 202, `Fedify answered ${r.status} to POST ${r.path}`);
		assert.ok(r.verifiedKey?.startsWith(`${parasol.base}/users/`),
			`Fedify's verifyRequest did not verify POST ${r.path}: ${r.verifiedKey}`);
	}
	assert.deepEqual(peer.errors, []);
});

test('parasol stops cleanly with no sanitizer report', opts, async () => {
	await peer.stop();
	const code = await parasol.stopServer();
	assert.equal(code, 0, `parasol serve exited with ${code}:\n${parasol.logTail()}`);
	const m = SANITIZER_RE.exec(parasol.log());
	assert.equal(m, null, `sanitizer report in parasol's log:\n${parasol.logTail(60)}`);
});
