// lib.mjs - what the browser tests share: a database, a config file and a `parasol serve`
// process (like tests/http/harness.py), the parasol command line, psql, gettext catalogues,
// and a headless Chromium (Debian's, driven by playwright-core) that records console errors
// and every request the pages make.
//
// Environment (set by Makefile.am and ./dev test):
//   PARASOL_BIN, PARASOL_SRCDIR, PARASOL_BUILDDIR     the binary and the trees
//   PARASOL_TEST_PGHOST, _PGPORT, _PGUSER             a running PostgreSQL (unix socket, trust)
//   PARASOL_TEST_OUTPUT                               where logs and screenshots go
//   PARASOL_CHROMIUM                                  the browser (default /usr/bin/chromium)

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SRCDIR = process.env.PARASOL_SRCDIR || path.resolve(here, '..', '..');
export const BUILDDIR = process.env.PARASOL_BUILDDIR || process.cwd();
export const BIN = process.env.PARASOL_BIN || path.join(BUILDDIR, 'parasol');
export const OUTPUT = process.env.PARASOL_TEST_OUTPUT || path.join(BUILDDIR, 'test-output');
export const CHROMIUM = process.env.PARASOL_CHROMIUM || '/usr/bin/chromium';

export const SANITIZER_RE =
	/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: ThreadSanitizer/;

export function outputPath(...parts) {
	const p = path.join(OUTPUT, ...parts);
	fs.mkdirSync(path.dirname(p), { recursive: true });
	return p;
}

// --- gettext catalogues --------------------------------------------------------------------

