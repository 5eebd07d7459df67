import { useI18n } from '../i18n/index.js';

export function stateLabel(t, agent) {
	const base = t(`state.${agent.state}`);
	if (agent.state === 'not-ready' && agent.reason) {
		const r = t(`reason.${agent.reason}`);
		return `${base} · ${r === `reason.${agent.reason}` ? agent.reason : r}`;
	}
	return base;
}

export function StateBadge({ state, reason, dotOnly }) {
	const { t } = useI18n();
	if (dotOnly) return <span class={`state-dot s-${state}`} />;
	return (
		<span class={`state-badge s-${state}`} data-state={state}>
			<i />{stateLabel(t, { state, reason })}
		</span>
	);
}
