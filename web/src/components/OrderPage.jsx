// One work order: what it is about, where it stands, the moves this user
// may make now, comments, and the audit trail (every step, who and when).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { useNow } from '../hooks.js';
import { MOVES, allowedMoves } from '../crm.js';
import { DueText, PrioBadge, StatusBadge, catTitle, unitTitle, useCatalog } from './Orders.jsx';

export function OrderPage({ id, user, live }) {
	const { t, dateTime } = useI18n();
	const cat = useCatalog();
	const now = useNow(30000);
	const [order, setOrder] = useState(null);
	const [customer, setCustomer] = useState(null);
	const [err, setErr] = useState(null);
	const [move, setMove] = useState(null);      // the move being filled in
	const [text, setText] = useState('');
	const [unit, setUnit] = useState('');
	const [comment, setComment] = useState('');
	const [busy, setBusy] = useState(false);
	const [reload, setReload] = useState(0);
	const [alertText, setAlertText] = useState(null);

	useEffect(() => {
		let stop = false;
		api.order(id).then((o) => { if (!stop) { setOrder(o); setErr(null); } })
			.catch((e) => { if (!stop) setErr(e.status === 404 ? t('wo.not_found', { id }) : e.message); });
		return () => { stop = true; };
	}, [id, reload, live.woLast && (String(live.woLast.number) === String(id) ||
		live.woLast.id === id) ? live.woSeq : 0]);

	useEffect(() => {
		if (!order || !order.customer || user.role === 'unit') return;
		api.customer(order.customer).then(setCustomer).catch(() => setCustomer(null));
	}, [order && order.customer]);

	if (err) return <main class="orders"><div class="card empty" data-testid="wo-error">{err}</div></main>;
	if (!order) return <main class="orders"><div class="card skeleton" /></main>;

	const category = cat && cat.categories.find((c) => c.name === order.category);
	const units = (cat && cat.units) || [];
	const moves = allowedMoves(order, user);

	function start(m) {
		setMove(m);
		setText('');
		setUnit(order.unit || (category && category.unit) || (units[0] && units[0].name) || '');
	}

	async function run(body, after) {
		setBusy(true);
		setAlertText(null);
		try {
			await body();
			if (after) after();
			setReload((n) => n + 1);
		} catch (e) {
			setAlertText(e.message);
		} finally {
			setBusy(false);
		}
	}

	function doMove(e) {
		e.preventDefault();
		const need = MOVES[move].need;
		const body = { move, version: order.version };
		if (need === 'unit') body.unit = unit;
		if (need === 'text' || text.trim()) body.text = text.trim();
		run(() => api.moveOrder(order.id, body), () => setMove(null));
	}

	const fields = (category && category.fields) || Object.keys(order.fields || {}).map((n) => ({ name: n, title: n }));

	return (
		<main class="orders order-page" data-testid="order-page" data-status={order.status}>
			<header class="page-head">
				<div>
					<a class="back" href={user.role === 'unit' ? '#/inbox' : '#/orders'}>← {t(user.role === 'unit' ? 'nav.inbox' : 'nav.orders')}</a>
					<h1><span class="mono muted" data-testid="wo-number">#{order.number}</span> {order.subject || catTitle(t, category, order.category)}</h1>
					<div class="wo-badges">
						<StatusBadge status={order.status} />
						<PrioBadge priority={order.priority} />
						{order.escalated && <span class="flag-esc">▲ {t('wo.escalated')}</span>}
						<DueText order={order} now={now} />
					</div>
				</div>
			</header>
			{alertText && <div class="toast error" role="alert" data-testid="wo-alert" onClick={() => setAlertText(null)}>{t('common.error', { msg: alertText })}</div>}
			<div class="order-grid">
				<div class="order-main">
					<section class="card">
						<div class="card-label">{t('wo.details')}</div>
						<dl class="kv">
							<div><dt>{t('wo.category')}</dt><dd>{catTitle(t, category, order.category)}</dd></div>
							<div><dt>{t('wo.unit')}</dt><dd data-testid="wo-unit">{order.unit ? unitTitle(units, order.unit) : t('common.none')}</dd></div>
							<div><dt>{t('wo.created')}</dt><dd>{dateTime(order.created_ms ?? Date.parse(order.created))}</dd></div>
							<div><dt>{t('wo.agent')}</dt><dd>{order.agent || creator(order) || t('common.none')}</dd></div>
							{fields.map((f) => (
								<div key={f.name}><dt>{fieldTitle(t, order.category, f)}</dt>
									<dd data-testid={`wo-field-${f.name}`}>{choiceText(t, fmtField(order.fields && order.fields[f.name])) ?? <span class="muted">{t('common.none')}</span>}</dd></div>
							))}
						</dl>
					</section>
					<Attachments order={order} user={user} cat={cat} onAdded={() => setReload((n) => n + 1)}
						onError={setAlertText} />
					{customer && (
						<section class="card" data-testid="wo-customer">
							<div class="card-label">{t('pop.customer')}</div>
							<div class="cust-line"><b>{customer.name}</b>
								{(customer.identities || []).map((i) => <span key={i.kind + i.value} class="chip small mono">{i.value}</span>)}</div>
						</section>
					)}
					<section class="card" data-testid="wo-trail">
						<div class="card-label">{t('wo.trail')}</div>
						<ol class="trail">
							{(order.events || []).map((ev) => (
								<li key={ev.seq} data-testid="wo-event" data-kind={ev.kind} data-action={ev.action || ''}>
									<span class={`trail-dot k-${ev.kind} a-${ev.action || ''}`} />
									<div class="trail-body">
										<div class="trail-head">
											<b>{eventTitle(t, ev)}</b>
											{ev.from && ev.to && <span class="trail-move"><StatusBadge status={ev.from} /> → <StatusBadge status={ev.to} /></span>}
											{ev.action === 'dispatch' && dispatchUnit(order, ev) &&
												<span class="chip small" data-testid="wo-event-unit">{unitTitle(units, dispatchUnit(order, ev))}</span>}
										</div>
										{ev.text && <p class="trail-text">{ev.text}</p>}
										<div class="trail-meta">{dateTime(ev.time_ms ?? Date.parse(ev.time))} · {ev.actor}{ev.role ? ` (${roleName(t, ev.role)})` : ''}</div>
									</div>
								</li>
							))}
						</ol>
					</section>
				</div>
				<aside class="order-side">
					<section class="card" data-testid="wo-moves">
						<div class="card-label">{t('wo.next')}</div>
						{moves.length === 0 && <p class="muted">{t('wo.no_moves')}</p>}
						<div class="move-buttons">
							{moves.map((m) => (
								<button type="button" key={m} class={`btn ${move === m ? 'on' : ''} ${m === 'close' || m === 'answer' ? 'primary' : ''}`}
									data-testid={`wo-move-${m}`} disabled={busy}
									onClick={() => (MOVES[m].need ? start(m) : run(() => api.moveOrder(order.id, { move: m, version: order.version })))}>
									{t(`wo.move.${m}`)}</button>
							))}
						</div>
						{move && (
							<form class="move-form" onSubmit={doMove} data-testid="wo-move-form">
								<h3>{t(`wo.move.${move}`)}</h3>
								{MOVES[move].need === 'unit' && (
									<label><span>{t('wo.unit')}</span>
										<select value={unit} onChange={(e) => setUnit(e.currentTarget.value)} data-testid="wo-move-unit">
											{units.map((u) => <option key={u.name} value={u.name}>{u.title || u.name}</option>)}
										</select></label>
								)}
								<label><span>{t(move === 'answer' ? 'wo.answer_text' : MOVES[move].need === 'text' ? 'wo.reason' : 'wo.note_opt')}</span>
									<textarea rows="4" value={text} required={MOVES[move].need === 'text'} data-testid="wo-move-text"
										onInput={(e) => setText(e.currentTarget.value)} /></label>
								<div class="row">
									<button class="btn primary" type="submit" disabled={busy} data-testid="wo-move-go">{t(`wo.move.${move}`)}</button>
									<button class="btn ghost" type="button" onClick={() => setMove(null)}>{t('common.cancel')}</button>
								</div>
							</form>
						)}
					</section>
					<form class="card" data-testid="wo-comment" onSubmit={(e) => {
						e.preventDefault();
						if (comment.trim()) run(() => api.commentOrder(order.id, comment.trim()), () => setComment(''));
					}}>
						<div class="card-label">{t('wo.comment')}</div>
						<textarea rows="3" value={comment} placeholder={t('wo.comment_ph')} data-testid="wo-comment-text"
							onInput={(e) => setComment(e.currentTarget.value)} />
						<button class="btn" type="submit" disabled={busy || !comment.trim()} data-testid="wo-comment-go">{t('wo.comment_add')}</button>
					</form>
				</aside>
			</div>
		</main>
	);
}

