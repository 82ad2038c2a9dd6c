// What most Express apps do: express-session + passport-oauth2 with state and PKCE, whoami as the user
// profile, and passport's session login on the callback. Sessions live in express-session's MemoryStore,
// or with SESSION_DATABASE_PATH set in a SQLite file (WAL, as this service keeps its own) through
// better-sqlite3-session-store: the same OAuth work, on a store that survives a restart.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { peerOptions } from './oauth-work.mjs';

const options = peerOptions();

/** undefined: express-session's own MemoryStore. */
async function sessionStore(databasePath) {
  if (!databasePath) return undefined;
  const { default: Database } = await import('better-sqlite3');
  const { default: sqliteStore } = await import('better-sqlite3-session-store');
  const client = new Database(databasePath);
  client.pragma('journal_mode = WAL');
  const SqliteStore = sqliteStore(session);
  return new SqliteStore({ client });
}

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
app.use(session({ store: await sessionStore(process.env.SESSION_DATABASE_PATH), secret: 'bench-secret-0123456789abcdefghij', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
app.use(passport.initialize());
app.use(passport.session());
app.get('/auth/login', passport.authenticate('oauth2', { scope: options.scopes.split(' ') }));
app.get('/airtable-oauth', passport.authenticate('oauth2', { failureRedirect: '/?error=1' }), (req, res) => res.redirect(303, '/'));
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
