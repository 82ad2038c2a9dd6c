// What most Express apps do: express-session (memory store) + passport-oauth2 with state and PKCE.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { peerOptions } from './login-work.mjs';

const options = peerOptions();
passport.use(
  new OAuth2Strategy(
    {
      authorizationURL: options.authorizeUrl,
      tokenURL: options.authorizeUrl.replace('/authorize', '/token'),
      clientID: options.clientId,
      clientSecret: '',
      callbackURL: options.redirectUri,
      state: true,
      pkceMethod: 'S256',
      pkce: true,
    },
    (accessToken, refreshToken, profile, done) => done(null, { accessToken }),
  ),
);
const app = express();
app.use(session({ secret: 'bench-secret-0123456789abcdefghij', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
app.use(passport.initialize());
app.get('/auth/login', passport.authenticate('oauth2', { scope: options.scopes.split(' '), session: false }));
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
