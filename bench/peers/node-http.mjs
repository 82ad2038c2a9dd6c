// The limit: bare node:http doing exactly the same OAuth work.
import { createServer } from 'node:http';
import { oauthWork, peerOptions } from './oauth-work.mjs';

const { login, callback } = oauthWork(peerOptions());
createServer(async (req, res) => {
  const [path, query = ''] = req.url.split('?', 2);
  if (path === '/auth/login') {
    const { location, cookie } = login(req.headers.cookie);
    res.writeHead(302, { location, 'set-cookie': cookie, 'cache-control': 'no-store' }).end();
  } else if (path === '/airtable-oauth') {
    const { status, location, cookie } = await callback(query, req.headers.cookie);
    if (status !== 303) return res.writeHead(status).end();
    res.writeHead(303, { location, 'set-cookie': cookie, 'cache-control': 'no-store' }).end();
  } else {
    res.writeHead(404).end();
  }
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
