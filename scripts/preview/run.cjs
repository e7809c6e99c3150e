// Entry of `npm run preview`: a DOM and TypeScript for plain node, then the preview itself.
require('./register.cjs');
require('./cli.ts');
