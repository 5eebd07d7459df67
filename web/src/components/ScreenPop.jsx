// The screen pop: who calls, what they chose in the voice menu, how long
// they waited, and what happened on their earlier contacts.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n, formatDuration } from '../i18n/index.js';
import { since } from '../store.js';
import { fmtClock } from './AgentDesk.jsx';

const LANG_NAMES = { zh: '中文', ko: '한국어', en: 'English' };

export function ScreenPop({ contact, agent, ext, now, skew, act, onNewOrder, wrapCodes }) {
	const { t, num } = useI18n();
	const [heldLocal, setHeldLocal] = useState(false);
	const [target, setTarget] = useState('');
	const [showTransfer, setShowTransfer] = useState(false);
	const held = typeof contact.held === 'boolean' ? contact.held : heldLocal;
	const ringing = contact.state === 'offered' || (agent && agent.state === 'reserved');
	const connected = !ringing && contact.state === 'connected';
	const stateSecs = since(agent && agent.state_since_ms, now, skew);
	const waited = contact.state === 'waiting' ? since(contact.arrived_ms, now, skew)
		: contact.waited_s;
	const status = ringing ? 'ringing' : held ? 'held' : 'connected';
	const statusText = ringing ? t('pop.incoming') : held ? t('pop.on_hold') : t('pop.connected');

	const call = (action, label, body, after) => act(label, async () => {
		await api.call(ext, action, body);
		if (after) after();
	});

	if (contact.channel === 'workorder')
		return <OrderPop contact={contact} status={status} act={act}
			offered={contact.state === 'offered'}
			statusText={ringing ? t('pop.order_offered') : t('pop.order_working')} stateSecs={stateSecs} />;

	return (
		<article class={`card pop pop-${status}`} data-testid="screen-pop" data-status={status}>
			<header class="pop-head">
				<div class={`pop-status ${status}`}>
					<span class="pulse" />
					<span data-testid="pop-status">{statusText}</span>
					{stateSecs !== null && <span class="pop-timer" data-testid="pop-timer">{fmtClock(stateSecs)}</span>}
				</div>
				<span class="pop-channel">{contact.channel === 'voice' ? '☎' : '✉'} {t(`channel.${contact.channel}`)}</span>
			</header>
			<div class="pop-caller">
				<div class="pop-avatar">{(contact.customer && contact.customer.name || '#').slice(0, 1)}</div>
				<div>
					<div class="pop-number" data-testid="pop-caller">{contact.caller || t('common.none')}</div>
					<div class={`pop-name ${contact.customer ? 'known' : ''}`} data-testid="pop-customer-name" data-lookup={contact.customer_lookup || ''}>
						{contact.customer ? contact.customer.name
							: contact.customer_lookup === 'pending' ? t('pop.lookup_pending') : t('pop.unknown_customer')}
						{contact.customer && contact.customer.linked_by === 'agent' && <span class="chip small">{t('pop.linked_by_agent')}</span>}
					</div>
				</div>
			</div>
			{ringing && <div class="pop-hint">{t('pop.answer_on_phone')}</div>}
			{!contact.customer && contact.customer_lookup !== 'pending' && contact.customer_lookup !== 'none' &&
				<LinkCustomer contact={contact} />}
			<dl class="pop-facts">
				<div><dt>{t('pop.queue')}</dt><dd><span class="queue-tag" data-testid="pop-queue">{contact.queue}</span></dd></div>
				<div><dt>{t('pop.dialed')}</dt><dd>{contact.dialed || t('common.none')}</dd></div>
				<div><dt>{t('pop.waited')}</dt><dd data-testid="pop-waited">{formatDuration(waited)}</dd></div>
				{contact.priority > 0 && <div><dt>{t('wall.priority')}</dt><dd>{num(contact.priority)}</dd></div>}
			</dl>
			<Ivr ivr={contact.ivr} />
			{contact.customer && <CustomerOrders customer={contact.customer} />}
			<History contact={contact} wrapCodes={wrapCodes} />
			{connected && (
				<footer class="pop-actions">
					{held
						? <button type="button" class="btn primary" data-testid="call-resume"
							onClick={() => call('resume', t('call.resume'), null, () => setHeldLocal(false))}>▶ {t('call.resume')}</button>
						: <button type="button" class="btn" data-testid="call-hold"
							onClick={() => call('hold', t('call.hold'), null, () => setHeldLocal(true))}>❚❚ {t('call.hold')}</button>}
					<button type="button" class={`btn ${showTransfer ? 'on' : ''}`} data-testid="call-transfer"
						onClick={() => setShowTransfer(!showTransfer)}>⇄ {t('call.transfer')}</button>
					{onNewOrder && <button type="button" class="btn" data-testid="pop-new-order"
						onClick={onNewOrder}>＋ {t('wo.new')}</button>}
					<span class="grow" />
					<button type="button" class="btn danger" data-testid="call-hangup"
						onClick={() => call('hangup', t('call.hangup'))}>✕ {t('call.hangup')}</button>
				</footer>
			)}
			{connected && showTransfer && (
				<form class="transfer" onSubmit={(e) => {
					e.preventDefault();
					if (target.trim()) call('transfer', t('call.transfer'), { target: target.trim() });
				}}>
					<input value={target} placeholder={t('call.transfer_to')} data-testid="transfer-target"
						onInput={(e) => setTarget(e.currentTarget.value)} />
					<button class="btn primary" type="submit" data-testid="transfer-go">{t('call.transfer_go')}</button>
				</form>
			)}
		</article>
	);
}

