// The CRM part of the mock daemon (customers, work orders, units), after
// /work/wt/CRM-API.md, for design work on the work-order screens only.
// The browser tests run against the real daemon.
const now = () => Date.now();
const iso = (ms) => new Date(ms).toISOString();
const H = 3600e3;

export const UNIT_USERS = {
	water: { password: 'water-demo', unit: 'water' },
	power: { password: 'power-demo', unit: 'power' },
	roads: { password: 'roads-demo', unit: 'roads' },
};
const units = [
	{ name: 'water', title: 'Water department', users: ['water', 'w.zhang'] },
	{ name: 'power', title: 'Power department', users: ['power'] },
	{ name: 'roads', title: 'Roads and street lights', users: ['roads'] },
];
const DUE = { low: 72, normal: 24, high: 8, urgent: 2 };
const categories = [
	{ name: 'enquiry', title: 'Enquiry', unit: null, fields: [
		{ name: 'topic', title: 'topic', type: 'choice', required: true, choices: ['permit', 'social-insurance', 'housing-fund', 'other'] },
		{ name: 'question', title: 'Question', type: 'text', required: true }] },
	{ name: 'complaint', title: 'Complaint or suggestion', unit: null, fields: [
		{ name: 'kind', title: 'kind', type: 'choice', required: true, choices: ['complaint', 'suggestion'] },
		{ name: 'about', title: 'About whom or what', type: 'text', required: true },
		{ name: 'details', title: 'Details', type: 'text', max_length: 4000 }] },
	{ name: 'fault', title: 'Fault report', unit: 'water', fields: [
		{ name: 'utility', title: 'utility', type: 'choice', required: true, choices: ['water', 'power', 'gas', 'road', 'street-light'] },
		{ name: 'address', title: 'Address', type: 'text', required: true },
		{ name: 'since', title: 'Noticed on', type: 'date' },
		{ name: 'contact', title: 'Call-back number', type: 'phone' }] },
];
const MOVES = {
	dispatch: [['new', 'reopened', 'in_progress'], 'dispatched'], take: [['new', 'reopened'], 'in_progress'],
	accept: [['dispatched'], 'in_progress'], return: [['dispatched', 'in_progress'], 'new'],
	answer: [['in_progress'], 'answered'], follow_up: [['answered'], 'follow_up'],
	close: [['answered', 'follow_up'], 'closed'], reopen: [['answered', 'follow_up', 'closed'], 'reopened'],
};
export const customers = [
	{ id: '01JCUST0000000000000000001', name: '王磊', language: 'zh', note: null,
		identities: [{ kind: 'phone', value: '8613800138000' }] },
	{ id: '01JCUST0000000000000000002', name: '김민지', language: 'ko', note: null,
		identities: [{ kind: 'phone', value: '821012345678' }, { kind: 'email', value: 'minji@example.kr' }] },
];
const orders = [];
let number = 40;

function mk(cat, fields, subject, customer, status, ageH, prio, unit) {
	const created = now() - ageH * H;
	const o = { id: `01JWO${String(++number).padStart(21, '0')}`, number, category: cat, status, priority: prio,
		customer, unit, agent: '1003', subject, fields, interaction: null,
		created: iso(created), created_ms: created, updated: iso(now()),
		due: iso(created + DUE[prio] * H), due_ms: created + DUE[prio] * H, warn_at: null,
		flagged: null, escalated: null, overdue: false, answered: null, closed: null, satisfaction: null, version: 1,
		events: [{ seq: 1, time: iso(created), time_ms: created, actor: '1003', role: 'agent', kind: 'created', action: null, from: null, to: 'new', text: null, data: null }] };
	if (status !== 'new') o.events.push({ seq: 2, time: iso(created + 600e3), time_ms: created + 600e3, actor: 'supervisor', role: 'supervisor', kind: 'move', action: 'dispatch', from: 'new', to: 'dispatched', text: null, data: { unit } });
	if (status === 'in_progress') o.events.push({ seq: 3, time: iso(created + 1800e3), time_ms: created + 1800e3, actor: 'water', role: 'unit', kind: 'move', action: 'accept', from: 'dispatched', to: 'in_progress', text: null, data: null });
	o.overdue = o.status !== 'closed' && o.due_ms < now();
	if (o.overdue) o.escalated = iso(o.due_ms);
	orders.push(o);
	return o;
}
mk('fault', { utility: 'water', address: '朝阳区建国路 88 号 3 单元' }, '停水一整天', customers[0].id, 'dispatched', 30, 'normal', 'water');
mk('fault', { utility: 'street-light', address: '海淀区学院路 12 号门口' }, '路灯不亮', null, 'in_progress', 5, 'high', 'roads');
mk('complaint', { kind: 'complaint', about: '公交 52 路', details: '司机态度' }, null, customers[1].id, 'new', 1, 'normal', null);
mk('enquiry', { topic: 'permit', question: '营业执照办理需要哪些材料？' }, '营业执照材料', customers[0].id, 'answered', 50, 'low', null);

