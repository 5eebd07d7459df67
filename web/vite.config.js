// Vite builds web/ into web/dist, which `hotline serve` serves at /.
// JSX is compiled by esbuild for Preact (no framework plugin needed).
// `npm run dev` proxies the API to a daemon (HOTLINE_URL, default the demo
// center's http://127.0.0.1:8080).
import { defineConfig } from 'vite';

const target = process.env.HOTLINE_URL || 'http://127.0.0.1:8080';

export default defineConfig({
	esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
	build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', sourcemap: false },
	server: {
		proxy: { '/api': { target, ws: true, changeOrigin: false } },
	},
	test: { include: ['test/**/*.test.js'], environment: 'node' },
});
