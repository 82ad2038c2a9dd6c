import { createHmac } from 'node:crypto';
import { AppError, ErrorCode } from '../common/app-error';
import { validMac } from './webhook-pings';
import { webhookSpecification } from './webhook-specification';

const FIELD = 'fldAbcdefghijklmn';

function refusal(input: unknown): AppError {
  try {
    webhookSpecification(input);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('accepted');
}

describe('webhookSpecification', () => {
  it.each([
    { options: { filters: { dataTypes: ['tableData'] } } },
    { options: { filters: { dataTypes: ['tableData', 'tableFields'], recordChangeScope: 'tblAbcdefghijklmn', changeTypes: ['add', 'update'], fromSources: ['publicApi', 'client'] } } },
    { options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: [FIELD] }, includes: { includeCellValuesInFieldIds: 'all', includePreviousCellValues: true } } },
    { options: { filters: { dataTypes: ['tableData'], sourceOptions: { formSubmission: { viewId: 'viwAbcdefghijklmn' } } }, includes: { includeCellValuesInFieldIds: [FIELD] } } },
  ])('accepts Airtable specification %#, unchanged', (spec) => {
    expect(webhookSpecification(spec)).toEqual(spec);
  });

  it.each([
    [undefined, 'specification must be an object'],
    [[], 'specification must be an object'],
    [{}, 'specification.options'],
    [{ options: { filters: { dataTypes: ['tableData'] } }, extra: 1 }, 'specification takes only'],
    [{ options: {} }, 'specification.options.filters is required'],
    [{ options: { filters: {} } }, 'options.filters.dataTypes is required'],
    [{ options: { filters: { dataTypes: [] } } }, 'at least one'],
    [{ options: { filters: { dataTypes: ['tableData', 'tableData'] } } }, 'distinct'],
    [{ options: { filters: { dataTypes: ['<b>evil</b>'] } } }, 'filters.dataTypes'],
    [{ options: { filters: { dataTypes: ['tableData'], recordChangeScope: '../x' } } }, 'recordChangeScope'],
    [{ options: { filters: { dataTypes: ['tableData'], changeTypes: ['explode'] } } }, 'changeTypes'],
    [{ options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: ['fldshort'] } } }, 'watchDataInFieldIds'],
    [{ options: { filters: { dataTypes: ['tableData'] }, includes: { includePreviousCellValues: 'yes' } } }, 'includePreviousCellValues'],
    [{ options: { filters: { dataTypes: ['tableData'] }, includes: { includeCellValuesInFieldIds: 'some' } } }, 'includeCellValuesInFieldIds'],
  ])('refuses %j, naming the part (%s) and not the value', (spec, part) => {
    const error = refusal(spec);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(ErrorCode.InvalidSpecification);
    expect(error.message).toContain(part);
    expect(error.message).not.toMatch(/evil|explode|\.\.\/x|fldshort|yes|some"/);
  });
});

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
