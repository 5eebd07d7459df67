// Work orders on the client: which moves a user may offer on an order (the
// daemon's table, src/crm/workflow.c, mirrored so that the page shows only
// buttons that can work; the daemon still decides), due-time state and the
// hash routes of the work-order screens.  Pure functions, unit-tested.

export const STATUSES = ['new', 'dispatched', 'in_progress', 'answered',
	'follow_up', 'closed', 'reopened'];
export const OPEN_STATUSES = STATUSES.filter((s) => s !== 'closed');
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

// move -> statuses it starts from, roles that may make it, what it needs.
export const MOVES = {
	dispatch: { from: ['new', 'reopened', 'in_progress'], roles: ['agent', 'supervisor'], need: 'unit' },
	take: { from: ['new', 'reopened'], roles: ['agent', 'supervisor'] },
	accept: { from: ['dispatched'], roles: ['unit', 'supervisor'] },
	return: { from: ['dispatched', 'in_progress'], roles: ['unit', 'supervisor'], need: 'text' },
	answer: { from: ['in_progress'], roles: ['unit', 'agent', 'supervisor'], need: 'text' },
	follow_up: { from: ['answered'], roles: ['agent', 'supervisor'] },
	close: { from: ['answered', 'follow_up'], roles: ['agent', 'supervisor'] },
	reopen: { from: ['answered', 'follow_up', 'closed'], roles: ['agent', 'supervisor'], need: 'text' },
};

// The roles a user acts as: an admin may do what a supervisor may, a
// supervisor what an agent may; a unit user is a unit user only.
export function actingRoles(role) {
	if (role === 'admin') return ['admin', 'supervisor', 'agent'];
	if (role === 'supervisor') return ['supervisor', 'agent'];
	return [role];
}

// The moves user may make on order now, in the table's order.
export function allowedMoves(order, user) {
	if (!order || !user) return [];
	const roles = actingRoles(user.role);
	return Object.entries(MOVES).filter(([, m]) =>
		m.from.includes(order.status) && m.roles.some((r) => roles.includes(r)) &&
		!(user.role === 'unit' && order.unit && user.unit && order.unit !== user.unit))
		.map(([name]) => name);
}

// Statuses in which the order's due time is met (the daemon's overdue
// means not answered yet and past due).
const DUE_MET = ['answered', 'follow_up', 'closed'];

// 'overdue' (not answered, past due), 'soon' (flagged or escalated), 'ok',
// or 'done' (answered or closed: the due time no longer runs).
export function dueState(order, now) {
	if (!order) return 'ok';
	if (DUE_MET.includes(order.status)) return 'done';
	const due = typeof order.due_ms === 'number' ? order.due_ms : Date.parse(order.due);
	if (order.overdue || (Number.isFinite(due) && due <= now)) return 'overdue';
	if (order.flagged || order.escalated) return 'soon';
	return 'ok';
}

// The screens' hash routes: #/desk, #/wall, #/orders[?k=v], #/orders/42,
// #/inbox.  -> {name, id, query}; name null for anything else.
export function parseRoute(hash) {
	const h = String(hash || '').replace(/^#\/?/, '');
	const [pathPart, queryPart] = h.split('?');
	const parts = pathPart.split('/').filter(Boolean);
	const query = Object.fromEntries(new URLSearchParams(queryPart || ''));
	if (parts[0] === 'desk' || parts[0] === 'wall' || parts[0] === 'inbox')
		return { name: parts[0], id: null, query };
	if (parts[0] === 'orders' && parts[1])
		return { name: 'order', id: decodeURIComponent(parts[1]), query };
	if (parts[0] === 'orders') return { name: 'orders', id: null, query };
	return { name: null, id: null, query };
}

// The search form's values as the API's query (empty ones left out).
export function orderQuery(f) {
	const q = {};
	if (f.number && /^\d+$/.test(String(f.number).trim())) q.number = String(f.number).trim();
	for (const k of ['customer', 'category', 'unit', 'agent']) if (f[k]) q[k] = f[k];
	if (f.status) q.status = f.status;
	if (f.due_before) q.due_before = f.due_before;
	if (f.view === 'overdue') q.overdue = 'true';
	if (f.view === 'escalated') q.escalated = 'true';
	if (f.view === 'open') q.open = 'true';
	q.limit = f.limit || 50;
	return q;
}

// A form field's value as the API wants it (numbers as numbers), or
// undefined when left empty.
export function fieldValue(field, raw) {
	if (raw === undefined || raw === null) return undefined;
	const s = String(raw).trim();
	if (s === '') return undefined;
	if (field.type === 'number') {
		const n = Number(s);
		return Number.isFinite(n) ? n : s;
	}
	return s;
}
