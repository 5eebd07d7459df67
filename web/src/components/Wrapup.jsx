// After a call: an outcome code and a note, saved on the interaction.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { since } from '../store.js';
import { fmtClock } from './AgentDesk.jsx';

export function Wrapup({ agent, ext, ended, codes, now, skew, act, onClose, onSaved, onNewOrder }) {
	const { t, lang } = useI18n();
	const [interaction, setInteraction] = useState(ended && ended.interaction);
	const [caller, setCaller] = useState(ended && ended.caller);
	const [code, setCode] = useState(null);
	const [note, setNote] = useState('');
	const [saved, setSaved] = useState(false);
	const [busy, setBusy] = useState(false);
	const [msg, setMsg] = useState(null);

	// After a reload during wrap-up the event that ended the call is gone:
	// the agent's latest interaction is the one to write up.
	useEffect(() => {
		if (interaction) return;
		api.interactions({ agent: ext, limit: 1 }).then((r) => {
			const x = (r.interactions || [])[0];
			if (x) { setInteraction(x.id); setCaller(x.caller); }
		}).catch(() => {});
	}, [ext, interaction]);

	const inWrap = agent.state === 'wrap-up';
	// Written up and out of wrap-up: nothing left to do here.
	useEffect(() => { if (saved && !inWrap && onClose) onClose(); }, [saved, inWrap]);
	const secs = inWrap ? since(agent.state_since_ms, now, skew) : null;
	const label = (c) => (c.label && (c.label[lang] || c.label.en)) || c.code;

	async function save(e) {
		e.preventDefault();
		if (!code) { setMsg(t('wrap.pick_code')); return; }
		setBusy(true);
		setMsg(null);
		try {
			await api.saveWrapup(interaction, code, note);
			setSaved(true);
			if (onSaved) onSaved();
		} catch (err) {
			setMsg(t('call.failed', { action: t('wrap.save'), msg: err.message }));
		} finally {
			setBusy(false);
		}
	}

	return (
		<form class="card wrapup" onSubmit={save} data-testid="wrapup">
			<header class="wrap-head">
				<div>
					<div class="card-label">{t('wrap.title')}</div>
					<h2>{caller ? t('wrap.for_call', { caller }) : t('wrap.title')}</h2>
				</div>
				{secs !== null && <span class="wrap-timer s-wrap-up" data-testid="wrap-timer">{fmtClock(secs)}</span>}
			</header>
			<div class="card-label">{t('wrap.code')}</div>
			<div class="code-grid" role="radiogroup">
				{codes.map((c) => (
					<button type="button" key={c.code} role="radio" aria-checked={code === c.code}
						class={`code ${code === c.code ? 'on' : ''}`} data-testid={`wrap-code-${c.code}`}
						onClick={() => { setCode(c.code); setSaved(false); }}>{label(c)}</button>
				))}
			</div>
			<label class="note">
				<span class="card-label">{t('wrap.note')}</span>
				<textarea rows="3" value={note} placeholder={t('wrap.note_ph')} data-testid="wrap-note"
					onInput={(e) => { setNote(e.currentTarget.value); setSaved(false); }} />
			</label>
			{msg && <div class="form-error" role="alert">{msg}</div>}
			<footer class="wrap-actions">
				<button class="btn primary" type="submit" disabled={busy || !interaction} data-testid="wrap-save">
					{saved ? `✓ ${t('wrap.saved')}` : t('wrap.save')}</button>
				{onNewOrder && <button type="button" class="btn" data-testid="wrap-new-order"
					onClick={onNewOrder}>＋ {t('wo.new')}</button>}
				<span class="grow" />
				{inWrap ? <button type="button" class="btn" data-testid="wrap-finish"
					onClick={() => act(t('wrap.finish'), () => api.endWrapup(ext))}>{t('wrap.finish')}</button>
					: <button type="button" class="btn ghost" data-testid="wrap-close"
						onClick={onClose}>{t('call.done')}</button>}
			</footer>
		</form>
	);
}
