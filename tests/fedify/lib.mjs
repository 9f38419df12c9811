// lib.mjs - what the Fedify interoperability test needs besides tests/browser/lib.mjs: a parasol
// instance that may federate over plain http on loopback, a small browser-like web client, a
// recorder of the signed requests this process sends, and a Fedify server (the independent
// ActivityPub implementation) served by Node's http module.
//
// Fedify 2.x wants a global `navigator` object (Node 22 has one; Node 20 does not): it is
// defined here before Fedify is imported, which is why Fedify is loaded with loadFedify().

import fs from 'node:fs';
import http from 'node:http';

import { Instance, freePort, outputPath } from '../browser/lib.mjs';

export const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
export const PASSWORD = 'a long enough password';

// --- parasol -------------------------------------------------------------------------------

// An Instance that may reach peers over plain http on 127.0.0.1 (TEST ONLY setting), with one
// job worker inside `serve`. Its domain is "127.0.0.1:PORT".
export class PeerInstance extends Instance {
	writeConfig() {
		super.writeConfig();
		fs.appendFileSync(this.conf, 'federation_insecure_loopback = true\nworkers = 1\n');
		fs.copyFileSync(this.conf, outputPath(`${this.name}.conf`));
	}

	get domain() { return `127.0.0.1:${this.port}`; }

