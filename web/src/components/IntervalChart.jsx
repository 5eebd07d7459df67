// Calls offered, answered and abandoned per 15 minutes over the last
// hours, with the service level as a line against its target.  Plain SVG:
// bars for counts on the left axis, the line on the right axis (0-100 %).
import { useI18n } from '../i18n/index.js';
import { INTERVAL_MS } from '../store.js';

const VW = 960, VH = 300;
const PAD = { l: 44, r: 52, t: 18, b: 36 };

export function niceMax(v) {
	if (!(v > 0)) return 4;
	const p = 10 ** Math.floor(Math.log10(v));
	for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return Math.max(4, m * p);
	return 10 * p;
}

// The slots shown: `hours` * 4 interval starts ending with the current one.
export function chartSlots(intervals, now, hours) {
	const n = hours * 4;
	const last = Math.floor(now / INTERVAL_MS) * INTERVAL_MS;
	const by = new Map((intervals || []).map((iv) => [iv.start_ms, iv]));
	const out = [];
	for (let k = 0; k < n; k++) {
		const start = last - (n - 1 - k) * INTERVAL_MS;
		out.push(by.get(start) || { start_ms: start, offered: 0, answered: 0, abandoned: 0, service_level: null, empty: true });
	}
	return out;
}

export function IntervalChart({ intervals, target, now, hours }) {
	const { t, time, pct, num } = useI18n();
	const slots = chartSlots(intervals, now, hours);
	const max = niceMax(Math.max(...slots.map((s) => Math.max(s.offered || 0,
		(s.answered || 0) + (s.abandoned || 0)))));
	const W = VW - PAD.l - PAD.r, H = VH - PAD.t - PAD.b;
	const sw = W / slots.length;
	const y = (v) => PAD.t + H - (v / max) * H;
	const yp = (p) => PAD.t + H - p * H;
	const x = (i) => PAD.l + i * sw;
	const anyData = slots.some((s) => s.offered > 0 || s.answered > 0 || s.abandoned > 0);

	// The service-level line, broken where an interval had no calls.
	const segs = [];
	let cur = [];
	slots.forEach((s, i) => {
		if (s.service_level === null || s.service_level === undefined) {
			if (cur.length) segs.push(cur);
			cur = [];
		} else {
			cur.push([x(i) + sw / 2, yp(Math.max(0, Math.min(1, s.service_level)))]);
		}
	});
	if (cur.length) segs.push(cur);

	return (
		<div class="chart" data-testid="chart">
			<svg viewBox={`0 0 ${VW} ${VH}`} role="img" aria-label={t('wall.chart', { h: hours })}>
				{[0, 0.5, 1].map((f) => (
					<g key={f} class="gridline">
						<line x1={PAD.l} x2={VW - PAD.r} y1={yp(f)} y2={yp(f)} />
						<text class="axis" x={PAD.l - 8} y={yp(f) + 4} text-anchor="end">{num(Math.round(max * f))}</text>
						<text class="axis sl" x={VW - PAD.r + 8} y={yp(f) + 4}>{pct(f)}</text>
					</g>
				))}
				{slots.map((s, i) => {
					const bw = sw * 0.72, bx = x(i) + (sw - bw) / 2;
					const ans = s.answered || 0, ab = s.abandoned || 0;
					const current = i === slots.length - 1;
					return (
						<g key={s.start_ms} class={`slot ${current ? 'current' : ''}`} data-offered={s.offered || 0}
							data-answered={ans} data-abandoned={ab}>
							<title>{`${time(s.start_ms)}  ${t('wall.chart_offered')} ${num(s.offered || 0)} · ${t('wall.chart_answered')} ${num(ans)} · ${t('wall.chart_abandoned')} ${num(ab)} · ${t('wall.chart_sl')} ${pct(s.service_level)}`}</title>
							{current && <rect class="now-band" x={x(i)} y={PAD.t} width={sw} height={H} />}
							{s.offered > 0 && <rect class="bar offered" x={bx} y={y(s.offered)} width={bw} height={y(0) - y(s.offered)} rx="2" />}
							{ans > 0 && <rect class="bar answered" x={bx + bw * 0.18} y={y(ans)} width={bw * 0.64} height={y(0) - y(ans)} rx="1.5" />}
							{ab > 0 && <rect class="bar abandoned" x={bx + bw * 0.18} y={y(ans + ab)} width={bw * 0.64} height={y(ans) - y(ans + ab)} rx="1.5" />}
							{new Date(s.start_ms).getMinutes() === 0
								? <text class="axis" x={x(i)} y={VH - PAD.b + 18} text-anchor="middle">{time(s.start_ms)}</text> : null}
						</g>
					);
				})}
				{typeof target === 'number' && (
					<g class="target">
						<line x1={PAD.l} x2={VW - PAD.r} y1={yp(target)} y2={yp(target)} />
						<text x={VW - PAD.r - 4} y={yp(target) - 6} text-anchor="end">{pct(target)}</text>
					</g>
				)}
				{segs.map((pts, k) => (
					<g key={k} class="sl-line">
						<polyline points={pts.map((p) => p.join(',')).join(' ')} />
						{pts.map((p, j) => <circle key={j} cx={p[0]} cy={p[1]} r="3.2" />)}
					</g>
				))}
				<line class="axis-base" x1={PAD.l} x2={VW - PAD.r} y1={y(0)} y2={y(0)} />
				{!anyData && <text class="no-data" x={PAD.l + W / 2} y={PAD.t + H / 2} text-anchor="middle">{t('wall.no_data')}</text>}
			</svg>
			<div class="legend">
				<span><i class="lg offered" />{t('wall.chart_offered')}</span>
				<span><i class="lg answered" />{t('wall.chart_answered')}</span>
				<span><i class="lg abandoned" />{t('wall.chart_abandoned')}</span>
				<span><i class="lg sl" />{t('wall.chart_sl')}</span>
			</div>
		</div>
	);
}
