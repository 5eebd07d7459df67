// The supervisor wallboard: one tile per queue, the agents, the waiting
// contacts and the last hours in 15-minute intervals.  Built to be read
// from across the room: large figures, colour for state and target.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n, formatDuration } from '../i18n/index.js';
import { useNow } from '../hooks.js';
import { AGENT_STATES, countStates, since, slStatus, sumIntervals, waitingContacts } from '../store.js';
import { StateBadge } from './StateBadge.jsx';
import { IntervalChart } from './IntervalChart.jsx';
import { fmtClock } from './AgentDesk.jsx';

export function Wallboard({ live, user, hours }) {
	const { t } = useI18n();
	const now = useNow(1000);
	const [chartQueue, setChartQueue] = useState('');
	const [err, setErr] = useState(null);
	const queues = Object.values(live.queues).sort((a, b) => a.name.localeCompare(b.name));
	// Working agents first (on a call, ringing, wrap-up, available, not
	// ready), the logged-out ones last; by extension within a state.
	const agents = Object.values(live.agents).sort((a, b) =>
		stateRank(a.state) - stateRank(b.state) ||
		String(a.id).localeCompare(String(b.id)));
	const waiting = waitingContacts(live);
	const intervals = useMemo(() => chartQueue
		? (live.intervals[chartQueue] || [])
		: sumIntervals(Object.values(live.intervals)), [live.intervals, chartQueue]);
	const target = chartQueue && live.queues[chartQueue]
		? live.queues[chartQueue].sl_target
		: (queues[0] && queues[0].sl_target);

	async function act(f) {
		setErr(null);
		try { await f(); } catch (e) { setErr(t('common.error', { msg: e.message })); }
	}

	return (
		<main class="wall" data-testid="wallboard">
			{err && <div class="toast error" role="alert" onClick={() => setErr(null)}>{err}</div>}
			<section class="tiles" data-testid="tiles">
				{queues.length === 0 && live.ready && <div class="muted">{t('wall.no_queues')}</div>}
				{queues.map((q) => <QueueTile key={q.name} q={q} live={live} now={now} />)}
			</section>
			<section class="wall-body">
			<div class="wall-left">
				<div class="panel chart-panel">
					<header class="panel-head">
						<h2>{t('wall.chart', { h: hours })}</h2>
						<div class="seg" role="group">
							<button type="button" class={chartQueue === '' ? 'on' : ''} onClick={() => setChartQueue('')}>{t('wall.all_queues')}</button>
							{queues.map((q) => <button type="button" key={q.name} class={chartQueue === q.name ? 'on' : ''}
								onClick={() => setChartQueue(q.name)}>{q.name}</button>)}
						</div>
					</header>
					<IntervalChart intervals={intervals} target={target} now={now + live.skew} hours={hours} />
				</div>
				<div class="panel waiting-panel" data-testid="waiting-list">
					<header class="panel-head"><h2>{t('wall.waiting_contacts')}</h2>
						<span class="count">{waiting.length}</span></header>
					{waiting.length === 0 ? <p class="muted center">{t('wall.no_waiting')}</p> : (
						<table class="grid">
							<thead><tr><th>{t('pop.caller')}</th><th>{t('pop.queue')}</th>
								<th class="num">{t('pop.waited')}</th><th class="num">{t('wall.priority')}</th></tr></thead>
							<tbody>
								{waiting.map((c) => (
									<tr key={c.id} data-testid="waiting-row">
										<td class="mono">{c.caller}</td>
										<td><span class="queue-tag">{c.queue}</span></td>
										<td class="num">{formatDuration(since(c.arrived_ms, now, live.skew) ?? c.waited_s)}</td>
										<td class="num">
											<span class="prio">
												<button type="button" class="btn tiny" title={t('wall.lower')} disabled={!(c.priority > 0)}
													onClick={() => act(() => api.setPriority(c.id, (c.priority || 0) - 1))}>−</button>
												<b data-testid="priority">{c.priority || 0}</b>
												<button type="button" class="btn tiny" title={t('wall.raise')} disabled={c.priority >= 9}
													data-testid="raise-priority"
													onClick={() => act(() => api.setPriority(c.id, (c.priority || 0) + 1))}>+</button>
											</span>
										</td>
									</tr>
								))}
							</tbody>
						</table>
					)}
				</div>
			</div>
			<section class="panel agents-panel" data-testid="agents-table">
				<header class="panel-head"><h2>{t('wall.agents')}</h2>
					<StateSummary agents={agents} /></header>
				<table class="grid agents">
					<thead><tr>
						<th>{t('wall.agent')}</th><th>{t('wall.state')}</th><th class="num">{t('wall.time')}</th>
						<th class="num">{t('wall.today')}</th><th>{t('wall.contact')}</th><th>{t('wall.set_state')}</th>
					</tr></thead>
					<tbody>
						{agents.map((a) => <AgentRow key={a.id} a={a} now={now} skew={live.skew} live={live} act={act} />)}
					</tbody>
				</table>
			</section>
			</section>
		</main>
	);
}

const RANK = ['busy', 'reserved', 'wrap-up', 'available', 'not-ready', 'logged-out'];
function stateRank(s) {
	const i = RANK.indexOf(s);
	return i < 0 ? RANK.length : i;
}

