// Translations and locale-aware formatting.  The strings live in one JSON
// file per language; every file has the same keys (test/i18n.test.js).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import zh from './zh.json';
import ko from './ko.json';
import en from './en.json';

export const LANGS = ['zh', 'ko', 'en'];
export const STRINGS = { zh, ko, en };
// The BCP 47 tag used for Intl and for <html lang>, which also picks the
// CJK font (Simplified Chinese vs Korean glyph shapes) in the stylesheet.
export const LOCALES = { zh: 'zh-CN', ko: 'ko-KR', en: 'en-GB' };

export function normLang(l) {
	if (!l) return null;
	const s = String(l).toLowerCase().slice(0, 2);
	return LANGS.includes(s) ? s : null;
}

// The language to show before anyone signs in: the last one used in this
// browser, else the browser's own preference, else Chinese.
export function initialLang(stored, navLangs) {
	return normLang(stored) ||
		(navLangs || []).map(normLang).find(Boolean) || 'zh';
}

export function translate(lang, key, params) {
	let s = (STRINGS[lang] && STRINGS[lang][key]) ?? STRINGS.en[key] ?? key;
	if (params) {
		s = s.replace(/\{(\w+)\}/g, (m, k) =>
			params[k] !== undefined ? String(params[k]) : m);
	}
	return s;
}

// Formatters for one language, made once per language switch.
export function makeI18n(lang) {
	const locale = LOCALES[lang] || 'en-GB';
	const num = new Intl.NumberFormat(locale);
	const pct = new Intl.NumberFormat(locale,
		{ style: 'percent', maximumFractionDigits: 0 });
	const pct1 = new Intl.NumberFormat(locale,
		{ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
	const time = new Intl.DateTimeFormat(locale,
		{ hour: '2-digit', minute: '2-digit' });
	const timeSec = new Intl.DateTimeFormat(locale,
		{ hour: '2-digit', minute: '2-digit', second: '2-digit' });
	const dateTime = new Intl.DateTimeFormat(locale,
		{ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
	const date = new Intl.DateTimeFormat(locale,
		{ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
	return {
		lang,
		locale,
		t: (key, params) => translate(lang, key, params),
		num: (n) => (n === null || n === undefined || Number.isNaN(n)) ? '—' : num.format(n),
		pct: (x) => (x === null || x === undefined || Number.isNaN(x)) ? '—' : pct.format(x),
		pct1: (x) => (x === null || x === undefined || Number.isNaN(x)) ? '—' : pct1.format(x),
		time: (ms) => ms == null ? '—' : time.format(new Date(ms)),
		timeSec: (ms) => ms == null ? '—' : timeSec.format(new Date(ms)),
		dateTime: (ms) => ms == null ? '—' : dateTime.format(new Date(ms)),
		date: (ms) => date.format(new Date(ms)),
		// Seconds as a short duration: "42 s"-like via mm:ss, hours when long.
		dur: (s) => formatDuration(s),
	};
}

// 0:07, 12:34, 1:02:03 -- the same in every language (clock digits).
export function formatDuration(s) {
	if (s === null || s === undefined || Number.isNaN(s)) return '—';
	s = Math.max(0, Math.floor(s));
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
	const p2 = (n) => String(n).padStart(2, '0');
	return h > 0 ? `${h}:${p2(m)}:${p2(sec)}` : `${m}:${p2(sec)}`;
}

export const I18nContext = createContext(makeI18n('en'));
export const useI18n = () => useContext(I18nContext);
