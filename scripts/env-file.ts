// Reading `.env` files as the CloudBase CLI does (it loads .env, .env.local and .env.<mode> with dotenv).

/**
 * A `.env` file's variables: `NAME=value` lines, `#` comments, optional quotes, `export ` allowed.
 * @example readEnvFile('ENV_ID=nearby-1\n# x\nA="b c"') // => { ENV_ID: 'nearby-1', A: 'b c' }
 */
export function readEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    const raw = m[2];
    vars[m[1]] = /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, '');
  }
  return vars;
}
