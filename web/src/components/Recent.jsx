// My last contacts today, from the stored interactions (refreshed when a
// contact of mine ends).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n, formatDuration } from '../i18n/index.js';

export function Recent({ ext, refreshKey, wrapCodes }) {
	const { t, time, lang } = useI18n();
	const [list, setList] = useState(null);
	useEffect(() => {
		api.interactions({ agent: ext, limit: 8 })
			.then((r) => setList(r.interactions || []))
			.catch(() => setList([]));
	}, [ext, refreshKey]);
	if (!list || list.length === 0) return null;
	const label = (code) => {
		const c = wrapCodes.find((x) => x.code === code);
		return (c && c.label && (c.label[lang] || c.label.en)) || code;
	};
	return (
		<section class="card recent" data-testid="recent">
			<div class="card-label">{t('desk.recent')}</div>
			<table class="grid">
				<thead><tr><th>{t('desk.when')}</th><th>{t('pop.caller')}</th><th>{t('pop.queue')}</th>
					<th class="num">{t('pop.talk')}</th><th>{t('wrap.code')}</th></tr></thead>
				<tbody>
					{list.map((x) => {
						const ans = x.answered ? Date.parse(x.answered) : null;
						const end = x.ended ? Date.parse(x.ended) : null;
						return (
							<tr key={x.id}>
								<td>{time(Date.parse(x.arrived))}</td>
								<td class="strong">{x.caller}</td>
								<td><span class="queue-tag">{x.queue}</span></td>
								<td class="num">{ans && end ? formatDuration((end - ans) / 1000) : t('common.none')}</td>
								<td>{x.wrapup_code ? <span class="chip small">{label(x.wrapup_code)}</span>
									: <span class="muted">{t('common.none')}</span>}</td>
							</tr>
						);
					})}
				</tbody>
			</table>
		</section>
	);
}
