import { useEffect, useState } from 'preact/hooks';

// The current time, re-rendering every `ms` (the state timers).
export function useNow(ms = 1000) {
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		const id = setInterval(() => setNow(Date.now()), ms);
		return () => clearInterval(id);
	}, [ms]);
	return now;
}
