// A new work order, usually from the contact on the desk: the category
// picks the form (its fields from the center's configuration), then the
// priority, a subject and the customer (the contact's if known).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { fieldValue } from '../crm.js';
import { catTitle, useCatalog } from './Orders.jsx';
import { fieldTitle } from './OrderPage.jsx';

export function OrderForm({ contact, onCreated, onCancel }) {
	const { t } = useI18n();
	const cat = useCatalog();
	const cats = (cat && cat.categories) || [];
	const [category, setCategory] = useState('');
	const [priority, setPriority] = useState('normal');
	const [subject, setSubject] = useState('');
	const [values, setValues] = useState({});
	const [customer, setCustomer] = useState((contact && contact.customer) || null);
	const [find, setFind] = useState((contact && !contact.customer && contact.caller) || '');
	const [found, setFound] = useState(null);
	const [busy, setBusy] = useState(false);
	const [msg, setMsg] = useState(null);
	const ref = useRef(null);

	// opened under the screen pop, maybe below the fold: bring it up
	useEffect(() => {
		if (ref.current && ref.current.scrollIntoView)
			ref.current.scrollIntoView({ block: 'nearest' });
	}, []);

	useEffect(() => { if (!category && cats.length) setCategory(cats[0].name); }, [cats.length]);
	useEffect(() => { if (contact && contact.customer) setCustomer(contact.customer); },
		[contact && contact.customer && contact.customer.id]);
	const def = cats.find((c) => c.name === category);

	// a phone field starts with the caller's number
	useEffect(() => {
		if (!def || !contact || !contact.caller) return;
		const ph = (def.fields || []).find((f) => f.type === 'phone');
		if (ph && values[ph.name] === undefined) setValues((v) => ({ ...v, [ph.name]: contact.caller }));
	}, [category]);

	async function lookup() {
		setFound(null);
		if (!find.trim()) return;
		try {
			const r = await api.customers({ q: find.trim(), limit: 8 });
			setFound(r.customers || []);
		} catch (e) {
			setFound([]);
			setMsg(t('common.error', { msg: e.message }));
		}
	}

	async function submit(e) {
		e.preventDefault();
		setBusy(true);
		setMsg(null);
		const fields = {};
		for (const f of (def && def.fields) || []) {
			const v = fieldValue(f, values[f.name]);
			if (v !== undefined) fields[f.name] = v;
		}
		const body = { category, priority, fields };
		if (subject.trim()) body.subject = subject.trim();
		if (customer && customer.id) body.customer = customer.id;
		if (contact && contact.interaction) body.interaction = contact.interaction;
		try {
			const o = await api.createOrder(body);
			if (onCreated) onCreated(o);
		} catch (err) {
			setMsg(t('wo.create_failed', { msg: err.message }));
		} finally {
			setBusy(false);
		}
	}

	return (
		<form class="card order-form" onSubmit={submit} data-testid="wo-form" ref={ref}>
			<header class="wrap-head">
				<div>
					<div class="card-label">{t('wo.new')}</div>
					<h2>{contact && contact.caller ? t('wo.new_for', { caller: contact.caller }) : t('wo.new')}</h2>
				</div>
			</header>
			{cat && cat.failed && <div class="form-error">{t('wo.unavailable')}</div>}
			<div class="card-label">{t('wo.category')}</div>
			<div class="code-grid" role="radiogroup">
				{cats.map((c) => (
					<button type="button" key={c.name} role="radio" aria-checked={category === c.name}
						class={`code ${category === c.name ? 'on' : ''}`} data-testid={`wo-cat-${c.name}`}
						onClick={() => setCategory(c.name)}>{catTitle(t, c, c.name)}</button>
				))}
			</div>
			<div class="form-grid">
				{((def && def.fields) || []).map((f) => (
					<label key={`${category}.${f.name}`} class={f.type === 'text' && (f.max_length || 0) > 200 ? 'wide' : ''}>
						<span>{fieldTitle(t, category, f)}{f.required && <b class="req">*</b>}</span>
						<Field f={f} value={values[f.name] ?? ''} category={category}
							onChange={(v) => setValues({ ...values, [f.name]: v })} />
					</label>
				))}
				<label class="wide"><span>{t('wo.subject')}</span>
					<input value={subject} maxLength={200} data-testid="wo-subject" placeholder={t('wo.subject_ph')}
						onInput={(e) => setSubject(e.currentTarget.value)} /></label>
				<label><span>{t('wo.priority')}</span>
					<select value={priority} data-testid="wo-priority" onChange={(e) => setPriority(e.currentTarget.value)}>
						{((cat && cat.priorities) || []).map((p) => <option key={p} value={p}>{t(`wo.prio.${p}`)}</option>)}
					</select></label>
				<div class="wo-cust">
					<span class="lbl">{t('wo.customer')}</span>
					{customer ? (
						<div class="cust-line" data-testid="wo-form-customer">
							<b>{customer.name}</b>
							<button type="button" class="btn tiny ghost" title={t('common.remove')} onClick={() => setCustomer(null)}>✕</button>
						</div>
					) : (
						<div class="row">
							<input value={find} placeholder={t('wo.customer_ph')} data-testid="wo-cust-find"
								onInput={(e) => setFind(e.currentTarget.value)} />
							<button type="button" class="btn" onClick={lookup}>{t('wo.search')}</button>
						</div>
					)}
					{!customer && found && (found.length === 0 ? <p class="muted small">{t('wo.no_customer')}</p> : (
						<div class="chips">
							{found.map((c) => <button type="button" class="chip" key={c.id} onClick={() => setCustomer(c)}>{c.name}</button>)}
						</div>
					))}
				</div>
			</div>
			{msg && <div class="form-error" role="alert" data-testid="wo-form-error">{msg}</div>}
			<footer class="wrap-actions">
				<button class="btn primary" type="submit" disabled={busy || !category} data-testid="wo-create">{t('wo.create')}</button>
				<span class="grow" />
				{onCancel && <button type="button" class="btn ghost" onClick={onCancel}>{t('common.cancel')}</button>}
			</footer>
		</form>
	);
}

function Field({ f, value, onChange, category }) {
	const { t } = useI18n();
	const on = (e) => onChange(e.currentTarget.value);
	const id = `wo-f-${f.name}`;
	if (f.type === 'choice')
		return (
			<select value={value} onChange={on} required={f.required} data-testid={id}>
				<option value="">{t('wo.pick')}</option>
				{(f.choices || []).map((c) => {
					const k = `wo.choice.${c}`;
					const tr = t(k);
					return <option key={c} value={c}>{tr !== k ? tr : c}</option>;
				})}
			</select>
		);
	if (f.type === 'date') return <input type="date" value={value} onInput={on} required={f.required} data-testid={id} />;
	if (f.type === 'number') return <input type="number" value={value} onInput={on} required={f.required} data-testid={id} />;
	if (f.type === 'phone') return <input type="tel" value={value} onInput={on} required={f.required} data-testid={id} />;
	if ((f.max_length || 0) > 200)
		return <textarea rows="3" value={value} onInput={on} required={f.required} maxLength={f.max_length} data-testid={id} />;
	return <input value={value} onInput={on} required={f.required} maxLength={f.max_length || undefined} data-testid={id} data-category={category} />;
}
