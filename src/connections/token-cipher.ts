import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { tokensConfig, type TokensConfig } from '../config/tokens.config';

const VERSION = 'v1';
const IV_BYTES = 12;

export class TokenDecryptError extends Error {
  constructor() {
    super('The stored tokens cannot be decrypted with the configured keys');
    this.name = 'TokenDecryptError';
  }
}

interface Key {
  id: string;
  secret: Buffer;
}

/**
 * AES-256-GCM for tokens at rest. The record id is the associated data, so a sealed value copied onto
 * another record does not decrypt. Several keys can be read; the first one writes (key rotation).
 */
@Injectable()
export class TokenCipher {
  private readonly keys: Key[];

  constructor(@Inject(tokensConfig.KEY) config: TokensConfig) {
    this.keys = config.encryptionKeys.map((secret) => ({
      id: createHash('sha256').update(secret).digest('hex').slice(0, 8),
      secret,
    }));
  }

  /** `v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url parts. */
  seal(plaintext: string, recordId: string): string {
    const key = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
    cipher.setAAD(Buffer.from(recordId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, key.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, recordId: string): string {
    const [version, keyId, iv, ciphertext, tag] = sealed.split('.');
    const key = this.keys.find((k) => k.id === keyId);
    if (version !== VERSION || !key || !iv || !ciphertext || !tag) throw new TokenDecryptError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.secret, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(recordId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptError();
    }
  }
}