function QueueTile({ q, live, now }) {
	const { t, pct, num } = useI18n();
	const s = q.stats || {};
	const status = slStatus(s.service_level, q.sl_target);
	const ivStatus = slStatus(s.service_level_interval, q.sl_target);
	const agentsBy = s.agents || countStates(Object.values(live.agents));
	const staffed = AGENT_STATES.filter((x) => x !== 'logged-out')
		.reduce((n, x) => n + (agentsBy[x] || 0), 0);
	const longest = s.waiting > 0 ? oldestWait(live, q.name, now) ?? s.longest_wait_s : s.longest_wait_s;
	return (
		<article class={`tile st-${status || 'none'}`} data-testid={`tile-${q.name}`} data-status={status || 'none'}>
			<header class="tile-head">
				<h3>{q.name}</h3>
				{status && <span class={`tile-flag st-${status}`}>{t(`wall.status_${status}`)}</span>}
			</header>
			<div class="tile-main">
				<div class={`big ${s.waiting > 0 ? 'hot' : ''}`}>
					<b data-testid="waiting">{num(s.waiting ?? 0)}</b>
					<span>{t('wall.waiting')}</span>
				</div>
				<div class={`big sl st-${status || 'none'}`}>
					<b data-testid="sl">{pct(s.service_level)}</b>
					<span>{t('wall.sl_today')}</span>
				</div>
			</div>
			<div class="tile-target">{t('wall.target', { pct: pct(q.sl_target), s: q.sl_threshold_s })}</div>
			<dl class="tile-stats">
				<div><dt>{t('wall.longest')}</dt><dd data-testid="longest">{formatDuration(longest ?? 0)}</dd></div>
				<div><dt>{t('wall.sl_interval')}</dt><dd class={`st-${ivStatus || 'none'}`}>{pct(s.service_level_interval)}</dd></div>
				<div><dt>{t('wall.asa')}</dt><dd>{formatDuration(s.asa_s)}</dd></div>
				<div><dt>{t('wall.abandon')}</dt><dd data-testid="abandon">{pct(s.abandon_rate)}</dd></div>
				<div><dt>{t('wall.offered')}</dt><dd data-testid="offered">{num(s.offered ?? 0)}</dd></div>
				<div><dt>{t('wall.answered')}</dt><dd data-testid="answered">{num(s.answered ?? 0)}</dd></div>
			</dl>
			<div class="tile-agents" title={t('wall.agents')}>
				<div class="stack">
					{AGENT_STATES.filter((x) => x !== 'logged-out').map((x) => agentsBy[x] > 0 &&
						<i key={x} class={`s-${x}`} style={{ flexGrow: agentsBy[x] }} />)}
				</div>
				<div class="stack-legend">
					{AGENT_STATES.filter((x) => x !== 'logged-out').map((x) => (
						<span key={x} class={agentsBy[x] ? '' : 'zero'} data-testid={`agents-${x}`}>
							<i class={`state-dot s-${x}`} />{num(agentsBy[x] || 0)} {t(`state.${x}`)}
						</span>
					))}
					<span class="muted">/ {num(staffed)}</span>
				</div>
			</div>
		</article>
	);
}

function oldestWait(live, queue, now) {
	let best = null;
	for (const c of Object.values(live.contacts)) {
		if (c.state !== 'waiting' || c.queue !== queue) continue;
		const s = since(c.arrived_ms, now, live.skew);
		if (s !== null && (best === null || s > best)) best = s;
	}
	return best;
}

function StateSummary({ agents }) {
	const { t, num } = useI18n();
	const n = countStates(agents);
	return (
		<div class="state-summary">
			{AGENT_STATES.map((x) => (
				<span key={x} class={n[x] ? '' : 'zero'}><i class={`state-dot s-${x}`} />{num(n[x])} {t(`state.${x}`)}</span>
			))}
		</div>
	);
}

function AgentRow({ a, now, skew, live, act }) {
	const { t } = useI18n();
	const secs = since(a.state_since_ms, now, skew);
	const c = a.current || Object.values(live.contacts).find((x) => x.agent === a.id);
	const long = (a.state === 'not-ready' && secs > 900) || (a.state === 'wrap-up' && secs > 120);
	return (
		<tr data-testid={`agent-row-${a.id}`} data-state={a.state}>
			<td><span class="agent-name"><b>{a.name || a.id}</b><small class="mono">{a.id}</small></span></td>
			<td><StateBadge state={a.state} reason={a.reason} /></td>
			<td class={`num ${long ? 'late' : ''}`}>{secs === null ? '' : fmtClock(secs)}</td>
			<td class="num">{a.contacts_today ?? 0}</td>
			<td class="contact">{c ? <span class="mono">{c.caller} <span class="queue-tag">{c.queue}</span></span> : <span class="muted">{t('common.none')}</span>}</td>
			<td>
				<select class="small" value="" aria-label={t('wall.set_state')} data-testid={`set-state-${a.id}`}
					onChange={(e) => {
						const v = e.currentTarget.value;
						e.currentTarget.value = '';
						if (!v) return;
						const [st, reason] = v.split(':');
						act(() => api.setState(a.id, st, reason));
					}}>
					<option value="">⋯</option>
					<option value="available">{t('state.available')}</option>
					<option value="not-ready:break">{t('state.not-ready')} · {t('reason.break')}</option>
					<option value="not-ready:meeting">{t('state.not-ready')} · {t('reason.meeting')}</option>
					<option value="logged-out">{t('state.logged-out')}</option>
				</select>
			</td>
		</tr>
	);
}
