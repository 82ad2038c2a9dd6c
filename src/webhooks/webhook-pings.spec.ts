import { createHmac } from 'node:crypto';
import { validMac } from './webhook-pings';

describe('validMac', () => {
  const secret = Buffer.alloc(32, 3);
  const body = Buffer.from('{"base":{"id":"appX"},"webhook":{"id":"achY"},"timestamp":"2026-12-02T00:00:00.000Z"}');
  const mac = (key: Buffer, bytes: Buffer) => `hmac-sha256=${createHmac('sha256', key).update(bytes).digest('hex')}`;

  it("takes Airtable's header over the exact bytes, in either hex case", () => {
    expect(validMac(secret, body, mac(secret, body))).toBe(true);
    expect(validMac(secret, body, mac(secret, body).toUpperCase().replace('HMAC-SHA256', 'hmac-sha256'))).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another key', mac(Buffer.alloc(32, 4), body)],
    ['another body', mac(secret, Buffer.concat([body, Buffer.from(' ')]))],
    ['another scheme', mac(secret, body).replace('hmac-sha256', 'hmac-sha1')],
    ['a short MAC', mac(secret, body).slice(0, 40)],
  ])('refuses %s', (_case, header) => {
    expect(validMac(secret, body, header)).toBe(false);
  });
});
