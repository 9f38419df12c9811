// seed.mjs - a small community on a fresh Instance (lib.mjs), made the way members make it:
// through the web forms (a cookie-keeping HTTP client, like tests/http/harness.py's
// WebClient), with the command line for accounts and psql only for the rules. Used by the
// accessibility and phone tests and by the screenshot script, so that every page they visit
// has something on it: posts with and without a content warning, a reply, boosts, likes, a
// bookmark, a pin, an edit, a hashtag, a report, a moderator's warning and its appeal, a
// moderation log and the numbers on /about.

export const PASSWORD = 'a long enough password';

// A form-posting client of one server that keeps its cookies (the session and the CSRF
// token) and fills the csrf field: a member's token is bound to the session and read from a
// page's form, once per session; a visitor's is the CSRF cookie.
export class FormClient {
	constructor(base) {
		this.base = base;
		this.cookies = new Map();
	}

	keep(res) {
		for (const line of res.headers.getSetCookie()) {
			const [pair, ...attrs] = line.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim(), value = pair.slice(eq + 1).trim();
			if (value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	async request(method, path, body) {
		const headers = { 'Accept-Language': 'en' };
		if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
		const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
		this.keep(res);
		return { status: res.status, location: res.headers.get('location'), text: await res.text() };
	}

	get(path) { return this.request('GET', path); }

	async csrf() {
		let session = null;
		for (const [k, v] of this.cookies) if (k.endsWith('parasol_session')) session = v;
		if (session !== null) {
			if (this.csrfSession !== session) {
				const r = await this.get('/about');
				const m = /name="csrf" value="([^"]+)"/.exec(r.text);
				if (!m) throw new Error(`no csrf field on /about: ${r.status}`);
				this.csrfSession = session;
				this.csrfToken = m[1];
			}
			return this.csrfToken;
		}
		const cookie = () => {
			for (const [k, v] of this.cookies) if (k.endsWith('parasol_csrf')) return v;
			return null;
		};
		if (cookie() === null) await this.get('/login');
		return cookie();
	}

	// POSTs fields (an object, or a list of pairs for repeated names) with the CSRF token; a
	// 303 is what every form answers when it worked.
	async post(path, fields) {
		const pairs = Array.isArray(fields) ? [...fields] : Object.entries(fields);
		pairs.push(['csrf', await this.csrf()]);
		const res = await this.request('POST', path, new URLSearchParams(pairs).toString());
		if (res.status !== 303)
			throw new Error(`POST ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
		return res;
	}
}

// A signed-in FormClient for username.
export async function signIn(inst, username, password = PASSWORD) {
	const c = new FormClient(inst.base);
	await c.get('/login');
	await c.post('/login', { username, password });
	return c;
}

function newestPost(inst, username) {
	return inst.scalar(`SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id
		WHERE a.username = '${username}' AND s.reblog_of_id IS NULL ORDER BY s.id DESC LIMIT 1`);
}

// Makes the community on inst and returns what the tests need: usernames (admin, moderator,
// member, other), ids (posts, accounts, the queue item, the action), the thread path and an
// unused invite link.
export async function seedCommunity(inst) {
	const names = { admin: 'ada', moderator: 'mo', member: 'mia', other: 'lee' };
	inst.cli(['admin', 'create-account', names.admin, '--role', 'admin'], `${PASSWORD}\n`);
	inst.cli(['admin', 'create-account', names.moderator, '--role', 'moderator'], `${PASSWORD}\n`);
	inst.cli(['admin', 'create-account', names.member], `${PASSWORD}\n`);
	inst.cli(['admin', 'create-account', names.other], `${PASSWORD}\n`);
	inst.psql(`INSERT INTO rules (position, title, body) VALUES
		(1, 'Respect each other', 'No harassment, no outing, no doxxing.'),
		(2, 'Keep clients anonymous', 'Never post a client''s name or number.')`);
	const ada = await signIn(inst, names.admin);
	const mo = await signIn(inst, names.moderator);
	const mia = await signIn(inst, names.member);
	const lee = await signIn(inst, names.other);

	await mia.post('/@lee/follow', { back: '/@lee' });
	await lee.post('/@mia/follow', { back: '/@mia' });
	await ada.post('/@mia/follow', { back: '/@mia' });

	const ids = {};
	await mia.post('/statuses', { text: 'Welcome, everyone! Tea at the drop-in centre on Friday. #meetup', visibility: 'public' });
	ids.welcome = newestPost(inst, names.member);
	await mia.post('/statuses', { text: 'We meet at the usual place at eight. Bring water.', spoiler_text: 'Meeting logistics', visibility: 'members' });
	ids.cw = newestPost(inst, names.member);
	await lee.post('/statuses', { text: 'Does anyone know a good accountant who gets our work?', visibility: 'public' });
	ids.question = newestPost(inst, names.other);
	await mia.post('/statuses', { text: '@lee Ask at the drop-in: they keep a list.', visibility: 'public', in_reply_to_id: ids.question });
	ids.reply = newestPost(inst, names.member);
	await lee.post('/statuses', { text: 'Reminder: screen new clients with the bad-date list first.', visibility: 'unlisted' });
	ids.reminder = newestPost(inst, names.other);
	await ada.post('/statuses', { text: 'The server will be updated on Sunday night; expect a short pause.', visibility: 'public' });
	ids.notice = newestPost(inst, names.admin);
	await mia.post('/statuses', { text: 'Draft of our flyer for the clinic, comments welcome.', visibility: 'public' });
	ids.flyer = newestPost(inst, names.member);
	await mia.post(`/statuses/${ids.flyer}/edit`, { text: 'Our flyer for the clinic, final version.' });

	await lee.post(`/statuses/${ids.welcome}/favourite`, { back: '/home' });
	await lee.post(`/statuses/${ids.welcome}/reblog`, { back: '/home' });
	await mia.post(`/statuses/${ids.question}/bookmark`, { back: '/home' });
	await mia.post(`/statuses/${ids.welcome}/pin`, { back: '/home' });
	await mia.post(`/statuses/${ids.reminder}/favourite`, { back: '/home' });

	const rule1 = inst.scalar('SELECT id FROM rules WHERE position = 1');
	await lee.post(`/statuses/${ids.flyer}/report`, [['rule', rule1], ['comment', 'This flyer names a clinic worker.']]);
	ids.item = inst.scalar('SELECT id FROM reports ORDER BY id DESC LIMIT 1');
	ids.memberAccount = inst.scalar(`SELECT id FROM accounts WHERE username = '${names.member}'`);
	await mo.post(`/admin/accounts/${ids.memberAccount}/act`, [['kind', 'warn'], ['rule', rule1],
		['reason', 'Please leave names of clinic staff out of public posts.']]);
	ids.action = inst.scalar('SELECT id FROM mod_actions ORDER BY id DESC LIMIT 1');
	await mia.post(`/moderation/actions/${ids.action}/appeal`, { text: 'The name on the flyer is the clinic\'s public contact.' });

	const invite = inst.cli(['admin', 'invite']).trim();
	const thread = `/@${names.other}/${ids.question}`;
	return { names, ids, invite: new URL(invite).pathname + new URL(invite).search, thread };
}
