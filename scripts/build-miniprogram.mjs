// Bundles the pure code of shared/ that the mini program uses into miniprogram/shared/index.js:
// WeChat DevTools compiles only what lies under miniprogramRoot, and npm packages there would need
// a miniprogram_npm build. Runs after `npm install` and before `npm start`.
import { build } from 'esbuild';

await build({
  entryPoints: ['shared/miniprogram.ts'],
  outfile: 'miniprogram/shared/index.js',
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: 'es2017',
  minify: true,
  treeShaking: true,
  legalComments: 'none',
  logLevel: 'warning',
});
