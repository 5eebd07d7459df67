// A headless Chromium for the scenario tests, driven line by line over
// stdin/stdout so that python tests (tests/common/harness.py, SIPp) can
// use it.  Debian's /usr/bin/chromium through playwright-core from
// web/node_modules; no browser is downloaded.  playwright starts it with a
// fresh, temporary --user-data-dir of its own and removes it on close.
//
// Each request is one JSON line {"id": N, "op": "...", ...}; each answer
// one line {"id": N, "ok": true, "value": ...} or {"id": N, "ok": false,
// "error": "..."}.  Pages are named ("agent", "wall").  Ops:
//   open {page, width, height}       a new context (fresh storage) and page
//   goto {page, url}                 click {page, sel}
//   fill {page, sel, value}          select {page, sel, value}
//   files {page, sel, name, mime, b64}   a file chosen in an <input type=file>
//   wait {page, sel, text?, state?, timeout?}   until sel is visible (and
//                                    contains text)
//   text {page, sel}                 innerText of the first match
//   count {page, sel}                eval {page, js} (an expression)
//   shot {page, path, full?}         console {page} -> messages so far
//   fonts {page, sel} -> [{familyName, glyphCount}] actually used
//   close {page} | quit
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	timeout: 30000,
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--no-first-run', '--disable-sync',
		'--disable-quic', '--disable-dev-shm-usage',
		'--font-render-hinting=none'],
});
const pages = {};
const logs = {};

async function run(req) {
	const p = req.page ? pages[req.page] : null;
	const tmo = req.timeout ?? 10000;
	switch (req.op) {
	case 'open': {
		const ctx = await browser.newContext({
			viewport: { width: req.width || 1440, height: req.height || 900 },
			deviceScaleFactor: req.scale || 1,
			locale: req.locale || 'en-GB',
			timezoneId: req.tz || 'Asia/Shanghai',
		});
		const page = await ctx.newPage();
		logs[req.page] = [];
		page.on('console', (m) => logs[req.page].push(`${m.type()}: ${m.text()}`));
		page.on('pageerror', (e) => logs[req.page].push(`pageerror: ${e.message}`));
		pages[req.page] = page;
		return true;
	}
	case 'goto': await p.goto(req.url, { timeout: tmo }); return true;
	case 'click': await p.click(req.sel, { timeout: tmo }); return true;
	case 'fill': await p.fill(req.sel, req.value, { timeout: tmo }); return true;
	case 'select': await p.selectOption(req.sel, req.value, { timeout: tmo }); return true;
	case 'files':
		await p.setInputFiles(req.sel, { name: req.name, mimeType: req.mime,
			buffer: Buffer.from(req.b64, 'base64') }, { timeout: tmo });
		return true;
	case 'wait': {
		const loc = req.text !== undefined
			? p.locator(req.sel, { hasText: req.text }).first()
			: p.locator(req.sel).first();
		await loc.waitFor({ state: req.state || 'visible', timeout: tmo });
		return true;
	}
	case 'text': return await p.locator(req.sel).first().innerText({ timeout: tmo });
	case 'count': return await p.locator(req.sel).count();
	case 'eval': return await p.evaluate(req.js);
	case 'shot':
		fs.mkdirSync(path.dirname(req.path), { recursive: true });
		await p.screenshot({ path: req.path, fullPage: !!req.full, timeout: tmo });
		return req.path;
	case 'console': return logs[req.page] || [];
	case 'fonts': {
		// The fonts Chromium really drew an element's text with (DevTools
		// protocol): [{familyName, glyphCount}], proof that CJK text is not
		// tofu and which CJK face was picked.
		const cdp = await p.context().newCDPSession(p);
		try {
			await cdp.send('DOM.enable');
			await cdp.send('CSS.enable');
			const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
			const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: req.sel });
			if (!nodeId) throw new Error(`no element ${req.sel}`);
			const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
			return fonts;
		} finally {
			await cdp.detach();
		}
	}
	case 'close': await p.context().close(); delete pages[req.page]; return true;
	case 'quit': return 'bye';
	default: throw new Error(`unknown op ${req.op}`);
	}
}

async function shutdown(code) {
	try { await browser.close(); } catch { /* already gone */ }
	process.exit(code);
}

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
	queue = queue.then(async () => {
		let req;
		try { req = JSON.parse(line); } catch { return; }
		let out;
		try {
			out = { id: req.id, ok: true, value: await run(req) };
		} catch (e) {
			out = { id: req.id, ok: false, error: String(e && e.message || e).split('\n').slice(0, 6).join('\n') };
		}
		process.stdout.write(JSON.stringify(out) + '\n');
		if (req.op === 'quit') await shutdown(0);
	});
});
rl.on('close', () => { queue.then(() => shutdown(0)); });
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => shutdown(1));
