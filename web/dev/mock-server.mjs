// A stand-in for `hotline serve` for front-end work without the C daemon:
// serves dist/ and answers the API contract (docs/api/openapi.yaml) from
// memory, with simulated calls.  Not used by any test: the browser tests in
// tests/web run against the real daemon.
//
//   node dev/mock-server.mjs [PORT]      (after `npm run build`)
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UNIT_USERS, crmRoute, customers } from './mock-crm.mjs';

const PORT = Number(process.argv[2] || 8090);
const DIST = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const Q = [['general', 0.9, 10], ['enquiry', 0.8, 20], ['complaint', 0.8, 30], ['fault', 0.8, 20], ['appointment', 0.8, 30]];
const NAMES = ['王芳', '李娜', '张伟', '刘洋', '陈静', '杨磊', '赵敏', '黄勇', '周婷', '吴强', '김민준', '이서연', '徐丽', '孙杰', '马超', '朱琳', 'Emily Chen', '胡斌', '郭霞', '何涛'];
const now = () => Date.now();
const iso = (ms) => new Date(ms).toISOString();
let seq = 1;
const rnd = (a, b) => a + Math.floor(Math.random() * (b - a + 1));

const agents = {};
NAMES.forEach((n, i) => {
	const id = String(1001 + i);
	const st = i === 0 ? 'logged-out' : ['available', 'busy', 'busy', 'wrap-up', 'not-ready', 'busy', 'available'][i % 7];
	agents[id] = { id, name: n, state: st, reason: st === 'not-ready' ? 'break' : null,
		state_since_ms: now() - rnd(5, 900) * 1000, skills: { general: 8, mandarin: 9 }, devices: 1,
		contacts_today: rnd(3, 30), current: null };
});
const queues = {};
for (const [name, target, thr] of Q) {
	queues[name] = { name, channel: 'voice', sl_target: target, sl_threshold_s: thr, stats: {
		waiting: 0, longest_wait_s: 0, offered: rnd(40, 300), answered: 0, abandoned: 0, short_abandoned: 0,
		service_level: null, service_level_interval: null, asa_s: rnd(5, 40), aht_s: rnd(120, 400),
		abandon_rate: 0, occupancy: 0.8, agents: {} } };
	const s = queues[name].stats;
	s.abandoned = Math.floor(s.offered * Math.random() * 0.12);
	s.answered = s.offered - s.abandoned;
	s.service_level = Math.min(1, target - 0.15 + Math.random() * 0.25);
	s.service_level_interval = Math.min(1, target - 0.2 + Math.random() * 0.3);
	s.abandon_rate = s.abandoned / s.offered;
}
const contacts = {};
const intervals = {};
const IV = 15 * 60 * 1000;
for (const [name] of Q) {
	intervals[name] = [];
	const last = Math.floor(now() / IV) * IV;
	for (let k = 31; k >= 0; k--) {
		const start = last - k * IV;
		const offered = Math.max(0, Math.round((name === 'general' ? 14 : 5) * (0.6 + Math.sin(k / 5) * 0.4) + rnd(-2, 2)));
		const abandoned = Math.min(offered, rnd(0, 2));
		intervals[name].push({ start: iso(start), start_ms: start, offered, answered: offered - abandoned, abandoned,
			service_level: offered ? Math.max(0.4, Math.min(1, 0.95 - k % 7 * 0.05 + Math.random() * 0.1)) : null });
	}
}
function agentCounts() {
	const c = { available: 0, 'not-ready': 0, reserved: 0, busy: 0, 'wrap-up': 0, 'logged-out': 0 };
	for (const a of Object.values(agents)) c[a.state]++;
	for (const q of Object.values(queues)) {
		q.stats.agents = c;
		const w = Object.values(contacts).filter((x) => x.state === 'waiting' && x.queue === q.name);
		q.stats.waiting = w.length;
		q.stats.longest_wait_s = w.length ? Math.max(...w.map((x) => Math.floor((now() - x.arrived_ms) / 1000))) : 0;
	}
}
const wrapCodes = [
	{ code: 'resolved', label: { zh: '已解决', ko: '해결됨', en: 'Resolved' } },
	{ code: 'callback', label: { zh: '需回访', ko: '콜백 필요', en: 'Call back' } },
	{ code: 'work-order', label: { zh: '已派工单', ko: '작업 지시', en: 'Work order opened' } },
	{ code: 'transferred', label: { zh: '已转交部门', ko: '부서 이관', en: 'Passed to department' } },
	{ code: 'info', label: { zh: '咨询解答', ko: '안내 완료', en: 'Information given' } },
];
const tokens = {};
const done = [];   // interactions, newest first
const clients = new Set();