	// Lists domain in one transaction with NOTIFY parasol_cache, 'peers' (as parasol's own
	// writers do), then waits until the server has heard of it: its log says so
	// (harness.py's db_change does the same).
	async allowPeer(domain) {
		const rows = this.psql('SELECT pg_backend_pid(); INSERT INTO peers (domain) VALUES' +
			` ('${domain.replace(/'/g, "''")}') ON CONFLICT DO NOTHING;` +
			" NOTIFY parasol_cache, 'peers'");
		const line = `cache: peers changed (notified by backend ${rows[0][0]})`;
		const deadline = Date.now() + 15000;
		while (!this.log().includes(line)) {
			if (Date.now() > deadline)
				throw new Error(`the server did not hear that peers changed:\n${this.logTail()}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	createAccount(name, password = PASSWORD) {
		this.cli(['admin', 'create-account', name], `${password}\n`);
	}
}

// --- a web client for parasol's HTML pages ---------------------------------------------------

// Keeps cookies, fills the `csrf` form field (a member's from a page, a visitor's from the
// parasol_csrf cookie), never follows
// redirects (a 303 is what forms answer).
export class WebClient {
	constructor(base) {
		this.base = base;
		this.cookies = new Map();
	}

	async request(method, path, { body, headers } = {}) {
		const h = new Headers(headers || {});
		if (this.cookies.size)
			h.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
		const r = await fetch(new URL(path, this.base), {
			method, body, headers: h, redirect: 'manual', signal: AbortSignal.timeout(15000),
		});
		for (const c of r.headers.getSetCookie()) {
			const [pair, ...attrs] = c.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim(), value = pair.slice(eq + 1).trim();
			if (value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)))
				this.cookies.delete(name);
			else
				this.cookies.set(name, value);
		}
		const text = await r.text();
		return { status: r.status, headers: r.headers, text };
	}

	get(path) { return this.request('GET', path); }

	async csrf() {
		// A member's token is bound to the session: read it from a page's form (the header's
		// sign-out form), once per session.
		const session = this.cookies.get('parasol_session');
		if (session) {
			if (this.csrfSession !== session) {
				const r = await this.get('/about');
				const m = /name="csrf" value="([^"]+)"/.exec(r.text);
				if (!m) throw new Error(`no csrf field on /about: ${r.status}`);
				this.csrfSession = session;
				this.csrfToken = m[1];
			}
			return this.csrfToken;
		}
		// a visitor's is the parasol_csrf cookie; only pages with a form set it
		if (!this.cookies.has('parasol_csrf')) await this.get('/login');
		const t = this.cookies.get('parasol_csrf');
		if (!t) throw new Error('no parasol_csrf cookie after GET /login');
		return t;
	}

	async post(path, fields) {
		const body = new URLSearchParams({ ...fields, csrf: await this.csrf() }).toString();
		return this.request('POST', path, {
			body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
	}

	// A multipart form as a browser sends it: fields, then files as [field, name, type, bytes].
	async postMultipart(path, fields, files = []) {
		const form = new FormData();
		for (const [k, v] of Object.entries({ ...fields, csrf: await this.csrf() }))
			form.append(k, v);
		for (const [field, name, type, bytes] of files)
			form.append(field, new Blob([bytes], { type }), name);
		return this.request('POST', path, { body: form });
	}

	async login(username, password = PASSWORD) {
		const r = await this.post('/login', { username, password });
		if (r.status !== 303 || !this.cookies.has('parasol_session'))
			throw new Error(`sign-in of ${username} failed: ${r.status} ${r.text.slice(0, 300)}`);
	}
}

// The <main> of a page, for failure messages.
export function mainPart(text) {
	const m = /<main[\s\S]*?<\/main>/.exec(text);
	return (m ? m[0] : text).slice(-1500);
}

// --- what this process sends -----------------------------------------------------------------

// Wraps the global fetch (which Fedify uses) to record every signed request and its answer:
// { method, url, spec: 'rfc9421' | 'draft-cavage' , status }. rewriteHttps: origins ("127.0.0.1:PORT")
// whose https:// URLs are fetched over http:// instead — Fedify looks up `acct:` WebFinger
// resources over https only, and the test's parasol speaks plain http.
export class FetchRecorder {
	constructor() {
		this.entries = [];
		this.rewriteHttps = new Set();
		this.original = globalThis.fetch;
		const self = this;
		globalThis.fetch = async function recordingFetch(input, init) {
			let req = input instanceof Request ? input : null;
			let url = req ? req.url : String(input);
			const u = new URL(url);
			if (u.protocol === 'https:' && self.rewriteHttps.has(u.host)) {
				u.protocol = 'http:';
				url = u.href;
				input = req ? new Request(url, req) : url;
				req = input instanceof Request ? input : null;
			}
			const headers = new Headers(req ? req.headers : (init && init.headers) || {});
			if (init && init.headers && req) for (const [k, v] of new Headers(init.headers)) headers.set(k, v);
			const spec = headers.has('signature-input') ? 'rfc9421'
				: headers.has('signature') ? 'draft-cavage' : null;
			const method = (init && init.method) || (req ? req.method : 'GET');
			const response = await self.original.call(this, input, init);
			if (spec) self.entries.push({ method, url, spec, status: response.status, at: Date.now() });
			return response;
		};
	}

	restore() { globalThis.fetch = this.original; }
}

// --- the Fedify server -----------------------------------------------------------------------

// Sends Fedify's own log (category "fedify", debug and up) to OUTPUT/fedify.log.
export async function logFedifyTo(file) {
	const { configure, getTextFormatter } = await import('@logtape/logtape');
	const { AsyncLocalStorage } = await import('node:async_hooks');
	const fd = fs.openSync(file, 'w');
	const format = getTextFormatter();
	await configure({
		contextLocalStorage: new AsyncLocalStorage(),
		sinks: { file: (record) => fs.writeSync(fd, format(record)) },
		loggers: [
			{ category: 'fedify', lowestLevel: 'debug', sinks: ['file'] },
			{ category: ['logtape', 'meta'], lowestLevel: 'warning', sinks: ['file'] },
		],
	});
}

export async function loadFedify() {
	// Fedify reads navigator.userAgent (Node 22 defines navigator; Node 20 does not).
	if (typeof globalThis.navigator === 'undefined')
		globalThis.navigator = { userAgent: `Node.js/${process.versions.node}` };
	const fedify = await import('@fedify/fedify');
	const vocab = await import('@fedify/vocab');
	const { Temporal } = await import('@js-temporal/polyfill');
	return { ...fedify, ...vocab, Temporal };
}

// Node http -> fetch Request -> federation.fetch -> Node http.
function nodeHandler(federation, log, verifyInboxPost, files = new Map()) {
	return async (req, res) => {
		const chunks = [];
		for await (const c of req) chunks.push(c);
		const body = Buffer.concat(chunks);
		const url = new URL(req.url, `http://${req.headers.host}`);
		const headers = new Headers();
		for (const [k, v] of Object.entries(req.headers)) {
			if (Array.isArray(v)) for (const x of v) headers.append(k, x);
			else if (v !== undefined) headers.set(k, v);
		}
		const request = new Request(url, {
			method: req.method, headers,
			body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
		});
		let response, verifiedKey = null;
		try {
			if (req.method === 'POST' && /\/inbox$/.test(url.pathname))
				verifiedKey = await verifyInboxPost(request.clone());
			response = await federation.fetch(request, {
				contextData: undefined,
				// a plain file this peer serves (files: path -> { type, body }), such as an image
				// its notes attach
				onNotFound: (r) => {
					const f = files.get(new URL(r.url).pathname);
					return f ? new Response(f.body, { headers: { 'Content-Type': f.type } })
						: new Response('Not found', { status: 404 });
				},
				onNotAcceptable: () => new Response('Not acceptable', { status: 406 }),
			});
		} catch (e) {
			log.push({ method: req.method, path: req.url, status: 500, error: String(e && e.stack || e) });
			res.writeHead(500, { 'Content-Type': 'text/plain' });
			res.end(String(e));
			return;
		}
		log.push({
			method: req.method, path: req.url, status: response.status,
			signature: headers.has('signature-input') ? 'rfc9421' : headers.has('signature') ? 'draft-cavage' : null,
			verifiedKey,
		});
		const out = {};
		for (const [k, v] of response.headers) out[k] = v;
		res.writeHead(response.status, out);
		res.end(Buffer.from(await response.arrayBuffer()));
	};
}

// A Fedify server on 127.0.0.1:<free port> with one Person, "fedi" (an RSA key for HTTP
// signatures, an Ed25519 key for object integrity proofs). Every activity that reaches an
// inbox listener (which Fedify runs only for requests whose signature it verified) is kept
// in `received`; fedi accepts every Follow and keeps the follower in `followers`.
// extraActors: more Persons, identifier -> preferredUsername (a hostile name, say), served
// with fedi's keys. actorProps: identifier -> more Person properties (such as `aliases`,
// alsoKnownAs), asked for each time the actor is served, so a test may change them.
export class FedifyPeer {
	constructor(F, extraActors = {}, actorProps = {}) {
		this.F = F;
		this.extraActors = new Map(Object.entries(extraActors));
		this.actorProps = actorProps;
		this.received = [];
		this.requests = [];
		this.followers = new Map(); // actor URI -> Actor
		this.notes = new Map(); // note URI -> Note (deleted ones removed)
		this.errors = [];
		this.verified = new Map(); // activity id -> { keyId, owner } of its request's signature
		this.likes = new Set(); // "actor object" of the Likes in force (an Undo removes one)
		this.remoteNotes = new Map(); // note URI -> its content, from Creates and Updates
		this.files = new Map(); // path -> { type, body }: plain files served (images)
	}

	get base() { return `http://127.0.0.1:${this.port}`; }
	get domain() { return `127.0.0.1:${this.port}`; }
	get actorUri() { return `${this.base}/users/fedi`; }

	async start() {
		const F = this.F;
		this.keys = [
			await F.generateCryptoKeyPair('RSASSA-PKCS1-v1_5'),
			await F.generateCryptoKeyPair('Ed25519'),
		];
		this.kv = new F.MemoryKvStore();
		const federation = F.createFederation({ kv: this.kv, allowPrivateAddress: true });
		this.federation = federation;

		federation.setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
			if (identifier !== 'fedi' && !this.extraActors.has(identifier)) return null;
			const keys = await ctx.getActorKeyPairs(identifier);
			return new F.Person({
				id: ctx.getActorUri(identifier),
				preferredUsername: this.extraActors.get(identifier) ?? identifier,
				name: 'Fedi (Fedify)',
				summary: 'An actor of the Fedify test server.',
				url: ctx.getActorUri(identifier),
				inbox: ctx.getInboxUri(identifier),
				endpoints: new F.Endpoints({ sharedInbox: ctx.getInboxUri() }),
				followers: ctx.getFollowersUri(identifier),
				manuallyApprovesFollowers: false,
				publicKey: keys[0].cryptographicKey,
				assertionMethods: keys.map((k) => k.multikey),
				...(this.actorProps[identifier] ?? {}),
			});
		}).setKeyPairsDispatcher(async (_ctx, identifier) =>
			(identifier === 'fedi' || this.extraActors.has(identifier) ? this.keys : []));

		federation.setFollowersDispatcher('/users/{identifier}/followers', async (_ctx, identifier) => {
			if (identifier !== 'fedi') return null;
			return { items: [...this.followers.values()] };
		});

		federation.setObjectDispatcher(F.Note, '/users/{identifier}/posts/{id}', (ctx, values) =>
			this.notes.get(ctx.getObjectUri(F.Note, values).href) ?? null);

		// Fedify runs a listener only for an activity whose HTTP signature it verified; the
		// request's key (verified again by the bridge, with Fedify's verifyRequest) is kept too.
		const record = (type) => async (_ctx, activity) => {
			const signed = this.verified.get(activity.id?.href) ?? {};
			const entry = {
				type, id: activity.id?.href, actor: activity.actorId?.href,
				signedKeyId: signed.keyId ?? null, signedKeyOwner: signed.owner ?? null,
				toIds: activity.toIds.map((u) => u.href),
				objectId: activity.objectId?.href ?? null,
				json: await activity.toJsonLd({ format: 'compact' }),
			};
			if (type === 'Create') {
				const o = await activity.getObject();
				entry.object = o && {
					type: o.constructor.name, id: o.id?.href,
					content: o.content?.toString() ?? null,
					attributedTo: o.attributionId?.href ?? null,
					toIds: o.toIds.map((u) => u.href), ccIds: o.ccIds.map((u) => u.href),
					attachments: [],
				};
				for await (const d of o?.getAttachments() ?? []) {
					entry.object.attachments.push({
						type: d.constructor.name, mediaType: d.mediaType ?? null,
						url: d.url?.href ?? null, name: d.name?.toString() ?? null,
						width: d.width ?? null, height: d.height ?? null,
					});
				}
			}
			this.received.push(entry);
			return entry;
		};

		federation.setInboxListeners('/users/{identifier}/inbox', '/inbox')
			.on(F.Follow, async (ctx, follow) => {
				await record('Follow')(ctx, follow);
				if (follow.objectId?.href !== ctx.getActorUri('fedi').href) return;
				const follower = await follow.getActor();
				if (!follower?.id) return;
				this.followers.set(follower.id.href, follower);
				await ctx.sendActivity({ identifier: 'fedi' }, follower, new F.Accept({
					id: new URL(`${ctx.getActorUri('fedi').href}#accepts/${Date.now()}`),
					actor: ctx.getActorUri('fedi'),
					object: follow,
				}));
			})
			.on(F.Accept, async (ctx, a) => { await record('Accept')(ctx, a); })
			.on(F.Reject, async (ctx, a) => { await record('Reject')(ctx, a); })
			.on(F.Create, async (ctx, a) => {
				const entry = await record('Create')(ctx, a);
				if (entry.object?.id) this.remoteNotes.set(entry.object.id, entry.object.content);
			})
			.on(F.Update, async (ctx, a) => {
				await record('Update')(ctx, a);
				const o = await a.getObject();
				if (o instanceof F.Note && o.id) this.remoteNotes.set(o.id.href, o.content?.toString() ?? null);
			})
			.on(F.Delete, async (ctx, a) => { await record('Delete')(ctx, a); })
			.on(F.Like, async (ctx, a) => {
				await record('Like')(ctx, a);
				this.likes.add(`${a.actorId?.href} ${a.objectId?.href}`);
			})
			// What an Undo takes back is what the peer's state forgets: a Like, or a Follow of
			// fedi (the follower is dropped).
			.on(F.Undo, async (ctx, a) => {
				await record('Undo')(ctx, a);
				const o = await a.getObject();
				if (o instanceof F.Like && o.actorId?.href === a.actorId?.href)
					this.likes.delete(`${o.actorId?.href} ${o.objectId?.href}`);
				if (o instanceof F.Follow && o.actorId?.href === a.actorId?.href &&
					o.objectId?.href === ctx.getActorUri('fedi').href)
					this.followers.delete(o.actorId.href);
			})
			.on(F.Activity, async (ctx, a) => { await record('Activity')(ctx, a); })
			.onError((_ctx, error) => { this.errors.push(String(error && error.stack || error)); });

		for (let attempt = 0; ; attempt++) {
			this.port = await freePort();
			this.server = http.createServer(nodeHandler(federation, this.requests,
				(request) => this.verifyInboxPost(request), this.files));
			try {
				await new Promise((resolve, reject) => {
					this.server.once('error', reject);
					this.server.listen(this.port, '127.0.0.1', resolve);
				});
				break;
			} catch (e) {
				if (attempt === 2) throw e;
			}
		}
	}

