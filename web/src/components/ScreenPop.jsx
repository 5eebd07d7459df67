// The screen pop: who calls, what they chose in the voice menu, how long
// they waited, and what happened on their earlier contacts.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n, formatDuration } from '../i18n/index.js';
import { since } from '../store.js';
import { fmtClock } from './AgentDesk.jsx';

const LANG_NAMES = { zh: '中文', ko: '한국어', en: 'English' };

export function ScreenPop({ contact, agent, ext, now, skew, act }) {
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
					<div class="pop-name">{(contact.customer && contact.customer.name) || t('pop.unknown_customer')}</div>
				</div>
			</div>
			{ringing && <div class="pop-hint">{t('pop.answer_on_phone')}</div>}
			<dl class="pop-facts">
				<div><dt>{t('pop.queue')}</dt><dd><span class="queue-tag" data-testid="pop-queue">{contact.queue}</span></dd></div>
				<div><dt>{t('pop.dialed')}</dt><dd>{contact.dialed || t('common.none')}</dd></div>
				<div><dt>{t('pop.waited')}</dt><dd data-testid="pop-waited">{formatDuration(waited)}</dd></div>
				{contact.priority > 0 && <div><dt>{t('wall.priority')}</dt><dd>{num(contact.priority)}</dd></div>}
			</dl>
			<Ivr ivr={contact.ivr} />
			<History contact={contact} />
			{connected && (
				<footer class="pop-actions">
					{held
						? <button type="button" class="btn primary" data-testid="call-resume"
							onClick={() => call('resume', t('call.resume'), null, () => setHeldLocal(false))}>▶ {t('call.resume')}</button>
						: <button type="button" class="btn" data-testid="call-hold"
							onClick={() => call('hold', t('call.hold'), null, () => setHeldLocal(true))}>❚❚ {t('call.hold')}</button>}
					<button type="button" class={`btn ${showTransfer ? 'on' : ''}`} data-testid="call-transfer"
						onClick={() => setShowTransfer(!showTransfer)}>⇄ {t('call.transfer')}</button>
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

function Ivr({ ivr }) {
	const { t } = useI18n();
	const digits = (ivr && ivr.digits) || {};
	const has = ivr && (ivr.language || ivr.menu || Object.keys(digits).length);
	return (
		<section class="pop-section" data-testid="pop-ivr">
			<h3>{t('pop.ivr')}</h3>
			{!has ? <p class="muted">{t('pop.ivr_none')}</p> : (
				<div class="chips">
					{ivr.language && <span class="chip">{t('pop.ivr_language')}<b>{LANG_NAMES[ivr.language] || ivr.language}</b></span>}
					{ivr.menu && <span class="chip">{t('pop.ivr_menu')}<b>{ivr.menu}</b></span>}
					{Object.entries(digits).map(([k, v]) =>
						<span class="chip mono" key={k}>{k}<b>{v}</b></span>)}
				</div>
			)}
		</section>
	);
}

function History({ contact }) {
	const { t, dateTime } = useI18n();
	const given = contact.customer && Array.isArray(contact.customer.history)
		? contact.customer.history : null;
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
						const ms = h.time_ms ?? (h.time ? Date.parse(h.time) : h.arrived ? Date.parse(h.arrived) : null);
						const disp = h.disposition ? t(`disp.${h.disposition}`) : '';
						return (
							<li key={h.interaction || h.id}>
								<span class="h-time">{dateTime(ms)}</span>
								<span class="queue-tag">{h.queue}</span>
								<span class={`h-disp d-${h.disposition}`}>{disp.startsWith('disp.') ? h.disposition : disp}</span>
								{h.agent && <span class="muted">{h.agent}</span>}
								{h.wrapup_code && <span class="chip small">{h.wrapup_code}</span>}
							</li>
						);
					})}
				</ol>
			)}
		</section>
	);
}
