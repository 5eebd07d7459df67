// The REST client: the public API only (docs/api/openapi.yaml), with the
// bearer token kept in this browser's localStorage.
const TOKEN_KEY = 'hotline.token';

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message || code || `HTTP ${status}`);
		this.status = status;
		this.code = code;
	}
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(f) { onUnauthorized = f; }

export function getToken() {
	try { return localStorage.getItem(TOKEN_KEY); } catch { return null; }
}
export function setToken(tok) {
	try {
		if (tok) localStorage.setItem(TOKEN_KEY, tok);
		else localStorage.removeItem(TOKEN_KEY);
	} catch { /* private mode: the session lasts as long as the page */ }
}

export async function request(method, path, body) {
	const headers = { Accept: 'application/json' };
	const tok = getToken();
	if (tok) headers.Authorization = `Bearer ${tok}`;
	let data;
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		data = JSON.stringify(body);
	}
	const r = await fetch(path, { method, headers, body: data });
	const text = await r.text();
	let json = null;
	try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
	if (!r.ok) {
		const e = (json && json.error) || {};
		if (r.status === 401 && path !== '/api/v1/login') onUnauthorized();
		throw new ApiError(r.status, e.code, e.message || text.slice(0, 200));
	}
	return json;
}

const enc = encodeURIComponent;
export const api = {
	login: (username, password) =>
		request('POST', '/api/v1/login', { username, password }),
	logout: () => request('POST', '/api/v1/logout', {}),
	me: () => request('GET', '/api/v1/me'),
	setLanguage: (language) => request('PATCH', '/api/v1/me', { language }),
	agents: () => request('GET', '/api/v1/agents'),
	setState: (ext, state, reason) =>
		request('POST', `/api/v1/agents/${enc(ext)}/state`,
			reason ? { state, reason } : { state }),
	endWrapup: (ext) => request('POST', `/api/v1/agents/${enc(ext)}/wrapup/end`, {}),
	reasonCodes: () => request('GET', '/api/v1/reason-codes'),
	wrapupCodes: () => request('GET', '/api/v1/wrapup-codes'),
	call: (ext, action, body) =>
		request('POST', `/api/v1/agents/${enc(ext)}/call/${action}`, body || {}),
	intervals: (queue, hours) =>
		request('GET', `/api/v1/queues/${enc(queue)}/intervals?hours=${hours}`),
	setPriority: (id, priority) =>
		request('POST', `/api/v1/contacts/${enc(id)}/priority`, { priority }),
	interactions: (q) => request('GET', '/api/v1/interactions?' +
		new URLSearchParams(q).toString()),
	saveWrapup: (id, code, note) =>
		request('PUT', `/api/v1/interactions/${enc(id)}/wrapup`, { code, note }),

	// Customers and work orders (the CRM API, /work/wt/CRM-API.md).
	customers: (q) => request('GET', '/api/v1/customers?' + qs(q)),
	customer: (id) => request('GET', `/api/v1/customers/${enc(id)}`),
	acceptContact: (id) => request('POST', `/api/v1/contacts/${enc(id)}/accept`),
	rejectContact: (id) => request('POST', `/api/v1/contacts/${enc(id)}/reject`),
	linkCustomer: (contact, customer) =>
		request('PUT', `/api/v1/contacts/${enc(contact)}/customer`, { customer }),
	categories: () => request('GET', '/api/v1/workorder-categories'),
	units: () => request('GET', '/api/v1/units'),
	orders: (q) => request('GET', '/api/v1/workorders?' + qs(q)),
	order: (id) => request('GET', `/api/v1/workorders/${enc(id)}`),
	createOrder: (body) => request('POST', '/api/v1/workorders', body),
	moveOrder: (id, body) => request('POST', `/api/v1/workorders/${enc(id)}/move`, body),
	// a file as the request body, its type as Content-Type
	attach: async (id, file) => {
		const tok = getToken();
		const r = await fetch(`/api/v1/workorders/${enc(id)}/attachments?name=${enc(file.name)}`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${tok}`, 'Content-Type': file.type || 'application/octet-stream' },
			body: file,
		});
		const j = await r.json().catch(() => null);
		if (!r.ok) throw new ApiError(r.status, j && j.error && j.error.code, (j && j.error && j.error.message) || `HTTP ${r.status}`);
		return j;
	},
	// an attachment as a blob URL (the link needs the bearer token)
	attachmentUrl: async (url) => {
		const r = await fetch(url, { headers: { Authorization: `Bearer ${getToken()}` } });
		if (!r.ok) throw new ApiError(r.status, null, `HTTP ${r.status}`);
		return URL.createObjectURL(await r.blob());
	},
	commentOrder: (id, text) =>
		request('POST', `/api/v1/workorders/${enc(id)}/comments`, { text }),
};

// A query string of the set values only.
function qs(q) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(q || {}))
		if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
	return p.toString();
}
