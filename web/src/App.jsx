// The application shell: sign-in, the language, the live event stream and
// the two screens (#/desk for agents, #/wall for supervisors).
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, getToken, setToken, setUnauthorizedHandler } from './api.js';
import { EventStream } from './events.js';
import { apply, currentContact, emptyState, mergeInterval } from './store.js';
import { I18nContext, LOCALES, initialLang, makeI18n, normLang, useI18n } from './i18n/index.js';
import { TopBar } from './components/TopBar.jsx';
import { Login } from './components/Login.jsx';
import { AgentDesk } from './components/AgentDesk.jsx';
import { Wallboard } from './components/Wallboard.jsx';
import { Orders } from './components/Orders.jsx';
import { OrderPage } from './components/OrderPage.jsx';
import { parseRoute } from './crm.js';

const LANG_KEY = 'hotline.lang';
const CHART_HOURS = 8;

function storedLang() {
	try { return localStorage.getItem(LANG_KEY); } catch { return null; }
}
function storeLang(l) {
	try { localStorage.setItem(LANG_KEY, l); } catch { /* ignore */ }
}

// The screen named by the hash: desk, wall, orders, order (with id), inbox;
// null when the hash names none.
function routeFromHash() {
	return parseRoute(location.hash).name;
}

export function defaultRoute(user) {
	if (!user) return null;
	if (user.role === 'unit') return 'inbox';
	return user.role === 'agent' || (user.agent && user.role !== 'supervisor' &&
		user.role !== 'admin') ? 'desk' : 'wall';
}

// The screen a user may see for route r (else their default one).
export function screenFor(user, r) {
	const d = defaultRoute(user);
	if (user.role === 'unit') return r === 'order' || r === 'inbox' ? r : d;
	if (r === 'wall') return user.role === 'agent' ? d : r;
	if (r === 'desk') return user.agent ? r : d;
	if (r === 'orders' || r === 'order') return r;
	return d;
}