function send(ws, obj) {
	const data = Buffer.from(JSON.stringify(obj));
	let head;
	if (data.length < 126) head = Buffer.from([0x81, data.length]);
	else if (data.length < 65536) { head = Buffer.alloc(4); head[0] = 0x81; head[1] = 126; head.writeUInt16BE(data.length, 2); }
	else { head = Buffer.alloc(10); head[0] = 0x81; head[1] = 127; head.writeBigUInt64BE(BigInt(data.length), 2); }
	try { ws.write(Buffer.concat([head, data])); } catch { clients.delete(ws); }
}
function broadcast(obj) { for (const c of clients) send(c, obj); }
function snapshot(user) {
	agentCounts();
	const mine = user.role === 'agent';
	return { type: 'snapshot', time_ms: now(),
		agents: Object.values(agents).filter((a) => !mine || a.id === user.agent),
		queues: Object.values(queues),
		contacts: Object.values(contacts).filter((c) => !mine || c.agent === user.agent) };
}
function setAgent(a, state, reason) {
	a.state = state; a.reason = reason || null; a.state_since_ms = now();
	broadcast({ type: 'agent.state', agent: a });
	agentCounts();
	for (const q of Object.values(queues)) broadcast({ type: 'queue.stats', queue: q });
}
function newContact(queue, agent) {
	const id = `c${seq++}`;
	const c = { id, interaction: `01JMOCK${String(seq).padStart(6, '0')}`, channel: 'voice', state: 'waiting', queue,
		agent: null, caller: `+86138${rnd(10000000, 99999999)}`, dialed: '12345', priority: 0, position: 1,
		waited_s: 0, arrived_ms: now(),
		ivr: { flow: 'main', language: 'zh', path: ['lang_menu', 'chinese', 'main_menu', 'fault'],
			choices: [{ menu: 'lang_menu', key: '1' }, { menu: 'main_menu', key: '3' }],
			digits: { account: String(rnd(10000000, 99999999)) }, lookup: {}, vars: {} },
		customer_lookup: agent ? 'found' : 'unknown',
		customer: agent ? { ...customers[0], linked_by: 'auto', interactions: [
			{ id: '01JOLD1', channel: 'voice', arrived: iso(now() - 86400e3 * 3), arrived_ms: now() - 86400e3 * 3, queue: 'fault', agent: '1003', disposition: 'answered', wrapup_code: 'work-order' },
			{ id: '01JOLD2', channel: 'voice', arrived: iso(now() - 86400e3 * 9), arrived_ms: now() - 86400e3 * 9, queue: 'general', agent: null, disposition: 'abandoned', wrapup_code: null }],
			workorders: [{ id: 'x', number: 41, category: 'fault', status: 'dispatched', priority: 'normal', subject: '停水一整天', overdue: true }] } : null };
	if (agent) c.caller = '+8613800138000';
	contacts[id] = c;
	broadcast({ type: 'contact.queued', contact: c });
	if (agent) setTimeout(() => offer(c, agent), 1500);
	return c;
}
function offer(c, a) {
	c.state = 'offered'; c.agent = a.id; c.waited_s = Math.floor((now() - c.arrived_ms) / 1000); c.position = null;
	a.current = c; setAgent(a, 'reserved');
	broadcast({ type: 'contact.offered', contact: c });
	setTimeout(() => { c.state = 'connected'; setAgent(a, 'busy'); broadcast({ type: 'contact.accepted', contact: c }); }, 2500);
}
function body(req) {
	return new Promise((res) => { let b = ''; req.on('data', (d) => { b += d; }); req.on('end', () => { try { res(b ? JSON.parse(b) : {}); } catch { res({}); } }); });
}
function json(res, st, obj) { res.writeHead(st, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); return true; }
function userOf(req, url) {
	const h = req.headers.authorization || '';
	return tokens[h.replace(/^Bearer /, '')] || tokens[url.searchParams.get('token')];
}