	// Verifies the HTTP signature of an inbox POST with Fedify's verifyRequest (as the inbox
	// does) and keeps its key by activity id.
	async verifyInboxPost(request) {
		let id = null;
		try { id = JSON.parse(await request.clone().text()).id ?? null; } catch { /* not JSON */ }
		const documentLoader = this.F.getDocumentLoader({ allowPrivateAddress: true });
		const key = await this.F.verifyRequest(request, { documentLoader });
		if (id != null && key != null)
			this.verified.set(id, { keyId: key.id?.href ?? null, owner: key.ownerId?.href ?? null });
		return key?.id?.href ?? null;
	}

	// A Context for sending as fedi.
	context() { return this.federation.createContext(new URL(this.base), undefined); }

	stop() {
		return new Promise((resolve) => {
			if (!this.server) return resolve();
			this.server.closeAllConnections?.();
			this.server.close(() => resolve());
		});
	}

	// The spec Fedify remembered for an origin after double-knocking (null: none yet).
	async rememberedSpec(origin) {
		return (await this.kv.get(['_fedify', 'httpMessageSignaturesSpec', origin])) ?? null;
	}
}

export async function waitFor(fn, what, timeoutMs = 20000, intervalMs = 200) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			last = e;
		}
		if (Date.now() >= deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}` +
				(last ? ` (last: ${last.message ?? last})` : ''));
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
