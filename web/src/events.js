// The live event stream: /api/v1/events over a WebSocket.  The server
// sends a snapshot first, then events; when the socket drops (a daemon
// restart, a network blip) we reconnect with back-off (1, 2, 4, 8, 10 s)
// and take the new snapshot, so no state is ever stale for long.

export function backoffDelay(attempt) {
	return Math.min(10000, 1000 * 2 ** Math.max(0, attempt));
}

export class EventStream {
	// onMessage(msg) for each parsed message; onStatus({status, retryAt})
	// with status 'connecting' | 'live' | 'reconnecting'.
	// probe(), if given, is called after a failed reconnect: the place to
	// ask the REST API whether the token is still good.
	constructor(token, onMessage, onStatus, probe) {
		this.probe = probe;
		this.token = token;
		this.onMessage = onMessage;
		this.onStatus = onStatus;
		this.attempt = 0;
		this.closed = false;
		this.ws = null;
		this.timer = null;
		this.everLive = false;
	}

	url() {
		const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
		return `${proto}//${location.host}/api/v1/events?token=${encodeURIComponent(this.token)}`;
	}

	start() {
		this.closed = false;
		this.onStatus({ status: 'connecting' });
		this.open();
	}

	open() {
		let ws;
		try {
			ws = new WebSocket(this.url());
		} catch {
			this.retry();
			return;
		}
		this.ws = ws;
		ws.onmessage = (ev) => {
			let msg;
			try { msg = JSON.parse(ev.data); } catch { return; }
			if (msg.type === 'snapshot') {
				this.attempt = 0;
				this.everLive = true;
				this.onStatus({ status: 'live' });
			}
			this.onMessage(msg);
		};
		ws.onclose = () => {
			if (this.ws === ws) this.ws = null;
			if (!this.closed) this.retry();
		};
		ws.onerror = () => { /* onclose follows */ };
	}

	retry() {
		const delay = backoffDelay(this.attempt++);
		if (this.attempt > 1 && this.probe) this.probe();
		this.onStatus({ status: this.everLive ? 'reconnecting' : 'connecting',
			retryAt: Date.now() + delay });
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.open(), delay);
	}

	stop() {
		this.closed = true;
		clearTimeout(this.timer);
		if (this.ws) {
			const ws = this.ws;
			this.ws = null;
			ws.onclose = null;
			ws.close();
		}
	}
}
