import { Logger } from '@nestjs/common';
import type { TokenSet } from '../airtable/token-set';
import type { Connection } from './connection';
import { type TokenCipher, TokenDecryptError } from './token-cipher';

const logger = new Logger('ConnectionStore');

/** The tokens of a connection as stored: one sealed value bound to the connection id, or null. */
export function sealTokens(cipher: TokenCipher, connection: Connection): string | null {
  return connection.tokens ? cipher.seal(JSON.stringify(connection.tokens), connection.id) : null;
}

/** The connection with its tokens opened; tokens that no key can open mean the user must connect again. */
export function withOpenedTokens(cipher: TokenCipher, connection: Connection, sealed: string | null): Connection {
  if (sealed === null) return connection;
  try {
    return { ...connection, tokens: JSON.parse(cipher.open(sealed, connection.id)) as TokenSet };
  } catch (error) {
    if (!(error instanceof TokenDecryptError)) throw error;
    // A removed key or a tampered record: the tokens are lost.
    logger.warn('Stored tokens of a connection could not be decrypted; it needs re-authorization');
    return { ...connection, status: 'reauth_required' };
  }
}