function unquote(s) {
	s = s.trim();
	if (!s.startsWith('"') || !s.endsWith('"')) throw new Error(`bad po string ${s}`);
	return s.slice(1, -1).replace(/\\(["\\nt])/g, (_, c) =>
		({ n: '\n', t: '\t', '"': '"', '\\': '\\' })[c]);
}

// msgid -> msgstr of po/<lang>.po (single-form entries that have a translation).
export function poTranslations(lang) {
	const text = fs.readFileSync(path.join(SRCDIR, 'po', `${lang}.po`), 'utf8');
	const out = new Map();
	let id = null, str = null, cur = null;
	const flush = () => { if (id && str) out.set(id, str); };
	for (let line of text.split('\n')) {
		line = line.trim();
		if (line.startsWith('msgid ')) {
			flush();
			id = unquote(line.slice(6)); str = null; cur = 'id';
		} else if (line.startsWith('msgstr ')) {
			str = unquote(line.slice(7)); cur = 'str';
		} else if (line.startsWith('"') && cur === 'id') {
			id += unquote(line);
		} else if (line.startsWith('"') && cur === 'str') {
			str += unquote(line);
		} else if (!line.startsWith('#')) {
			cur = null;
		}
	}
	flush();
	return out;
}

// A translator for one language: en gives the msgid back; zh-CN gives the catalogue's
// translation and throws when there is none (an untranslated page is a failure).
export function translator(lang) {
	if (lang === 'en') return (msgid) => msgid;
	const po = poTranslations(lang.replace('-', '_'));
	return (msgid) => {
		const s = po.get(msgid);
		if (!s) throw new Error(`po/${lang.replace('-', '_')}.po has no translation of "${msgid}"`);
		return s;
	};
}

// --- processes -----------------------------------------------------------------------------

// The environment of a parasol process: none of our PARASOL_* overrides, sanitizers report.
export function childEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PARASOL_')) env[k] = v;
	Object.assign(env, {
		ASAN_OPTIONS: 'abort_on_error=0:detect_leaks=1',
		UBSAN_OPTIONS: 'print_stacktrace=1',
		LC_ALL: 'C.UTF-8',
	}, extra);
	return env;
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

export class Cluster {
	constructor() {
		this.host = process.env.PARASOL_TEST_PGHOST;
		this.port = process.env.PARASOL_TEST_PGPORT || '5432';
		this.user = process.env.PARASOL_TEST_PGUSER || 'postgres';
	}

	static available() { return !!process.env.PARASOL_TEST_PGHOST; }

	// Runs sql in dbname; returns the rows as arrays of strings.
	psql(dbname, sql) {
		const out = execFileSync('psql', ['-X', '-q', '-A', '-t', '-F', '\x1f', '-v',
			'ON_ERROR_STOP=1', '-h', this.host, '-p', this.port, '-U', this.user, '-d', dbname,
			'-c', sql], { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
		return out.split('\n').filter((l) => l !== '').map((l) => l.split('\x1f'));
	}

	databaseUrl(dbname) {
		return `host=${this.host} port=${this.port} user=${this.user} dbname=${dbname}`;
	}
}

// One database, one config file and one `parasol serve`, all removed by stop().
export class Instance {
	constructor(name) {
		this.name = name;
		this.cluster = new Cluster();
		this.dbname = `parasol_t_${name}_${process.pid}`;
		this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), `parasol-${name}-`));
		this.conf = path.join(this.tmp, 'parasol.conf');
		this.logPath = outputPath(`${name}.server.log`);
		this.proc = null;
		this.exitCode = null;
		this.env = {}; // more environment for the server (e.g. PARASOL_TEST_CLOCK_FILE)
	}

	get base() { return `http://127.0.0.1:${this.port}`; }

	psql(sql) { return this.cluster.psql(this.dbname, sql); }

	scalar(sql) {
		const rows = this.psql(sql);
		if (rows.length !== 1 || rows[0].length !== 1)
			throw new Error(`expected one value from ${sql}, got ${JSON.stringify(rows)}`);
		return rows[0][0];
	}

	writeConfig() {
		const settings = {
			listen_address: '127.0.0.1',
			port: this.port,
			base_url: this.base,
			database_url: this.cluster.databaseUrl(this.dbname),
			templates_dir: path.join(SRCDIR, 'templates'),
			static_dir: path.join(SRCDIR, 'templates', 'static'),
			migrations_dir: path.join(SRCDIR, 'migrations'),
			locale_dir: path.join(BUILDDIR, 'locale'),
			data_dir: path.join(this.tmp, 'data'),
			log_level: 'debug',
		};
		fs.mkdirSync(settings.data_dir, { recursive: true });
		fs.writeFileSync(this.conf,
			Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
		fs.copyFileSync(this.conf, outputPath(`${this.name}.conf`));
	}

	async start() {
		this.cluster.psql('postgres', `DROP DATABASE IF EXISTS "${this.dbname}"`);
		this.cluster.psql('postgres', `CREATE DATABASE "${this.dbname}"`);
		for (let attempt = 0; ; attempt++) {
			this.port = await freePort();
			this.writeConfig();
			try {
				await this.spawnServer();
				return;
			} catch (e) {
				if (attempt === 2 || !this.log().includes('cannot listen')) throw e;
			}
		}
	}

	async spawnServer(timeoutMs = 30000) {
		const log = fs.openSync(this.logPath, 'w');
		this.proc = spawn(BIN, ['-c', this.conf, 'serve'],
			{ stdio: ['ignore', 'ignore', log], env: childEnv(this.env) });
		fs.closeSync(log);
		this.exitCode = null;
		this.proc.on('exit', (code, signal) => { this.exitCode = code ?? signal; });
		const deadline = Date.now() + timeoutMs;
		let last = '';
		while (Date.now() < deadline) {
			if (this.exitCode !== null)
				throw new Error(`the server exited (${this.exitCode}) during start-up:\n${this.logTail()}`);
			try {
				const r = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2000) });
				if (r.status === 200) return;
				last = `healthz answered ${r.status}`;
			} catch (e) {
				last = String(e);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`no 200 from /healthz within ${timeoutMs} ms (${last}):\n${this.logTail()}`);
	}

	alive() { return this.proc !== null && this.exitCode === null; }

	// SIGTERM, then the exit code (or throws after 10 s, having killed it).
	stopServer(timeoutMs = 10000) {
		return new Promise((resolve, reject) => {
			if (!this.alive()) return resolve(this.exitCode);
			const timer = setTimeout(() => {
				this.proc.kill('SIGKILL');
				reject(new Error(`the server did not exit within ${timeoutMs} ms of SIGTERM`));
			}, timeoutMs);
			this.proc.once('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
			this.proc.kill('SIGTERM');
		});
	}

	cleanup() {
		if (this.alive()) this.proc.kill('SIGKILL');
		try {
			this.cluster.psql('postgres', `DROP DATABASE IF EXISTS "${this.dbname}" WITH (FORCE)`);
		} catch { /* reported by nobody: the database is a leftover at worst */ }
		fs.rmSync(this.tmp, { recursive: true, force: true });
	}

	log() {
		try { return fs.readFileSync(this.logPath, 'utf8'); } catch { return ''; }
	}

	logTail(n = 40) { return this.log().split('\n').slice(-n).join('\n'); }

	// `parasol -c conf ARGS...`; returns stdout. Throws on a non-zero exit or a sanitizer report.
	cli(args, input) {
		let out;
		try {
			out = execFileSync(BIN, ['-c', this.conf, ...args], {
				input: input ?? '', encoding: 'utf8', env: childEnv(), timeout: 120000,
				stdio: ['pipe', 'pipe', 'pipe'],
			});
		} catch (e) {
			throw new Error(`parasol ${args.join(' ')} failed (${e.status}):\n${e.stdout}${e.stderr}`);
		}
		return out;
	}
}

// --- the browser ---------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchBrowser() {
	const { chromium } = await import('playwright-core');
	// playwright gives every launch a fresh, temporary profile (user-data-dir).
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Watches every page of a browser context: console errors, uncaught exceptions, and requests
// that go anywhere but origin. take() returns what was seen since the last take().
export class Watcher {
	constructor(context, origin) {
		this.origin = origin;
		this.problems = [];
		this.faviconProblems = [];
		this.requests = 0;
		context.on('page', (page) => this.watch(page));
		for (const page of context.pages()) this.watch(page);
	}

	watch(page) {
		page.on('console', (msg) => {
			if (msg.type() === 'error') {
				const where = msg.location() && msg.location().url;
				// The browser asks for /favicon.ico by itself: counted apart (see faviconProblems).
				const list = where && new URL(where, this.origin).pathname === '/favicon.ico'
					? this.faviconProblems : this.problems;
				list.push(`console error on ${page.url()}: ${msg.text()}${where ? ` (${where})` : ''}`);
			}
		});
		page.on('pageerror', (err) => this.problems.push(`page error on ${page.url()}: ${err}`));
		page.on('request', (req) => {
			this.requests++;
			const url = req.url();
			if (url.startsWith('data:') || url === 'about:blank') return;
			let origin;
			try { origin = new URL(url).origin; } catch { origin = url; }
			if (origin !== this.origin)
				this.problems.push(`request to another host from ${page.url()}: ${req.method()} ${url}`);
		});
	}

	take() {
		const p = this.problems;
		this.problems = [];
		return p;
	}
}

// --- contexts and signing in (what every browser test starts with) -------------------------

// The Accept-Language header a reader of lang sends.
export function acceptLanguage(lang) {
	return lang === 'en' ? 'en' : `${lang},zh;q=0.9`;
}

// A browser context of its own (its own cookies) on base, for a reader of lang at width x
// height px, with every page watched (Watcher). Returns { context, page, watcher, lang, width,
// tr } (tr: translator(lang)); close it with context.close().
export async function openContext(browser, base, {
	lang = 'en', width = 1000, height = 800, javaScriptEnabled = true, timeout = 15000, colorScheme,
} = {}) {
	const context = await browser.newContext({
		locale: lang,
		extraHTTPHeaders: { 'Accept-Language': acceptLanguage(lang) },
		viewport: { width, height },
		baseURL: base,
		serviceWorkers: 'block',
		javaScriptEnabled,
		...(colorScheme ? { colorScheme } : {}),
	});
	const watcher = new Watcher(context, base);
	context.setDefaultTimeout(timeout);
	const page = await context.newPage();
	return { context, page, watcher, lang, width, tr: translator(lang) };
}

// Clicks a submit button (a locator) and waits for the page it leads to, after redirects;
// returns that page's response.
export async function submit(page, button) {
	const [response] = await Promise.all([
		page.waitForNavigation({ waitUntil: 'load' }),
		button.click(),
	]);
	return response;
}

// Signs page's context in as username through the sign-in form; returns the response of the
// page it lands on (/home when it worked). Ticks "Don't keep me signed in" when forget is set.
export async function signInAs(page, username, password, { forget = false } = {}) {
	await page.goto('/login', { waitUntil: 'load' });
	await page.fill('#username', username);
	await page.fill('#password', password);
	if (forget) await page.check('#forget');
	return submit(page, page.locator('form[action="/login"] button[type="submit"]'));
}

// --- accessibility -------------------------------------------------------------------------

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's violations on the page as lines "rule (impact): element: message", every
// <details> opened first so that what they fold is checked too.
export async function axeViolations(page) {
	await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(axeSource); // through the DevTools protocol: the page's CSP allows no script
	const result = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
		}));
	});
	return result.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}, ${v.help}): ${n}`));
}
