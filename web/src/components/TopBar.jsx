import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { LANGS, STRINGS, useI18n } from '../i18n/index.js';
import { useNow } from '../hooks.js';

export function Logo() {
	return (
		<svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
			<rect width="32" height="32" rx="8" fill="url(#lg)" />
			<defs>
				<linearGradient id="lg" x1="0" y1="0" x2="1" y2="1">
					<stop offset="0" stop-color="#6366f1" />
					<stop offset="1" stop-color="#06b6d4" />
				</linearGradient>
			</defs>
			<path d="M11.5 8.5c.8-.4 1.7 0 2 .8l1.2 2.9c.3.7.1 1.5-.5 2l-1.3 1c.9 1.9 2.3 3.4 4.2 4.3l1-1.3c.5-.6 1.3-.8 2-.5l2.9 1.2c.8.3 1.2 1.2.8 2l-.7 1.6c-.5 1.1-1.6 1.7-2.8 1.5C14.5 23.2 9 17.7 8.2 11.9c-.2-1.2.4-2.3 1.5-2.8z" fill="#fff" />
		</svg>
	);
}

export function LangSwitch({ lang, setLang }) {
	return (
		<div class="lang-switch" role="group" aria-label="Language" data-testid="lang-switch">
			{LANGS.map((l) => (
				<button type="button" key={l} lang={l}
					class={l === lang ? 'on' : ''}
					aria-pressed={l === lang}
					data-testid={`lang-${l}`}
					onClick={() => setLang(l)}>{STRINGS[l]['lang.name']}</button>
			))}
		</div>
	);
}

function Clock() {
	const { timeSec, date } = useI18n();
	const now = useNow(1000);
	return (
		<div class="clock" data-testid="clock">
			<span class="clock-time">{timeSec(now)}</span>
			<span class="clock-date">{date(now)}</span>
		</div>
	);
}

// Supervisors: how many open orders are past due, on the Work orders tab
// (a link to that view); fetched again when an order moves.
function useOverdue(user, woSeq) {
	const [n, setN] = useState(0);
	const sup = user.role === 'supervisor' || user.role === 'admin';
	useEffect(() => {
		if (!sup) return;
		api.orders({ overdue: 'true', limit: 200 })
			.then((r) => setN((r.workorders || []).length)).catch(() => {});
	}, [sup, woSeq]);
	return sup ? n : 0;
}

export function TopBar({ user, lang, setLang, route, conn, onLogout, woSeq }) {
	const { t, num } = useI18n();
	const overdue = useOverdue(user, woSeq);
	const unit = user.role === 'unit';
	const canWall = user.role !== 'agent' && !unit;
	const canDesk = !!user.agent && !unit;
	const initials = (user.display_name || user.username || '?').trim().slice(0, 1).toUpperCase();
	return (
		<header class="topbar">
			<div class="brand">
				<Logo />
				<span class="brand-name">{t('app.name')}</span>
				<span class="brand-tag">{t('app.tagline')}</span>
			</div>
			<nav class="tabs">
				{canDesk && <a href="#/desk" class={route === 'desk' ? 'on' : ''} data-testid="nav-desk">{t('nav.desk')}</a>}
				{canWall && <a href="#/wall" class={route === 'wall' ? 'on' : ''} data-testid="nav-wall">{t('nav.wall')}</a>}
				{!unit && <a href="#/orders" class={route === 'orders' ? 'on' : ''} data-testid="nav-orders">{t('nav.orders')}
					{overdue > 0 && <span class="nav-badge" data-testid="nav-overdue" title={t('wo.view.overdue')}
						onClick={(e) => { e.preventDefault(); location.hash = '#/orders?view=overdue'; }}>{num(overdue)}</span>}</a>}
				{unit && <a href="#/inbox" class={route === 'inbox' ? 'on' : ''} data-testid="nav-inbox">{t('nav.inbox')}</a>}
			</nav>
			<div class="topbar-right">
				{route === 'wall' && <Clock />}
				<span class={`live-dot ${conn.status}`} title={t(conn.status === 'live' ? 'conn.live' : 'conn.reconnecting')}
					data-testid="live-dot">
					<i />{conn.status === 'live' ? t('conn.live') : ''}
				</span>
				<LangSwitch lang={lang} setLang={setLang} />
				<div class="user" data-testid="user">
					<span class="avatar">{initials}</span>
					<span class="user-name">
						<b>{user.display_name || user.username}</b>
						<small>{user.agent ? `${user.agent} · ` : ''}{user.unit ? `${user.unit} · ` : ''}{t(`role.${user.role}`)}</small>
					</span>
				</div>
				<button type="button" class="btn ghost small" onClick={onLogout} data-testid="logout">{t('nav.logout')}</button>
			</div>
		</header>
	);
}
