// Bare Express 5 doing exactly the same OAuth work.
import express from 'express';
import { oauthWork, peerOptions } from './oauth-work.mjs';

const { login, callback } = oauthWork(peerOptions());
const app = express();
app.get('/auth/login', (req, res) => {
  const { location, cookie } = login(req.headers.cookie);
  res.set({ 'set-cookie': cookie, 'cache-control': 'no-store' }).redirect(302, location);
});
app.get('/airtable-oauth', async (req, res) => {
  const { status, location, cookie } = await callback(req.url.split('?', 2)[1] ?? '', req.headers.cookie);
  if (status !== 303) return res.sendStatus(status);
  res.set({ 'set-cookie': cookie, 'cache-control': 'no-store' }).redirect(303, location);
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
