// The live picture of the center, kept from the WebSocket's snapshot and
// the events after it.  Pure functions: apply(state, message, now) returns
// a new state and never mutates the old one (Preact re-renders on identity).

export const AGENT_STATES = ['available', 'reserved', 'busy', 'wrap-up',
	'not-ready', 'logged-out'];
const LIVE_CONTACT = new Set(['waiting', 'offered', 'connected']);
const ENDING = new Set(['contact.completed', 'contact.abandoned',
	'contact.overflowed']);
export const INTERVAL_MS = 15 * 60 * 1000;
const MAX_INTERVALS = 8 * 4 + 1;

export function emptyState() {
	return {
		ready: false,     // a snapshot arrived
		agents: {},       // id -> agent
		queues: {},       // name -> queue
		contacts: {},     // id -> live contact (waiting, offered, connected)
		ended: {},        // agent id -> the last contact that agent finished
		intervals: {},    // queue -> [interval], oldest first
		skew: 0,          // server clock minus ours, ms
		woSeq: 0,         // work-order events seen
		woLast: null,     // the last work order an event named
	};
}

// The agent as the UI uses it: `id` (older answers call it `ext`),
// `state_since_ms` (or parsed from `state_since`), skills as {name: level}.
export function normAgent(a) {
	if (!a) return a;
	const out = { ...a };
	if (out.id === undefined && out.ext !== undefined) out.id = String(out.ext);
	if (typeof out.state_since_ms !== 'number' && out.state_since) {
		const ms = Date.parse(out.state_since);
		if (!Number.isNaN(ms)) out.state_since_ms = ms;
	}
	if (Array.isArray(out.skills))
		out.skills = Object.fromEntries(out.skills.map((x) => [x.skill, x.level]));
	return out;
}

function byKey(list, key) {
	const m = {};
	for (const x of list || []) m[x[key]] = x;
	return m;
}

export function apply(state, msg, now = Date.now()) {
	switch (msg && msg.type) {
	case 'snapshot': {
		const contacts = {};
		for (const c of msg.contacts || [])
			if (LIVE_CONTACT.has(c.state)) contacts[c.id] = c;
		// An agent's current contact may come only inside the agent.
		const agents = (msg.agents || []).map(normAgent);
		for (const a of agents)
			if (a.current && LIVE_CONTACT.has(a.current.state))
				contacts[a.current.id] = { ...a.current, ...contacts[a.current.id] };
		return {
			...state,
			ready: true,
			agents: byKey(agents, 'id'),
			queues: byKey(msg.queues, 'name'),
			contacts,
			skew: typeof msg.time_ms === 'number' ? msg.time_ms - now : state.skew,
		};
	}
	case 'agent.state': {
		const a = normAgent(msg.agent);
		if (!a || !a.id) return state;
		const next = { ...state, agents: { ...state.agents, [a.id]: a } };
		if (a.current && LIVE_CONTACT.has(a.current.state))
			next.contacts = { ...state.contacts, [a.current.id]: a.current };
		return next;
	}
	case 'queue.stats': {
		const q = msg.queue;
		if (!q || !q.name) return state;
		return { ...state, queues: { ...state.queues, [q.name]: q } };
	}
	case 'queue.interval': {
		if (!msg.queue || !msg.interval) return state;
		const list = mergeInterval(state.intervals[msg.queue] || [], msg.interval);
		return { ...state, intervals: { ...state.intervals, [msg.queue]: list } };
	}
	default:
		if (msg && typeof msg.type === 'string' &&
		    msg.type.startsWith('contact.') && msg.contact && msg.contact.id)
			return applyContact(state, msg.type, msg.contact);
		// Work orders: only a counter and the last one; the screens
		// fetch what they show again when it moves.
		if (msg && typeof msg.type === 'string' &&
		    msg.type.startsWith('workorder.') && msg.workorder)
			return { ...state, woSeq: (state.woSeq || 0) + 1, woLast: msg.workorder };
		return state;
	}
}

function applyContact(state, type, c) {
	const contacts = { ...state.contacts };
	let ended = state.ended;
	if (ENDING.has(type) || !LIVE_CONTACT.has(c.state)) {
		const prev = contacts[c.id];
		delete contacts[c.id];
		const agent = c.agent || (prev && prev.agent);
		if (agent && type === 'contact.completed')
			ended = { ...ended, [agent]: { ...prev, ...c } };
	} else {
		contacts[c.id] = { ...contacts[c.id], ...c };
	}
	return { ...state, contacts, ended };
}

// Insert or replace an interval (same start), keep the last 8 h, sorted.
export function mergeInterval(list, iv) {
	const out = list.filter((x) => x.start_ms !== iv.start_ms);
	out.push(iv);
	out.sort((a, b) => a.start_ms - b.start_ms);
	return out.slice(-MAX_INTERVALS);
}

// The contact an agent's desktop shows: the one offered to or connected
// with that agent.
export function currentContact(state, agentId) {
	const a = state.agents[agentId];
	if (a && a.current && state.contacts[a.current.id])
		return state.contacts[a.current.id];
	if (a && a.current) return a.current;
	let best = null;
	for (const c of Object.values(state.contacts)) {
		if (c.agent !== agentId) continue;
		if (c.state === 'connected') return c;
		if (c.state === 'offered') best = c;
	}
	return best;
}

export function waitingContacts(state) {
	return Object.values(state.contacts)
		.filter((c) => c.state === 'waiting')
		.sort((a, b) => (b.priority || 0) - (a.priority || 0) ||
			(a.arrived_ms || 0) - (b.arrived_ms || 0));
}

// Red, amber or green for a service level against its target: green at or
// above target, amber up to 10 points below, red further down; null when
// nothing was offered yet.
export function slStatus(sl, target) {
	if (sl === null || sl === undefined || Number.isNaN(sl)) return null;
	const t = typeof target === 'number' ? target : 0.8;
	if (sl >= t) return 'ok';
	if (sl >= t - 0.1) return 'warn';
	return 'bad';
}

// Several queues' intervals summed per start time (the "all queues" chart).
// The service level of the sum is weighted by calls offered.
export function sumIntervals(lists) {
	const m = new Map();
	for (const list of lists) {
		for (const iv of list || []) {
			const x = m.get(iv.start_ms) || { start_ms: iv.start_ms,
				start: iv.start, offered: 0, answered: 0, abandoned: 0,
				_slw: 0, _sln: 0 };
			x.offered += iv.offered || 0;
			x.answered += iv.answered || 0;
			x.abandoned += iv.abandoned || 0;
			if (iv.service_level !== null && iv.service_level !== undefined &&
			    iv.offered > 0) {
				x._slw += iv.service_level * iv.offered;
				x._sln += iv.offered;
			}
			m.set(iv.start_ms, x);
		}
	}
	return [...m.values()].sort((a, b) => a.start_ms - b.start_ms)
		.map(({ _slw, _sln, ...x }) =>
			({ ...x, service_level: _sln > 0 ? _slw / _sln : null }));
}

// Seconds since an epoch-ms instant on the server's clock.
export function since(ms, now, skew) {
	if (typeof ms !== 'number') return null;
	return Math.max(0, Math.floor((now + (skew || 0) - ms) / 1000));
}

// Agents per state for the tiles, counted from the agents themselves when
// a queue's stats lack them.
export function countStates(agents) {
	const n = Object.fromEntries(AGENT_STATES.map((s) => [s, 0]));
	for (const a of agents) if (a.state in n) n[a.state]++;
	return n;
}
