// Work orders: the search list (agents and supervisors), a handling unit's
// inbox (unit users) and the supervisor's overdue / escalated views.  One
// component, three presets; the list refetches when a work-order event
// arrives on the stream.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { useNow } from '../hooks.js';
import { OPEN_STATUSES, STATUSES, dueState, orderQuery } from '../crm.js';
import { OrderForm } from './OrderForm.jsx';

// Categories, priorities and units: fetched once per page load.
let catalog = null;
export function useCatalog() {
	const [c, setC] = useState(catalog);
	useEffect(() => {
		if (catalog) return;
		Promise.all([api.categories(), api.units().catch(() => ({ units: [] }))])
			.then(([cat, u]) => {
				catalog = { categories: cat.categories || [], priorities: cat.priorities ||
					['low', 'normal', 'high', 'urgent'], units: u.units || [],
					attachment_types: cat.attachment_types || [], attachment_max: cat.attachment_max };
				setC(catalog);
			}).catch(() => setC({ categories: [], priorities: [], units: [], failed: true }));
	}, []);
	return c;
}
export function resetCatalog() { catalog = null; }

export function catTitle(t, cat, name) {
	const k = `wo.cat.${name}`;
	const tr = t(k);
	if (tr !== k) return tr;
	return (cat && cat.title) || name;
}

export function unitTitle(units, name) {
	const u = (units || []).find((x) => x.name === name);
	return (u && u.title) || name;
}

export function StatusBadge({ status }) {
	const { t } = useI18n();
	return <span class={`wo-status ws-${status}`} data-testid="wo-status" data-status={status}>{t(`wo.status.${status}`)}</span>;
}

export function PrioBadge({ priority }) {
	const { t } = useI18n();
	return <span class={`wo-prio wp-${priority}`}>{t(`wo.prio.${priority}`)}</span>;
}

export function DueText({ order, now }) {
	const { t, dateTime } = useI18n();
	const st = dueState(order, now);
	const due = order.due_ms ?? (order.due ? Date.parse(order.due) : null);
	if (due == null) return <span class="muted">{t('common.none')}</span>;
	const mins = Math.round((due - now) / 60000);
	const rel = Math.abs(mins) < 60 ? t('wo.in_min', { n: Math.abs(mins) })
		: Math.abs(mins) < 48 * 60 ? t('wo.in_h', { n: Math.round(Math.abs(mins) / 60) })
			: t('wo.in_d', { n: Math.round(Math.abs(mins) / 1440) });
	return (
		<span class={`due due-${st}`} title={dateTime(due)} data-testid="wo-due" data-due={st}>
			{st === 'done' ? dateTime(due) : st === 'overdue' ? t('wo.overdue_by', { t: rel }) : t('wo.due_in', { t: rel })}
		</span>
	);
}

