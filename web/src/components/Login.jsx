import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { LangSwitch, Logo } from './TopBar.jsx';

export function Login({ onLogin, lang, setLang }) {
	const { t } = useI18n();
	const [username, setUsername] = useState('');
	const [password, setPassword] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);

	async function submit(e) {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			onLogin(await api.login(username.trim(), password));
		} catch (err) {
			setError(err.status === 401 ? t('login.bad') : t('login.failed', { msg: err.message }));
		} finally {
			setBusy(false);
		}
	}

	return (
		<div class="login-page">
			<div class="login-art" aria-hidden="true">
				<div class="login-art-inner">
					<Logo />
					<h2>{t('app.name')}</h2>
					<p>{t('login.subtitle')}</p>
					<div class="art-tiles">
						<div class="art-tile ok"><b>92%</b><span>{t('wall.sl_today')}</span></div>
						<div class="art-tile"><b>0:14</b><span>{t('wall.asa')}</span></div>
						<div class="art-tile warn"><b>3</b><span>{t('wall.waiting')}</span></div>
					</div>
				</div>
			</div>
			<div class="login-side">
				<div class="login-top"><LangSwitch lang={lang} setLang={setLang} /></div>
				<form class="login-card" onSubmit={submit} data-testid="login-form">
					<h1>{t('login.title')}</h1>
					<label>
						<span>{t('login.username')}</span>
						<input name="username" autocomplete="username" value={username}
							onInput={(e) => setUsername(e.currentTarget.value)} required autofocus />
					</label>
					<label>
						<span>{t('login.password')}</span>
						<input name="password" type="password" autocomplete="current-password"
							value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
					</label>
					{error && <div class="form-error" role="alert" data-testid="login-error">{error}</div>}
					<button class="btn primary big" type="submit" disabled={busy} data-testid="login-submit">
						{busy ? t('login.busy') : t('login.submit')}
					</button>
					<p class="hint">{t('login.demo')}</p>
				</form>
			</div>
		</div>
	);
}
