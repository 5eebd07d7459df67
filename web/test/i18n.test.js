import { describe, expect, it } from 'vitest';
import { LANGS, STRINGS, formatDuration, initialLang, makeI18n, translate } from '../src/i18n/index.js';
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

describe('translation files', () => {
	const keys = Object.keys(STRINGS.en).sort();
	for (const l of LANGS) {
		it(`${l}.json has exactly the English keys`, () => {
			expect(Object.keys(STRINGS[l]).sort()).toEqual(keys);
		});
		it(`${l}.json has no empty string and keeps every {placeholder}`, () => {
			for (const k of keys) {
				expect(STRINGS[l][k], k).not.toBe('');
				const ph = (s) => (s.match(/\{\w+\}/g) || []).sort();
				expect(ph(STRINGS[l][k]), k).toEqual(ph(STRINGS.en[k]));
			}
		});
	}
	it('Chinese and Korean are really translated (mostly CJK text)', () => {
		const han = /[\u4e00-\u9fff]/, hangul = /[\uac00-\ud7af]/;
		const zh = keys.filter((k) => han.test(STRINGS.zh[k])).length;
		const ko = keys.filter((k) => hangul.test(STRINGS.ko[k])).length;
		expect(zh / keys.length).toBeGreaterThan(0.85);
		expect(ko / keys.length).toBeGreaterThan(0.85);
	});
	it('every t() key used in the sources exists', () => {
		const src = path.join(here, '..', 'src');
		const used = new Set();
		const walk = (d) => {
			for (const f of fs.readdirSync(d)) {
				const p = path.join(d, f);
				if (fs.statSync(p).isDirectory()) walk(p);
				else if (/\.(jsx?|mjs)$/.test(f))
					for (const m of fs.readFileSync(p, 'utf8').matchAll(/\bt\('([a-z_]+\.[a-z_.-]+)'/g)) used.add(m[1]);
			}
		};
		walk(src);
		expect(used.size).toBeGreaterThan(40);
		for (const k of used) expect(STRINGS.en, k).toHaveProperty([k]);
	});
});

describe('translate', () => {
	it('fills placeholders and falls back to English, then the key', () => {
		expect(translate('en', 'conn.retry_in', { s: 4 })).toBe('retrying in 4 s');
		expect(translate('zh', 'conn.retry_in', { s: 4 })).toBe('4 秒后重试');
		expect(translate('ko', 'no.such.key')).toBe('no.such.key');
	});
	it('picks the language: stored, then the browser, then Chinese', () => {
		expect(initialLang('ko', ['en-US'])).toBe('ko');
		expect(initialLang(null, ['fr-FR', 'en-US'])).toBe('en');
		expect(initialLang('xx', ['ko-KR'])).toBe('ko');
		expect(initialLang(null, [])).toBe('zh');
	});
});

describe('formatting in the user locale', () => {
	it('durations as clocks', () => {
		expect(formatDuration(7)).toBe('0:07');
		expect(formatDuration(754)).toBe('12:34');
		expect(formatDuration(3723)).toBe('1:02:03');
		expect(formatDuration(null)).toBe('—');
		expect(formatDuration(-5)).toBe('0:00');
	});
	it('numbers and percentages per locale', () => {
		expect(makeI18n('en').num(12345)).toBe('12,345');
		expect(makeI18n('zh').pct(0.875)).toBe('88%');
		expect(makeI18n('ko').pct(0.5)).toBe('50%');
		expect(makeI18n('en').pct(null)).toBe('—');
	});
	it('dates differ by language', () => {
		const ms = Date.UTC(2026, 10, 23, 5, 6, 7);
		const zh = makeI18n('zh').date(ms), ko = makeI18n('ko').date(ms), en = makeI18n('en').date(ms);
		expect(zh).toMatch(/2026年11月2[34]日/);
		expect(ko).toMatch(/2026년 11월 2[34]일/);
		expect(en).toMatch(/November 2026/);
	});
});
