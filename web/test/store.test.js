import { describe, expect, it } from 'vitest';
import { apply, normAgent, currentContact, emptyState, mergeInterval, since, slStatus, sumIntervals, waitingContacts, countStates } from '../src/store.js';
import { backoffDelay } from '../src/events.js';
import { chartSlots, niceMax } from '../src/components/IntervalChart.jsx';

const agent = (id, state, extra = {}) => ({ id, name: id, state, reason: null, state_since_ms: 1000, current: null, ...extra });
const contact = (id, state, extra = {}) => ({ id, interaction: `i${id}`, channel: 'voice', state, queue: 'general', agent: null, caller: '+8613800000000', priority: 0, arrived_ms: 500, ...extra });

function snap() {
	return apply(emptyState(), {
		type: 'snapshot', time_ms: 10000,
		agents: [agent('1001', 'available'), agent('1002', 'busy')],
		queues: [{ name: 'general', sl_target: 0.9, stats: { waiting: 1 } }],
		contacts: [contact('c1', 'waiting'), contact('c2', 'connected', { agent: '1002' })],
	}, 9000);
}

describe('apply', () => {
	it('takes the snapshot whole, with the server clock skew', () => {
		const s = snap();
		expect(s.ready).toBe(true);
		expect(Object.keys(s.agents)).toEqual(['1001', '1002']);
		expect(s.queues.general.sl_target).toBe(0.9);
		expect(Object.keys(s.contacts).sort()).toEqual(['c1', 'c2']);
		expect(s.skew).toBe(1000);
	});
	it('a new snapshot replaces everything (reconnect)', () => {
		const s = apply(snap(), { type: 'snapshot', agents: [agent('1003', 'not-ready')], queues: [], contacts: [], time_ms: 5 }, 5);
		expect(Object.keys(s.agents)).toEqual(['1003']);
		expect(s.contacts).toEqual({});
	});
	it('agent.state replaces one agent and never mutates the old state', () => {
		const s0 = snap();
		const s1 = apply(s0, { type: 'agent.state', agent: agent('1001', 'reserved', { current: contact('c1', 'offered', { agent: '1001' }) }) });
		expect(s0.agents['1001'].state).toBe('available');
		expect(s1.agents['1001'].state).toBe('reserved');
		expect(s1.contacts.c1.state).toBe('offered');
		expect(s1).not.toBe(s0);
	});
	it('contact events: queued, offered, accepted, completed', () => {
		let s = snap();
		s = apply(s, { type: 'contact.queued', contact: contact('c3', 'waiting') });
		expect(waitingContacts(s).map((c) => c.id)).toEqual(['c1', 'c3']);
		s = apply(s, { type: 'contact.offered', contact: contact('c3', 'offered', { agent: '1001' }) });
		expect(currentContact(s, '1001').id).toBe('c3');
		s = apply(s, { type: 'contact.accepted', contact: contact('c3', 'connected', { agent: '1001' }) });
		expect(currentContact(s, '1001').state).toBe('connected');
		s = apply(s, { type: 'contact.completed', contact: contact('c3', 'completed', { agent: '1001' }) });
		expect(s.contacts.c3).toBeUndefined();
		expect(currentContact(s, '1001')).toBeNull();
		expect(s.ended['1001'].interaction).toBe('ic3');
	});
	it('abandoned and overflowed contacts leave the live list', () => {
		let s = apply(snap(), { type: 'contact.abandoned', contact: contact('c1', 'abandoned') });
		expect(waitingContacts(s)).toEqual([]);
		s = apply(s, { type: 'contact.queued', contact: contact('c9', 'waiting') });
		s = apply(s, { type: 'contact.overflowed', contact: contact('c9', 'waiting') });
		expect(s.contacts.c9).toBeUndefined();
	});
	it('priority orders the waiting list, then arrival', () => {
		let s = apply(snap(), { type: 'contact.queued', contact: contact('c4', 'waiting', { arrived_ms: 900 }) });
		s = apply(s, { type: 'contact.priority', contact: contact('c4', 'waiting', { arrived_ms: 900, priority: 5 }) });
		expect(waitingContacts(s).map((c) => c.id)).toEqual(['c4', 'c1']);
	});
	it('queue.stats and queue.interval', () => {
		let s = apply(snap(), { type: 'queue.stats', queue: { name: 'general', stats: { waiting: 4 } } });
		expect(s.queues.general.stats.waiting).toBe(4);
		s = apply(s, { type: 'queue.interval', queue: 'general', interval: { start_ms: 900000, offered: 1 } });
		s = apply(s, { type: 'queue.interval', queue: 'general', interval: { start_ms: 900000, offered: 2 } });
		s = apply(s, { type: 'queue.interval', queue: 'general', interval: { start_ms: 0, offered: 7 } });
		expect(s.intervals.general.map((x) => x.offered)).toEqual([7, 2]);
	});
	it('ignores unknown and malformed messages', () => {
		const s = snap();
		expect(apply(s, { type: 'nonsense' })).toBe(s);
		expect(apply(s, { type: 'agent.state' })).toBe(s);
		expect(apply(s, null)).toBe(s);
	});
});