// preset: 'search' | 'inbox' | 'supervise'
export function Orders({ user, live, preset, query }) {
	const { t, num } = useI18n();
	const cat = useCatalog();
	const now = useNow(30000);
	const inbox = preset === 'inbox';
	const initial = {
		number: query.number || '', customer: query.customer || '', customerText: '',
		status: query.status || '', category: query.category || '',
		unit: inbox ? '' : (query.unit || ''), due_before: query.due_before || '',
		view: query.view || 'open',
	};
	const [form, setForm] = useState(initial);
	const [applied, setApplied] = useState(initial);
	const [res, setRes] = useState(null);
	const [err, setErr] = useState(null);
	const [busy, setBusy] = useState(false);
	const [creating, setCreating] = useState(false);
	const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });

	useEffect(() => {
		let stop = false;
		setBusy(true);
		(async () => {
			const q = orderQuery(applied);
			// a customer typed as a phone, e-mail or name: find them first
			if (!q.customer && applied.customerText.trim()) {
				const r = await api.customers({ q: applied.customerText.trim(), limit: 20 });
				const ids = (r.customers || []).map((c) => c.id);
				if (!ids.length) return { workorders: [], customers: [] };
				if (ids.length === 1) q.customer = ids[0];
				else {
					const all = await Promise.all(ids.slice(0, 5).map((id) =>
						api.orders({ ...q, customer: id })));
					return { workorders: all.flatMap((x) => x.workorders || []), customers: r.customers };
				}
				return { ...(await api.orders(q)), customers: r.customers, _q: q };
			}
			return { ...(await api.orders(q)), _q: q };
		})().then((r) => { if (!stop) { setRes(r); setErr(null); } })
			.catch((e) => { if (!stop) setErr(e.message); })
			.finally(() => { if (!stop) setBusy(false); });
		return () => { stop = true; };
	}, [applied, live.woSeq]);

	const list = (res && res.workorders) || [];
	// the next page of the same search, appended
	async function more() {
		if (!res || !res._q || res.next_offset == null) return;
		try {
			const r = await api.orders({ ...res._q, offset: res.next_offset });
			setRes({ ...res, workorders: [...list, ...(r.workorders || [])], next_offset: r.next_offset });
		} catch (e) { setErr(e.message); }
	}
	const units = (cat && cat.units) || [];
	const myUnit = inbox ? unitTitle(units, user.unit) : null;
	const views = inbox ? ['open', 'all'] : ['open', 'overdue', 'escalated', 'all'];

	return (
		<main class="orders" data-testid={inbox ? 'inbox' : 'orders'}>
			<header class="page-head">
				<div>
					<div class="card-label">{inbox ? t('wo.inbox_of') : t('wo.title')}</div>
					<h1>{inbox ? myUnit : t('wo.find')}</h1>
				</div>
				<div class="head-actions">
				{!inbox && <button type="button" class="btn primary" data-testid="wo-new"
					onClick={() => setCreating(!creating)}>＋ {t('wo.new')}</button>}
				<div class="seg light" role="group" data-testid="wo-views">
					{views.map((v) => (
						<button type="button" key={v} class={applied.view === v ? 'on' : ''} data-testid={`wo-view-${v}`}
							onClick={() => { const f = { ...form, view: v }; setForm(f); setApplied(f); }}>
							{t(`wo.view.${v}`)}</button>
					))}
				</div>
				</div>
			</header>
			{creating && <OrderForm onCreated={(o) => { location.hash = `#/orders/${o.number}`; }}
				onCancel={() => setCreating(false)} />}
			<form class="card wo-search" data-testid="wo-search" onSubmit={(e) => { e.preventDefault(); setApplied({ ...form }); }}>
				<label><span>{t('wo.number')}</span>
					<input name="number" inputMode="numeric" value={form.number} onInput={set('number')} /></label>
				{!inbox && <label><span>{t('wo.customer')}</span>
					<input name="customer" value={form.customerText} onInput={set('customerText')} placeholder={t('wo.customer_ph')} /></label>}
				<label><span>{t('wo.status')}</span>
					<select name="status" value={form.status} onChange={set('status')}>
						<option value="">{t('wo.any')}</option>
						{STATUSES.map((s) => <option key={s} value={s}>{t(`wo.status.${s}`)}</option>)}
					</select></label>
				<label><span>{t('wo.category')}</span>
					<select name="category" value={form.category} onChange={set('category')}>
						<option value="">{t('wo.any')}</option>
						{((cat && cat.categories) || []).map((c) => <option key={c.name} value={c.name}>{catTitle(t, c, c.name)}</option>)}
					</select></label>
				{!inbox && <label><span>{t('wo.unit')}</span>
					<select name="unit" value={form.unit} onChange={set('unit')}>
						<option value="">{t('wo.any')}</option>
						{units.map((u) => <option key={u.name} value={u.name}>{u.title || u.name}</option>)}
					</select></label>}
				<label><span>{t('wo.due_before')}</span>
					<input name="due_before" type="date" value={form.due_before} onInput={set('due_before')} /></label>
				<button class="btn primary" type="submit" data-testid="wo-search-go">{t('wo.search')}</button>
			</form>
			{err && <div class="toast error" role="alert">{t('common.error', { msg: err })}</div>}
			<section class="card wo-results">
				<header class="panel-head">
					<h2>{t('wo.results')}</h2>
					<span class="count" data-testid="wo-count">{busy ? '…' : num(list.length)}</span>
				</header>
				{list.length === 0 && !busy ? <p class="muted center" data-testid="wo-empty">{t('wo.none_found')}</p> : (
					<table class="grid wo-table">
						<thead><tr>
							<th class="num">{t('wo.number')}</th><th>{t('wo.subject')}</th><th>{t('wo.category')}</th>
							<th>{t('wo.status')}</th><th>{t('wo.priority')}</th>{!inbox && <th>{t('wo.unit')}</th>}<th>{t('wo.due')}</th>
						</tr></thead>
						<tbody>
							{list.map((o) => (
								<tr key={o.id} class={`click due-row-${dueState(o, now)}`} data-testid={`wo-row-${o.number}`}
									onClick={() => { location.hash = `#/orders/${o.number}`; }}>
									<td class="num mono"><a href={`#/orders/${o.number}`}>#{o.number}</a></td>
									<td class="subject">{o.subject || <span class="muted">{summary(t, o)}</span>}
										{o.escalated && <span class="flag-esc" title={t('wo.escalated')}>▲ {t('wo.escalated')}</span>}</td>
									<td>{catTitle(t, (cat && cat.categories || []).find((c) => c.name === o.category), o.category)}</td>
									<td><StatusBadge status={o.status} /></td>
									<td><PrioBadge priority={o.priority} /></td>
									{!inbox && <td>{o.unit ? unitTitle(units, o.unit) : <span class="muted">{t('common.none')}</span>}</td>}
									<td><DueText order={o} now={now} /></td>
								</tr>
							))}
						</tbody>
					</table>
				)}
				{res && res._q && res.next_offset != null && (
					<div class="center"><button type="button" class="btn" data-testid="wo-more" onClick={more}>{t('wo.more')}</button></div>
				)}
			</section>
		</main>
	);
}

// A line for an order without a subject: its first form values.
function summary(t, o) {
	return Object.values(o.fields || {}).slice(0, 2).map((v) => {
		const k = `wo.choice.${v}`;
		const tr = t(k);
		return tr !== k ? tr : v;
	}).join(' · ') || '—';
}

export { OPEN_STATUSES };
