// What most Express apps do: express-session (memory store) + passport-oauth2 with state and PKCE,
// whoami as the user profile, and passport's session login on the callback.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { peerOptions } from './oauth-work.mjs';

const options = peerOptions();
const strategy = new OAuth2Strategy(
  {
    authorizationURL: options.authorizeUrl,
    tokenURL: options.tokenUrl,
    clientID: options.clientId,
    clientSecret: '',
    callbackURL: options.redirectUri,
    state: true,
    pkceMethod: 'S256',
    pkce: true,
  },
  (accessToken, refreshToken, profile, done) => done(null, { ...profile, accessToken, refreshToken }),
);
strategy.userProfile = (accessToken, done) => {
  fetch(`${options.apiUrl}/v0/meta/whoami`, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(10_000) })
    .then(async (res) => (res.ok ? done(null, await res.json()) : done(new Error(`whoami answered ${res.status}`))))
    .catch(done);
};
passport.use(strategy);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(session({ secret: 'bench-secret-0123456789abcdefghij', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
app.use(passport.initialize());
app.use(passport.session());
app.get('/auth/login', passport.authenticate('oauth2', { scope: options.scopes.split(' ') }));
app.get('/airtable-oauth', passport.authenticate('oauth2', { failureRedirect: '/?error=1' }), (req, res) => res.redirect(303, '/'));
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