export function App() {
	const [lang, setLangState] = useState(() =>
		initialLang(storedLang(), navigator.languages));
	const [user, setUser] = useState(null);
	const [booting, setBooting] = useState(!!getToken());
	const [route, setRoute] = useState(routeFromHash());
	const [hash, setHash] = useState(location.hash);  // re-render on every move
	const [live, setLive] = useState(emptyState);
	const [conn, setConn] = useState({ status: 'connecting' });
	const streamRef = useRef(null);
	const i18n = useMemo(() => makeI18n(lang), [lang]);

	useEffect(() => {
		document.documentElement.lang = LOCALES[lang];
		document.title = `${i18n.t('app.name')} · ${i18n.t(`nav.${route === 'order' ? 'orders' : route || 'desk'}`)}`;
	}, [lang, route, i18n]);

	useEffect(() => {
		const f = () => { setRoute(routeFromHash()); setHash(location.hash); };
		addEventListener('hashchange', f);
		return () => removeEventListener('hashchange', f);
	}, []);

	const signOut = useCallback((callServer) => {
		if (callServer) api.logout().catch(() => {});
		setToken(null);
		setUser(null);
		setLive(emptyState());
	}, []);

	useEffect(() => { setUnauthorizedHandler(() => signOut(false)); }, [signOut]);

	const adoptUser = useCallback((u) => {
		setUser(u);
		const l = normLang(u && u.language);
		if (l) { setLangState(l); storeLang(l); }
	}, []);

	// A token from an earlier visit: who is it?  A 401 means sign in again;
	// no answer (the daemon restarting under a wall screen) means ask again.
	useEffect(() => {
		if (!getToken()) return undefined;
		let timer = null, stop = false;
		const ask = (delay) => api.me().then((r) => {
			if (!stop) { adoptUser(r.user || r); setBooting(false); }
		}).catch((e) => {
			if (stop) return;
			if (e.status === 401 || e.status === 403) { setToken(null); setBooting(false); }
			else timer = setTimeout(() => ask(Math.min(delay * 2, 10000)), delay);
		});
		ask(1000);
		return () => { stop = true; clearTimeout(timer); };
	}, [adoptUser]);

	// The event stream lives as long as someone is signed in.
	useEffect(() => {
		if (!user) return undefined;
		const s = new EventStream(getToken(),
			(msg) => setLive((st) => apply(st, msg)),
			setConn,
			() => api.me().catch(() => {}));
		streamRef.current = s;
		s.start();
		return () => { s.stop(); streamRef.current = null; };
	}, [user]);

	// The chart's history: fetched per queue after every snapshot (so a
	// reconnect refreshes it), then kept current by queue.interval events.
	const snapshotQueues = live.ready ? Object.keys(live.queues).sort().join(',') : '';
	const [snapCount, setSnapCount] = useState(0);
	useEffect(() => { if (conn.status === 'live') setSnapCount((n) => n + 1); }, [conn.status]);
	useEffect(() => {
		if (!user || !snapshotQueues || user.role === 'agent') return;
		for (const q of snapshotQueues.split(',')) {
			api.intervals(q, CHART_HOURS).then((r) => {
				setLive((st) => {
					let list = st.intervals[q] || [];
					for (const iv of r.intervals || []) list = mergeInterval(list, iv);
					return { ...st, intervals: { ...st.intervals, [q]: list } };
				});
			}).catch(() => {});
		}
	}, [user, snapshotQueues, snapCount]);

	const setLang = useCallback((l) => {
		setLangState(l);
		storeLang(l);
		if (user) {
			api.setLanguage(l).catch(() => {});
			setUser((u) => u && { ...u, language: l });
		}
	}, [user]);

	const onLogin = useCallback((res) => {
		setToken(res.token);
		adoptUser(res.user);
		const cur = routeFromHash();
		const r = screenFor(res.user, cur);
		if (r && cur !== r) location.hash = `#/${r}`;
		setRoute(routeFromHash() || r);
	}, [adoptUser]);

	let body;
	if (booting) {
		body = <div class="boot"><span class="spinner" />{i18n.t('conn.connecting')}</div>;
	} else if (!user) {
		body = <Login onLogin={onLogin} lang={lang} setLang={setLang} />;
	} else {
		const r = screenFor(user, route);
		const wall = r === 'wall';
		const hr = parseRoute(hash || location.hash);
		let screen;
		if (r === 'wall') screen = <Wallboard live={live} user={user} hours={CHART_HOURS} />;
		else if (r === 'orders') screen = <Orders key={location.hash} live={live} user={user} preset="search" query={hr.query} />;
		else if (r === 'inbox') screen = <Orders key="inbox" live={live} user={user} preset="inbox" query={hr.query} />;
		else if (r === 'order') screen = <OrderPage key={hr.id} id={hr.id} live={live} user={user} />;
		else screen = <AgentDesk live={live} user={user} />;
		body = (
			<div class={`shell ${wall ? 'theme-dark' : 'theme-light'}`}>
				<TopBar user={user} lang={lang} setLang={setLang}
					route={r === 'order' ? (user.role === 'unit' ? 'inbox' : 'orders') : r} conn={conn}
					woSeq={live.woSeq}
					onLogout={() => signOut(true)} />
				{conn.status !== 'live' && <ConnBanner conn={conn} />}
				{r !== 'desk' && user.agent && <CallBanner contact={currentContact(live, user.agent)} />}
				{screen}
			</div>
		);
	}
	return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

// An agent away from the desk (on the work orders) while a call rings or
// is connected: the way back to its screen pop.
function CallBanner({ contact }) {
	const { t } = useI18n();
	if (!contact || contact.channel === 'workorder') return null;
	return (
		<a class={`call-banner ${contact.state === 'offered' ? 'ringing' : ''}`} href="#/desk" data-testid="call-banner">
			<span class="pulse" />
			<b>{t(contact.state === 'offered' ? 'pop.incoming' : 'pop.connected')}</b>
			<span class="mono">{contact.caller}</span>
			<span>{t('nav.back_to_desk')} →</span>
		</a>
	);
}

function ConnBanner({ conn }) {
	const { t } = useI18n();
	const [, force] = useState(0);
	useEffect(() => {
		const id = setInterval(() => force((n) => n + 1), 500);
		return () => clearInterval(id);
	}, []);
	const left = conn.retryAt ? Math.max(0, Math.ceil((conn.retryAt - Date.now()) / 1000)) : null;
	return (
		<div class={`conn-banner ${conn.status}`} role="status" data-testid="conn-banner">
			<span class="spinner" />
			<span>{t(conn.status === 'reconnecting' ? 'conn.reconnecting' : 'conn.connecting')}</span>
			{left !== null && left > 0 && <span class="muted">{t('conn.retry_in', { s: left })}</span>}
		</div>
	);
}
