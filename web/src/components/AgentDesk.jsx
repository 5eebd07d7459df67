// The agent desktop: my state with its timer, the screen pop of the
// contact offered or connected, call control and wrap-up.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { useNow } from '../hooks.js';
import { currentContact, since } from '../store.js';
import { StateBadge, stateLabel } from './StateBadge.jsx';
import { ScreenPop } from './ScreenPop.jsx';
import { Wrapup } from './Wrapup.jsx';
import { Recent } from './Recent.jsx';
import { OrderForm } from './OrderForm.jsx';

const MANUAL_REASONS = ['break', 'lunch', 'meeting', 'training'];

function useCodes() {
	const [reasons, setReasons] = useState(MANUAL_REASONS);
	const [wrapCodes, setWrapCodes] = useState([]);
	useEffect(() => {
		api.reasonCodes().then((r) => {
			const list = (r.reason_codes || []).filter((c) => !['no-answer', 'rejected'].includes(c));
			if (list.length) setReasons(list);
		}).catch(() => {});
		api.wrapupCodes().then((r) => setWrapCodes(r.wrapup_codes || [])).catch(() => {});
	}, []);
	return { reasons, wrapCodes };
}

export function AgentDesk({ live, user }) {
	const { t } = useI18n();
	const ext = user.agent;
	const agent = ext ? live.agents[ext] : null;
	const { reasons, wrapCodes } = useCodes();
	const now = useNow(1000);
	const [err, setErr] = useState(null);
	const [done, setDone] = useState({});   // ended contact ids written up
	const [saves, setSaves] = useState(0);  // wrap-ups saved (refreshes Recent)
	const [orderFor, setOrderFor] = useState(null);  // contact a new order is for
	const [created, setCreated] = useState(null);    // the order just created

	if (!ext) return <main class="desk"><div class="card empty">{t('desk.no_agent')}</div></main>;

	const contact = currentContact(live, ext);
	const lastEnded = live.ended[ext] || null;
	const ended = lastEnded && !done[lastEnded.id] ? lastEnded : null;
	const showWrap = !contact && agent && (agent.state === 'wrap-up' || ended);

	async function act(label, f) {
		setErr(null);
		try { await f(); } catch (e) { setErr(t('call.failed', { action: label, msg: e.message })); }
	}

	return (
		<main class="desk" data-testid="desk">
			<aside class="desk-side">
				<StatePanel agent={agent} now={now} skew={live.skew} reasons={reasons}
					act={act} ext={ext} />
			</aside>
			<section class="desk-main">
				{err && <div class="toast error" role="alert" onClick={() => setErr(null)}>{err}</div>}
				{created && (
					<div class="toast ok" role="status" data-testid="wo-created">
						{t('wo.created_msg', { n: created.number })}
						<a href={`#/orders/${created.number}`} data-testid="wo-created-link">{t('wo.open')}</a>
						<button type="button" class="btn tiny ghost" onClick={() => setCreated(null)}>✕</button>
					</div>
				)}
				{contact
					? <ScreenPop contact={contact} agent={agent} ext={ext} now={now}
						skew={live.skew} act={act} wrapCodes={wrapCodes}
						onNewOrder={() => setOrderFor(contact)} />
					: (agent && !showWrap && !orderFor) && <Idle agent={agent} />}
				{orderFor && (
					<OrderForm key={orderFor.id} contact={contact && contact.id === orderFor.id ? contact : orderFor}
						onCreated={(o) => { setCreated(o); setOrderFor(null); }}
						onCancel={() => setOrderFor(null)} />
				)}
				{showWrap &&
					<Wrapup key={(ended && ended.id) || 'wrap'} agent={agent} ext={ext}
						ended={ended} codes={wrapCodes} now={now} skew={live.skew} act={act}
						onNewOrder={orderFor ? null : () => setOrderFor(ended || { id: 'wrap' })}
						onSaved={() => setSaves(saves + 1)}
						onClose={() => ended && setDone({ ...done, [ended.id]: true })} />}
				<Recent ext={ext} wrapCodes={wrapCodes}
					refreshKey={`${lastEnded ? lastEnded.id : ''}/${agent ? agent.contacts_today : ''}/${Object.keys(done).length}/${saves}`} />
			</section>
		</main>
	);
}

function StatePanel({ agent, now, skew, reasons, act, ext }) {
	const { t, num } = useI18n();
	const [reason, setReason] = useState(reasons[0] || 'break');
	if (!agent) return <div class="card state-card skeleton" />;
	const secs = since(agent.state_since_ms, now, skew);
	const st = agent.state;
	const inCall = st === 'reserved' || st === 'busy';
	const setState = (s, r) => act(t(`state.${s}`), () => api.setState(ext, s, r));
	return (
		<div class="card state-card" data-testid="state-card">
			<div class="card-label">{t('desk.my_state')}</div>
			<div class={`state-hero s-${st}`} data-testid="my-state" data-state={st}>
				<span class="state-hero-dot" />
				<span class="state-hero-label">{stateLabel(t, agent)}</span>
				<span class="state-hero-timer" data-testid="state-timer">
					{secs === null ? '' : fmtClock(secs)}</span>
			</div>
			<div class="state-actions">
				<button type="button" class="btn go big" disabled={st === 'available' || inCall}
					onClick={() => setState('available')} data-testid="go-available">
					{t('desk.go_available')}</button>
				<div class="nr-row">
					<select value={reason} onChange={(e) => setReason(e.currentTarget.value)}
						aria-label={t('desk.reason')} data-testid="reason">
						{reasons.map((r) => <option value={r} key={r}>{t(`reason.${r}`) === `reason.${r}` ? r : t(`reason.${r}`)}</option>)}
					</select>
					<button type="button" class="btn warn" disabled={inCall || (st === 'not-ready' && agent.reason === reason)}
						onClick={() => setState('not-ready', reason)} data-testid="go-not-ready">
						{t('desk.go_not_ready')}</button>
				</div>
				<button type="button" class="btn ghost" disabled={inCall || st === 'logged-out'}
					onClick={() => setState('logged-out')} data-testid="go-logged-out">
					{t('desk.log_out')}</button>
			</div>
			<dl class="facts">
				<div><dt>{t('desk.contacts_today')}</dt><dd data-testid="contacts-today">{num(agent.contacts_today ?? 0)}</dd></div>
				<div><dt>{t('desk.devices')}</dt><dd>{num(agent.devices ?? 0)}</dd></div>
			</dl>
			{agent.skills && Object.keys(agent.skills).length > 0 && (
				<div class="skills">
					<div class="card-label">{t('desk.skills')}</div>
					<div class="chips">
						{Object.entries(agent.skills).map(([k, v]) =>
							<span class="chip" key={k}>{k}<b>{v}</b></span>)}
					</div>
				</div>
			)}
		</div>
	);
}

function Idle({ agent }) {
	const { t } = useI18n();
	const msg = agent.state === 'available' ? 'desk.idle_available'
		: agent.state === 'not-ready' ? 'desk.idle_not_ready' : 'desk.idle_logged_out';
	return (
		<div class="card idle" data-testid="idle">
			<div class={`idle-ring s-${agent.state}`}><StateBadge state={agent.state} dotOnly /></div>
			<h2>{t('desk.idle_title')}</h2>
			<p>{t(msg)}</p>
		</div>
	);
}

export function fmtClock(s) {
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), x = s % 60;
	const p = (n) => String(n).padStart(2, '0');
	return h ? `${h}:${p(m)}:${p(x)}` : `${p(m)}:${p(x)}`;
}