// A work order waiting for an agent: what it is, and the way to it (the
// offer ends when the order moves on: take it, dispatch it, close it).
function OrderPop({ contact, status, statusText, stateSecs, act, offered }) {
	const { t } = useI18n();
	const [o, setO] = useState(null);
	useEffect(() => {
		if (!contact.workorder) return;
		api.order(contact.workorder).then(setO).catch(() => setO(null));
	}, [contact.workorder]);
	const ref = o ? o.number : contact.workorder;
	return (
		<article class={`card pop pop-${status}`} data-testid="screen-pop" data-status={status} data-channel="workorder">
			<header class="pop-head">
				<div class={`pop-status ${status}`}>
					<span class="pulse" />
					<span data-testid="pop-status">{statusText}</span>
					{stateSecs !== null && <span class="pop-timer">{fmtClock(stateSecs)}</span>}
				</div>
				<span class="pop-channel">✎ {t('channel.workorder')}</span>
			</header>
			<div class="pop-caller">
				<div class="pop-avatar">#</div>
				<div>
					<div class="pop-number" data-testid="pop-order-number">{o ? `#${o.number}` : t('channel.workorder')}</div>
					<div class="pop-name known" data-testid="pop-order-subject">{o ? (o.subject || o.category) : ''}</div>
				</div>
			</div>
			{o && <div class="wo-badges"><span class={`wo-status ws-${o.status}`}>{t(`wo.status.${o.status}`)}</span>
				<span class={`wo-prio wp-${o.priority}`}>{t(`wo.prio.${o.priority}`)}</span></div>}
			{contact.customer && (
				<div class="pop-name known" data-testid="pop-customer-name" data-lookup={contact.customer_lookup || ''}>
					{contact.customer.name}</div>)}
			{contact.customer && <CustomerOrders customer={contact.customer} />}
			<p class="muted">{t(offered ? 'pop.order_accept_hint' : 'pop.order_hint')}</p>
			{offered && (
				<footer class="pop-actions">
					<button type="button" class="btn primary" data-testid="pop-accept"
						onClick={() => act(t('pop.accept'), () => api.acceptContact(contact.id))}>✓ {t('pop.accept')}</button>
					<button type="button" class="btn danger" data-testid="pop-refuse"
						onClick={() => act(t('pop.refuse'), () => api.rejectContact(contact.id))}>✕ {t('pop.refuse')}</button>
					<span class="grow" />
					{ref && <a class="btn" href={`#/orders/${ref}`} data-testid="pop-open-order">{t('pop.open_order')} →</a>}
				</footer>
			)}
			{!offered && ref && (
				<footer class="pop-actions">
					<a class="btn primary" href={`#/orders/${ref}`} data-testid="pop-open-order">{t('pop.open_order')} →</a>
				</footer>
			)}
		</article>
	);
}

// An unknown caller: find the customer (by name, number or e-mail) and
// link it to the contact; the daemon then sends contact.updated and the
// pop fills in.
function LinkCustomer({ contact }) {
	const { t } = useI18n();
	const [open, setOpen] = useState(false);
	const [q, setQ] = useState('');
	const [found, setFound] = useState(null);
	const [msg, setMsg] = useState(null);
	if (!open)
		return (
			<div class="pop-link">
				<button type="button" class="btn small ghost" data-testid="pop-link-open"
					onClick={() => setOpen(true)}>{t('pop.link_customer')}</button>
			</div>
		);
	async function search(e) {
		e.preventDefault();
		setMsg(null);
		try {
			const r = await api.customers({ q: q.trim(), limit: 8 });
			setFound(r.customers || []);
		} catch (err) { setMsg(t('common.error', { msg: err.message })); }
	}
	async function link(c) {
		try { await api.linkCustomer(contact.id, c.id); setOpen(false); }
		catch (err) { setMsg(t('common.error', { msg: err.message })); }
	}
	return (
		<form class="pop-link open" onSubmit={search} data-testid="pop-link">
			<div class="row">
				<input value={q} placeholder={t('wo.customer_ph')} data-testid="pop-link-q"
					onInput={(e) => setQ(e.currentTarget.value)} />
				<button class="btn" type="submit" data-testid="pop-link-search">{t('wo.search')}</button>
				<button class="btn ghost" type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
			</div>
			{found && (found.length === 0 ? <p class="muted small">{t('wo.no_customer')}</p> : (
				<div class="chips">
					{found.map((c) => (
						<button type="button" class="chip" key={c.id} data-testid="pop-link-pick"
							onClick={() => link(c)}>{c.name}<b>{(c.identities || [])[0] ? c.identities[0].value : ''}</b></button>
					))}
				</div>
			))}
			{msg && <div class="form-error">{msg}</div>}
		</form>
	);
}

