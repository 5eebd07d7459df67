import { describe, expect, it } from 'vitest';
import { MOVES, STATUSES, actingRoles, allowedMoves, dueState, fieldValue, orderQuery, parseRoute } from '../src/crm.js';

describe('work-order moves offered', () => {
	const o = (status, unit = 'water') => ({ status, unit });
	it('an agent on a new order: dispatch or handle it', () => {
		expect(allowedMoves(o('new'), { role: 'agent' })).toEqual(['dispatch', 'take']);
	});
	it('a unit user on its dispatched order: accept or return; on another unit\'s: nothing', () => {
		expect(allowedMoves(o('dispatched'), { role: 'unit', unit: 'water' })).toEqual(['accept', 'return']);
		expect(allowedMoves(o('dispatched'), { role: 'unit', unit: 'power' })).toEqual([]);
	});
	it('a unit user answers in progress, never closes', () => {
		expect(allowedMoves(o('in_progress'), { role: 'unit', unit: 'water' })).toEqual(['return', 'answer']);
		expect(allowedMoves(o('answered'), { role: 'unit', unit: 'water' })).toEqual([]);
	});
	it('a supervisor and an admin may do everything of the table from a status', () => {
		expect(allowedMoves(o('answered'), { role: 'supervisor' })).toEqual(['follow_up', 'close', 'reopen']);
		expect(allowedMoves(o('dispatched'), { role: 'admin' })).toEqual(['accept', 'return']);
		expect(actingRoles('admin')).toContain('agent');
	});
	it('closed orders can only be reopened; every status is in the table', () => {
		expect(allowedMoves(o('closed'), { role: 'agent' })).toEqual(['reopen']);
		for (const m of Object.values(MOVES)) for (const s of m.from) expect(STATUSES).toContain(s);
	});
});

describe('due state', () => {
	const now = 1_000_000;
	it('overdue when open and past due, done when closed', () => {
		expect(dueState({ status: 'new', due_ms: now - 1 }, now)).toBe('overdue');
		expect(dueState({ status: 'closed', due_ms: now - 1 }, now)).toBe('done');
		expect(dueState({ status: 'answered', due_ms: now - 1 }, now)).toBe('done');
		expect(dueState({ status: 'new', due_ms: now + 10, flagged: 'x' }, now)).toBe('soon');
		expect(dueState({ status: 'new', due_ms: now + 10 }, now)).toBe('ok');
	});
});

describe('routes and queries', () => {
	it('parses the hash routes', () => {
		expect(parseRoute('#/orders/42')).toEqual({ name: 'order', id: '42', query: {} });
		expect(parseRoute('#/orders?view=overdue').query.view).toBe('overdue');
		expect(parseRoute('#/inbox').name).toBe('inbox');
		expect(parseRoute('#/nope').name).toBe(null);
	});
	it('builds the search query from the form', () => {
		expect(orderQuery({ number: ' 42 ', view: 'overdue', status: '', unit: 'water' }))
			.toEqual({ number: '42', unit: 'water', overdue: 'true', limit: 50 });
		expect(orderQuery({ number: 'abc', view: 'all' })).toEqual({ limit: 50 });
	});
	it('form values: numbers as numbers, blanks left out', () => {
		expect(fieldValue({ type: 'number' }, '3')).toBe(3);
		expect(fieldValue({ type: 'text' }, '  ')).toBe(undefined);
		expect(fieldValue({ type: 'choice' }, 'water')).toBe('water');
	});
});