// The unit a dispatch step sent the order to: its data when the daemon
// records it, else the order's unit for the last dispatch.
function dispatchUnit(order, ev) {
	if (ev.data && ev.data.unit) return ev.data.unit;
	const last = (order.events || []).filter((e) => e.action === 'dispatch').pop();
	return last && last.seq === ev.seq ? order.unit : null;
}

// Photos and documents on the order: open one (fetched with the token),
// add one (the types and size the tenant allows).
function Attachments({ order, user, cat, onAdded, onError }) {
	const { t, dateTime, num } = useI18n();
	const [busy, setBusy] = useState(false);
	const list = order.attachments || [];
	const types = (cat && cat.attachment_types) || [];
	async function open(a) {
		try { window.open(await api.attachmentUrl(a.url), '_blank'); } catch (e) { onError(e.message); }
	}
	async function add(e) {
		const f = e.currentTarget.files && e.currentTarget.files[0];
		e.currentTarget.value = '';
		if (!f) return;
		setBusy(true);
		try { await api.attach(order.id, f); onAdded(); } catch (err) { onError(err.message); } finally { setBusy(false); }
	}
	return (
		<section class="card" data-testid="wo-attachments">
			<div class="card-label">{t('wo.attachments')}</div>
			{list.length === 0 ? <p class="muted">{t('wo.no_attachments')}</p> : (
				<ul class="attach-list">
					{list.map((a) => (
						<li key={a.id} data-testid="wo-attachment">
							<button type="button" class="link" onClick={() => open(a)}>{a.name}</button>
							<span class="muted small">{num(Math.ceil((a.size || 0) / 1024))} KB · {a.actor} · {dateTime(Date.parse(a.time))}</span>
						</li>
					))}
				</ul>
			)}
			<label class={`btn small ${busy ? 'disabled' : ''}`}>
				＋ {t('wo.attach')}
				<input type="file" hidden accept={types.join(',')} onChange={add} data-testid="wo-attach-input" disabled={busy} />
			</label>
		</section>
	);
}

function roleName(t, r) {
	const k = `role.${r}`;
	const tr = t(k);
	return tr !== k ? tr : r;
}

// Who created the order: its trail's first step.
function creator(order) {
	const ev = (order.events || []).find((e) => e.kind === 'created');
	return ev ? ev.actor : null;
}

function fmtField(v) {
	if (v === undefined || v === null || v === '') return null;
	return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// A choice's value in the user's language when the UI knows it.
export function choiceText(t, v) {
	if (v === null || v === undefined) return v;
	const k = `wo.choice.${v}`;
	const tr = t(k);
	return tr !== k ? tr : v;
}

export function fieldTitle(t, category, f) {
	const k = `wo.field.${category}.${f.name}`;
	const tr = t(k);
	return tr !== k ? tr : (f.title || f.name);
}

function eventTitle(t, ev) {
	if (ev.kind === 'move' && ev.action) return t(`wo.did.${ev.action}`);
	const k = `wo.ev.${ev.kind}`;
	const tr = t(k);
	return tr !== k ? tr : ev.kind;
}