// What the caller did in the voice menu: the language, the keys pressed
// per menu, the digits entered, what lookups found, and the path taken.
function Ivr({ ivr }) {
	const { t } = useI18n();
	const digits = (ivr && ivr.digits) || {};
	const lookup = (ivr && ivr.lookup) || {};
	const choices = (ivr && Array.isArray(ivr.choices)) ? ivr.choices : [];
	const path = (ivr && Array.isArray(ivr.path)) ? ivr.path : [];
	const has = ivr && (ivr.language || ivr.menu || choices.length ||
		Object.keys(digits).length || Object.keys(lookup).length || path.length);
	return (
		<section class="pop-section" data-testid="pop-ivr">
			<h3>{t('pop.ivr')}</h3>
			{!has ? <p class="muted">{t('pop.ivr_none')}</p> : (<>
				<div class="chips">
					{ivr.language && <span class="chip" data-testid="pop-ivr-language">{t('pop.ivr_language')}<b>{LANG_NAMES[ivr.language] || ivr.language}</b></span>}
					{ivr.menu && <span class="chip">{t('pop.ivr_menu')}<b>{ivr.menu}</b></span>}
					{choices.map((c, i) => <span class="chip" key={`c${i}`} data-testid="pop-ivr-choice">{c.menu}<b>{c.key}</b></span>)}
					{Object.entries(digits).map(([k, v]) =>
						<span class="chip mono" key={`d${k}`} data-testid="pop-ivr-digits">{k}<b>{v}</b></span>)}
					{Object.entries(lookup).map(([k, v]) =>
						<span class="chip" key={`l${k}`}>{k}<b>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</b></span>)}
				</div>
				{path.length > 0 && <div class="ivr-path" data-testid="pop-ivr-path">{path.join(' › ')}</div>}
			</>)}
		</section>
	);
}

// The customer's open work orders, each a link to its page.
function CustomerOrders({ customer }) {
	const { t } = useI18n();
	const list = Array.isArray(customer.workorders) ? customer.workorders : [];
	return (
		<section class="pop-section" data-testid="pop-orders">
			<h3>{t('pop.open_orders')}</h3>
			{list.length === 0 ? <p class="muted">{t('pop.no_orders')}</p> : (
				<ul class="pop-orders">
					{list.slice(0, 5).map((o) => (
						<li key={o.id} class={o.overdue ? 'overdue' : ''}>
							<a href={`#/orders/${o.number}`} class="mono">#{o.number}</a>
							<span class={`wo-status ws-${o.status}`}>{t(`wo.status.${o.status}`)}</span>
							<span class="subject">{o.subject || o.category}</span>
							{o.overdue && <span class="due due-overdue">{t('wo.overdue')}</span>}
						</li>
					))}
				</ul>
			)}
		</section>
	);
}

function History({ contact, wrapCodes }) {
	const { t, dateTime, lang } = useI18n();
	const c = contact.customer;
	const codeLabel = (code) => {
		const w = (wrapCodes || []).find((x) => x.code === code);
		return (w && w.label && (w.label[lang] || w.label.en)) || code;
	};
	const given = c && Array.isArray(c.interactions) ? c.interactions
		: c && Array.isArray(c.history) ? c.history : null;
	const [fetched, setFetched] = useState(null);
	useEffect(() => {
		if (given || !contact.caller) return;
		api.interactions({ caller: contact.caller, limit: 6 })
			.then((r) => setFetched((r.interactions || [])
				.filter((x) => x.id !== contact.interaction).slice(0, 5)))
			.catch(() => setFetched([]));
	}, [contact.caller, contact.interaction, !!given]);
	const list = given || fetched || [];
	return (
		<section class="pop-section" data-testid="pop-history">
			<h3>{t('pop.history')}</h3>
			{list.length === 0 ? <p class="muted">{t('pop.history_none')}</p> : (
				<ol class="history">
					{list.map((h) => {
						const ms = h.time_ms ?? h.arrived_ms ?? (h.time ? Date.parse(h.time) : h.arrived ? Date.parse(h.arrived) : null);
						const disp = h.disposition ? t(`disp.${h.disposition}`) : '';
						return (
							<li key={h.interaction || h.id}>
								<span class="h-time">{dateTime(ms)}</span>
								<span class="queue-tag">{h.queue}</span>
								<span class={`h-disp d-${h.disposition}`}>{disp.startsWith('disp.') ? h.disposition : disp}</span>
								{h.agent && <span class="muted">{h.agent}</span>}
								{h.wrapup_code && <span class="chip small">{codeLabel(h.wrapup_code)}</span>}
							</li>
						);
					})}
				</ol>
			)}
		</section>
	);
}
