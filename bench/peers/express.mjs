// Bare Express 5 doing exactly the /auth/login work.
import express from 'express';
import { loginWork, peerOptions } from './login-work.mjs';

const login = loginWork(peerOptions());
const app = express();
app.get('/auth/login', (req, res) => {
  const { location, cookie } = login(req.headers.cookie);
  res.set({ 'set-cookie': cookie, 'cache-control': 'no-store' }).redirect(302, location);
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