const server = http.createServer(async (req, res) => {
	const url = new URL(req.url, 'http://x');
	const p = url.pathname;
	if (!p.startsWith('/api/')) {
		let f = path.join(DIST, path.normalize(p).replace(/^\/+/, ''));
		if (!f.startsWith(DIST) || !fs.existsSync(f) || fs.statSync(f).isDirectory()) f = path.join(DIST, 'index.html');
		const type = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8' }[path.extname(f)] || 'application/octet-stream';
		res.writeHead(200, { 'Content-Type': type });
		return fs.createReadStream(f).pipe(res);
	}
	if (p === '/api/v1/login' && req.method === 'POST') {
		const b = await body(req);
		let user = null;
		if (b.username === 'supervisor' && b.password === 'supervisor-demo') user = { username: 'supervisor', role: 'supervisor', tenant: 'demo', agent: null, language: 'zh', display_name: '值班长 林' };
		else if (agents[b.username] && b.password === `pw${b.username}`) user = { username: b.username, role: 'agent', tenant: 'demo', agent: b.username, language: 'zh', display_name: agents[b.username].name };
		else if (UNIT_USERS[b.username] && b.password === UNIT_USERS[b.username].password) user = { username: b.username, role: 'unit', unit: UNIT_USERS[b.username].unit, tenant: 'demo', agent: null, language: 'zh', display_name: b.username };
		if (!user) return json(res, 401, { error: { code: 'unauthorized', message: 'bad credentials' } });
		const token = crypto.randomBytes(16).toString('hex');
		tokens[token] = user;
		return json(res, 200, { token, user });
	}
	const user = userOf(req, url);
	if (!user) return json(res, 401, { error: { code: 'unauthorized', message: 'sign in' } });
	let m;
	if (p === '/api/v1/me' && req.method === 'GET') return json(res, 200, { user });
	if (p === '/api/v1/me' && req.method === 'PATCH') { Object.assign(user, { language: (await body(req)).language }); return json(res, 200, { user }); }
	if (p === '/api/v1/logout') return json(res, 200, {});
	if (p === '/api/v1/reason-codes') return json(res, 200, { reason_codes: ['break', 'lunch', 'meeting', 'training', 'no-answer', 'rejected'] });
	if (p === '/api/v1/wrapup-codes') return json(res, 200, { wrapup_codes: wrapCodes });
	if ((m = p.match(/^\/api\/v1\/queues\/([^/]+)\/intervals$/))) return json(res, 200, { intervals: intervals[m[1]] || [] });
	if ((m = p.match(/^\/api\/v1\/agents\/(\d+)\/state$/))) {
		const b = await body(req); const a = agents[m[1]];
		setAgent(a, b.state, b.reason);
		if (b.state === 'available' && a.id === '1001') setTimeout(() => newContact('general', a), 1000);
		return json(res, 200, a);
	}
	if ((m = p.match(/^\/api\/v1\/agents\/(\d+)\/call\/(\w+)$/))) {
		const a = agents[m[1]]; const c = a.current;
		if (!c) return json(res, 409, { error: { code: 'no_call', message: 'no call' } });
		if (m[2] === 'hold') c.held = true;
		if (m[2] === 'resume') c.held = false;
		if (m[2] === 'hangup' || m[2] === 'transfer') {
			delete contacts[c.id]; a.current = null; c.state = 'completed';
			done.unshift({ id: c.interaction, channel: 'voice', caller: c.caller, dialed: c.dialed, queue: c.queue, agent: a.id,
				arrived: iso(c.arrived_ms), answered: iso(c.arrived_ms + 4000), ended: iso(now()), disposition: 'answered',
				wrapup_code: null, note: null });
			broadcast({ type: 'contact.completed', contact: c });
			a.contacts_today++; setAgent(a, 'wrap-up');
		} else broadcast({ type: 'contact.accepted', contact: c });
		return json(res, 200, {});
	}
	if ((m = p.match(/^\/api\/v1\/agents\/(\d+)\/wrapup\/end$/))) { setAgent(agents[m[1]], 'available'); return json(res, 200, agents[m[1]]); }
	if ((m = p.match(/^\/api\/v1\/contacts\/([^/]+)\/priority$/))) {
		const c = contacts[m[1]]; c.priority = (await body(req)).priority;
		broadcast({ type: 'contact.priority', contact: c }); return json(res, 200, c);
	}
	if ((m = p.match(/^\/api\/v1\/interactions\/([^/]+)\/wrapup$/))) {
		const b = await body(req); const x = done.find((d) => d.id === m[1]);
		if (x) { x.wrapup_code = b.code; x.note = b.note; }
		return json(res, 200, x || {});
	}
	if (p === '/api/v1/interactions') {
		const ag = url.searchParams.get('agent');
		return json(res, 200, { interactions: done.filter((d) => !ag || d.agent === ag).slice(0, Number(url.searchParams.get('limit') || 50)) });
	}
	if (await crmRoute(req, res, user, url, p, body, json, broadcast) !== null) return undefined;
	return json(res, 404, { error: { code: 'not_found', message: p } });
});
server.on('upgrade', (req, sock) => {
	const url = new URL(req.url, 'http://x');
	const user = tokens[url.searchParams.get('token')];
	if (!user) { sock.end('HTTP/1.1 401 Unauthorized\r\n\r\n'); return; }
	const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
	sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
	clients.add(sock);
	sock.on('close', () => clients.delete(sock));
	sock.on('error', () => clients.delete(sock));
	send(sock, snapshot(user));
});
// Background traffic: callers arrive, wait, get answered or give up.
setInterval(() => {
	const names = Object.keys(queues);
	if (Math.random() < 0.5) {
		const c = newContact(names[rnd(0, names.length - 1)]);
		queues[c.queue].stats.offered++;
	}
	for (const c of Object.values(contacts)) {
		if (c.state !== 'waiting' || Math.random() > 0.25) continue;
		delete contacts[c.id];
		queues[c.queue].stats.answered++;
		broadcast({ type: 'contact.completed', contact: { ...c, state: 'completed' } });
	}
	agentCounts();
	for (const q of Object.values(queues)) broadcast({ type: 'queue.stats', queue: q });
}, 2000);
server.listen(PORT, '127.0.0.1', () => console.log(`mock hotline on http://127.0.0.1:${PORT}`));
