// A stand-in for the API behind the edge worker: it serves the ACL snapshot at /snapshot.json and answers
// every /v1/ request with a JSON echo of what it received, so one can see what the worker forwarded.
//
//   node www/edge/origin.mjs [--port 8788] [--snapshot www/edge/snapshot.json] [--signing-key PRIVATE.pem]
//
// The snapshot file is read on every request, so editing it changes what the worker's next refresh gets.
// With --signing-key (made by scripts/sign-snapshot.mjs keygen) each response carries the Ed25519 signature
// of its bytes in an x-snapshot-signature header, as a worker with PUBLIC_KEYS set requires.
// Tests import startOrigin() instead, to swap the snapshot response and watch the requests.
import http from 'node:http';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { signBytes } from '../../scripts/sign-snapshot.mjs';

/**
 * Starts the origin on host:port (port 0: any free one). `snapshot()` returns `{ status, body, headers? }`
 * for GET /snapshot.json (body: text, bytes or an async iterable of pieces); it is a property of the returned object, so it can be replaced while running.
 */
export async function startOrigin({ host = '127.0.0.1', port = 0, snapshot }) {
  const origin = {
    snapshot,
    snapshotFetches: 0,
    requests: [], // every /v1/ request: { method, path, principal, authorization, body }
    port: 0,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the worker keeps connections alive; "down" must mean refused
    }),
  };
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    // A body is text, bytes, or an async iterable of pieces (the tests trickle one, to see a worker stop
    // reading a bad snapshot): pieces stop once the client hangs up.
    const send = async (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      if (typeof body?.[Symbol.asyncIterator] !== 'function') return res.end(body);
      for await (const piece of body) {
        if (res.destroyed) return;
        res.write(piece);
      }
      res.end();
    };
    if (req.method === 'GET' && req.url === '/snapshot.json') {
      origin.snapshotFetches += 1;
      try {
        const { status, body: text, headers } = origin.snapshot();
        return await send(status, text, headers);
      } catch (err) {
        return send(500, JSON.stringify({ error: err.message }));
      }
    }
    if (req.url.startsWith('/v1/')) {
      const seen = {
        method: req.method,
        path: req.url,
        principal: req.headers['x-permeval-principal'] ?? null,
        authorization: req.headers.authorization ?? null,
        body,
      };
      origin.requests.push(seen);
      return send(200, JSON.stringify({ origin: 'echo', ...seen }));
    }
    send(404, JSON.stringify({ error: 'not_found' }));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  origin.port = server.address().port;
  return origin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8788' },
      snapshot: { type: 'string', default: fileURLToPath(new URL('snapshot.json', import.meta.url)) },
      'signing-key': { type: 'string' },
    },
  });
  const key = values['signing-key'] && createPrivateKey(readFileSync(values['signing-key']));
  const origin = await startOrigin({
    port: Number(values.port),
    snapshot: () => {
      const body = readFileSync(values.snapshot);
      return { status: 200, body, headers: key ? { 'x-snapshot-signature': signBytes(key, body) } : {} };
    },
  });
  console.log(`origin on http://127.0.0.1:${origin.port}, serving ${values.snapshot} at /snapshot.json`);
}
