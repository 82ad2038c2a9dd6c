// The limit: bare node:http doing exactly the /auth/login work.
import { createServer } from 'node:http';
import { loginWork, peerOptions } from './login-work.mjs';

const login = loginWork(peerOptions());
createServer((req, res) => {
  if (req.url.startsWith('/auth/login')) {
    const { location, cookie } = login(req.headers.cookie);
    res.writeHead(302, { location, 'set-cookie': cookie, 'cache-control': 'no-store' }).end();
  } else {
    res.writeHead(404).end();
  }
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
