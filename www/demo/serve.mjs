// A small static server for the built demo, on loopback only:
//   /            the built demo page (vite build output)
//   /plain/      the plain-HTML page (www/plain), which uses the package without a bundler
//   /pkg/        the built package (its web build, for the plain page's import map)
//   /snapshots/  the example snapshots (www/snapshots)
// Run: node www/demo/serve.mjs [distDir]   (PORT and HOST from the environment; defaults 8080, 127.0.0.1)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json',
};

/** Maps a URL path to a file under one of the served roots, or null when it escapes them. */
function fileFor(pathname, dist) {
  const mounts = [['/plain/', join(repo, 'www/plain')], ['/pkg/', join(repo, 'pkg')], ['/snapshots/', join(repo, 'www/snapshots')]];
  let [prefix, root] = ['/', dist];
  for (const [p, r] of mounts) if (pathname.startsWith(p)) [prefix, root] = [p, r];
  if (pathname === '/plain') return { redirect: '/plain/' };
  const rest = pathname.slice(prefix.length) || 'index.html';
  const file = resolve(root, rest.endsWith('/') ? `${rest}index.html` : rest);
  return file === root || file.startsWith(root + sep) ? { file } : null;
}

/** Starts serving; resolves to the http.Server once it listens. */
export function startServer({ dist = join(repo, 'target/www-demo'), port = 8080, host = '127.0.0.1' } = {}) {
  const root = resolve(dist);
  const server = createServer(async (req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return res.writeHead(400).end();
    }
    const target = fileFor(pathname, root);
    if (!target) return res.writeHead(403).end();
    if (target.redirect) return res.writeHead(301, { location: target.redirect }).end();
    try {
      let file = target.file;
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ? resolve(process.argv[2]) : undefined;
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  const server = await startServer({ dist, port, host });
  const { port: bound } = server.address();
  console.log(`permeval demo:       http://${host}:${bound}/`);
  console.log(`plain-HTML helper:   http://${host}:${bound}/plain/`);
  console.log('Ctrl-C to stop.');
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
}