describe('normAgent', () => {
	it('accepts ext, state_since and a skill list', () => {
		const a = normAgent({ ext: '1001', state: 'busy', state_since: '2026-11-23T13:54:51.364Z',
			skills: [{ skill: 'general', level: 8 }] });
		expect(a.id).toBe('1001');
		expect(a.state_since_ms).toBe(Date.UTC(2026, 10, 23, 13, 54, 51, 364));
		expect(a.skills).toEqual({ general: 8 });
		const s = apply(snap(), { type: 'agent.state', agent: { ext: '1009', state: 'available' } });
		expect(s.agents['1009'].state).toBe('available');
	});
});

describe('figures', () => {
	it('service level against target: green, amber, red, none', () => {
		expect(slStatus(0.92, 0.9)).toBe('ok');
		expect(slStatus(0.85, 0.9)).toBe('warn');
		expect(slStatus(0.7, 0.9)).toBe('bad');
		expect(slStatus(null, 0.9)).toBeNull();
	});
	it('sums intervals across queues, SL weighted by offered', () => {
		const a = [{ start_ms: 0, offered: 10, answered: 9, abandoned: 1, service_level: 0.9 }];
		const b = [{ start_ms: 0, offered: 30, answered: 30, abandoned: 0, service_level: 0.5 },
			{ start_ms: 900000, offered: 0, answered: 0, abandoned: 0, service_level: null }];
		const s = sumIntervals([a, b]);
		expect(s.length).toBe(2);
		expect(s[0].offered).toBe(40);
		expect(s[0].service_level).toBeCloseTo(0.6);
		expect(s[1].service_level).toBeNull();
	});
	it('mergeInterval keeps 8 h of 15-minute intervals', () => {
		let l = [];
		for (let i = 0; i < 50; i++) l = mergeInterval(l, { start_ms: i * 900000 });
		expect(l.length).toBe(33);
		expect(l[32].start_ms).toBe(49 * 900000);
	});
	it('chart slots end with the current interval and fill the gaps', () => {
		const now = 10 * 900000 + 5000;
		const s = chartSlots([{ start_ms: 9 * 900000, offered: 3 }], now, 2);
		expect(s.length).toBe(8);
		expect(s[7].start_ms).toBe(10 * 900000);
		expect(s[6].offered).toBe(3);
		expect(s[0].empty).toBe(true);
		expect(niceMax(0)).toBe(4);
		expect(niceMax(13)).toBe(20);
		expect(niceMax(51)).toBe(100);
	});
	it('timers use the server clock', () => {
		expect(since(1000, 5000, 0)).toBe(4);
		expect(since(1000, 5000, 2000)).toBe(6);
		expect(since(9000, 5000, 0)).toBe(0);
		expect(since(undefined, 5000, 0)).toBeNull();
	});
	it('counts agents by state', () => {
		const n = countStates([agent('1', 'busy'), agent('2', 'busy'), agent('3', 'available')]);
		expect(n.busy).toBe(2);
		expect(n.available).toBe(1);
		expect(n['logged-out']).toBe(0);
	});
	it('reconnect back-off: 1, 2, 4, 8, then 10 s', () => {
		expect([0, 1, 2, 3, 4, 9].map(backoffDelay)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
	});
});

describe('work-order events', () => {
	it('count and keep the last order named', () => {
		let s = apply(emptyState(), { type: 'workorder.changed', workorder: { id: 'x', number: 42, status: 'dispatched' } });
		s = apply(s, { type: 'workorder.escalated', workorder: { id: 'y', number: 43 } });
		expect(s.woSeq).toBe(2);
		expect(s.woLast.number).toBe(43);
		expect(apply(s, { type: 'snapshot', agents: [], queues: [], contacts: [] }).woSeq).toBe(2);
	});
});
