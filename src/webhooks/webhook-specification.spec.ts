import { AppError, ErrorCode } from '../common/app-error';
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
    [{ options: { filters: { dataTypes: [] } } }, 'non-empty'],
    [{ options: { filters: { dataTypes: ['tableData', 'tableData'] } } }, 'distinct'],
    [{ options: { filters: { dataTypes: ['<b>evil</b>'] } } }, 'filters.dataTypes'],
    [{ options: { filters: { dataTypes: ['tableData'], recordChangeScope: '../x' } } }, 'recordChangeScope'],
    [{ options: { filters: { dataTypes: ['tableData'], changeTypes: ['explode'] } } }, 'changeTypes'],
    [{ options: { filters: { dataTypes: ['tableData'], changeTypes: [] } } }, 'changeTypes'],
    [{ options: { filters: { dataTypes: ['tableData'], fromSources: ['client', 'client'] } } }, 'fromSources'],
    [{ options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: ['fldshort'] } } }, 'watchDataInFieldIds'],
    [{ options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: [] } } }, 'watchDataInFieldIds'],
    [{ options: { filters: { dataTypes: ['tableData'], watchSchemasOfFieldIds: [FIELD, FIELD] } } }, 'watchSchemasOfFieldIds'],
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