const pub = (o) => { const { events, ...x } = o; return x; };

function visible(user, o) { return user.role !== 'unit' || o.unit === user.unit; }

export async function crmRoute(req, res, user, url, p, body, json, broadcast) {
	let m;
	const q = url.searchParams;
	if (p === '/api/v1/workorder-categories') return json(res, 200, { categories: categories.map((c) => ({ ...c, due_s: {} })),
		priorities: ['low', 'normal', 'high', 'urgent'], moves: Object.keys(MOVES), attachment_max: 5000000, attachment_types: [] });
	if (p === '/api/v1/units') return json(res, 200, { units });
	if (p === '/api/v1/customers' && req.method === 'GET') {
		const s = (q.get('q') || q.get('name') || q.get('phone') || '').replace(/^\+/, '');
		return json(res, 200, { customers: customers.filter((c) => !s || c.name.startsWith(s) ||
			c.identities.some((i) => i.value.endsWith(s.replace(/\D/g, '') || '#'))), limit: 50, offset: 0, next_offset: null });
	}
	if ((m = p.match(/^\/api\/v1\/customers\/([^/]+)$/))) {
		const c = customers.find((x) => x.id === m[1]);
		if (!c) return json(res, 404, { error: { code: 'not_found', message: 'no such customer' } });
		return json(res, 200, { ...c, interactions: [], workorders: orders.filter((o) => o.customer === c.id && o.status !== 'closed').map(pub), bookings: [] });
	}
	if (p === '/api/v1/workorders' && req.method === 'GET') {
		let l = orders.filter((o) => visible(user, o));
		if (q.get('number')) l = l.filter((o) => String(o.number) === q.get('number'));
		if (q.get('customer')) l = l.filter((o) => o.customer === q.get('customer'));
		if (q.get('status')) l = l.filter((o) => q.get('status').split(',').includes(o.status));
		if (q.get('category')) l = l.filter((o) => o.category === q.get('category'));
		if (q.get('unit')) l = l.filter((o) => o.unit === q.get('unit'));
		if (q.get('open') === 'true') l = l.filter((o) => o.status !== 'closed');
		if (q.get('overdue') === 'true') l = l.filter((o) => o.overdue);
		if (q.get('escalated') === 'true') l = l.filter((o) => o.escalated);
		l.sort((a, b) => a.due_ms - b.due_ms);
		return json(res, 200, { workorders: l.map(pub), limit: 50, offset: 0, next_offset: null });
	}
	if (p === '/api/v1/workorders' && req.method === 'POST') {
		const b = await body(req);
		const cat = categories.find((c) => c.name === b.category);
		if (!cat) return json(res, 400, { error: { code: 'bad_value', message: `unknown category ${b.category}` } });
		for (const f of cat.fields) if (f.required && !(b.fields || {})[f.name])
			return json(res, 400, { error: { code: 'bad_value', message: `${cat.name}: ${f.name} is required` } });
		const o = mk(cat.name, b.fields || {}, b.subject || null, b.customer || null, 'new', 0, b.priority || 'normal', null);
		o.agent = user.agent; o.interaction = b.interaction || null; o.events[0].actor = user.username;
		broadcast({ type: 'workorder.created', workorder: { id: o.id, number: o.number, status: o.status, unit: o.unit } });
		return json(res, 201, pub(o));
	}
	if ((m = p.match(/^\/api\/v1\/workorders\/([^/]+)(\/move|\/comments)?$/))) {
		const o = orders.find((x) => x.id === m[1] || String(x.number) === m[1]);
		if (!o || !visible(user, o)) return json(res, 404, { error: { code: 'not_found', message: 'no such work order' } });
		if (!m[2]) return json(res, 200, { ...o, attachments: [], followups: [] });
		const b = await body(req);
		const ev = { seq: o.events.length + 1, time: iso(now()), time_ms: now(), actor: user.username, role: user.role,
			kind: m[2] === '/move' ? 'move' : 'comment', action: null, from: null, to: null, text: b.text || null, data: null };
		if (m[2] === '/move') {
			const mv = MOVES[b.move];
			if (!mv || !mv[0].includes(o.status))
				return json(res, 409, { error: { code: 'illegal_move', message: `${b.move}: order ${o.number} is ${o.status}` } });
			Object.assign(ev, { action: b.move, from: o.status, to: mv[1], data: b.unit ? { unit: b.unit } : null });
			o.status = mv[1];
			if (b.unit) o.unit = b.unit;
		}
		o.events.push(ev);
		o.version++;
		broadcast({ type: 'workorder.changed', workorder: { id: o.id, number: o.number, status: o.status, unit: o.unit } });
		return json(res, m[2] === '/move' ? 200 : 201, m[2] === '/move' ? pub(o) : { workorder: pub(o) });
	}
	return null;
}
