import { ErrorCode } from './app-error';
import { bodyDepthError, MAX_BODY_DEPTH } from './body-depth';

/** Arrays nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('bodyDepthError', () => {
  it('accepts bodies up to the limit, however wide, and bodies that are no object', () => {
    expect(bodyDepthError(nested(MAX_BODY_DEPTH))).toBeUndefined();
    expect(bodyDepthError({ records: Array.from({ length: 10_000 }, (_, i) => ({ fields: { Name: `n${i}`, Tags: ['a', 'b'] } })) })).toBeUndefined();
    for (const body of [undefined, null, 'text', 7, {}, []]) expect(bodyDepthError(body)).toBeUndefined();
  });

  it('refuses one level more anywhere inside, as invalid_request with a fixed message', () => {
    const error = bodyDepthError({ records: [{ fields: { Name: 'x' } }, { fields: { Notes: nested(MAX_BODY_DEPTH) } }] });
    expect(error).toMatchObject({ code: ErrorCode.InvalidRequest, message: `The body is nested more than ${MAX_BODY_DEPTH} levels deep.` });
    expect(bodyDepthError(nested(MAX_BODY_DEPTH + 1))).toBeDefined();
  });

  it('walks a body far deeper than the stack allows recursion', () => {
    expect(bodyDepthError(JSON.parse(`${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`))).toBeDefined();
  });
});
