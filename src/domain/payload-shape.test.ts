import { MAX_PAYLOAD_DEPTH, payloadShapeProblem } from './payload-shape';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = { next: value };
  return value;
}

describe('payloadShapeProblem', () => {
  it('takes what pages send: flat and nested objects, arrays, any well-formed text', () => {
    expect(payloadShapeProblem({})).toBeNull();
    expect(payloadShapeProblem(undefined)).toBeNull();
    expect(
      payloadShapeProblem({ name: 'Zahlungen 💳 – Ünïcödé', ids: ['1', '2'], rule: nested(5) }),
    ).toBeNull();
    expect(payloadShapeProblem(nested(MAX_PAYLOAD_DEPTH))).toBeNull();
  });

  it('refuses deeper nesting than any page sends', () => {
    expect(payloadShapeProblem(nested(MAX_PAYLOAD_DEPTH + 1))).toMatch(/nested more than 16 levels/);
    expect(payloadShapeProblem({ list: [[[[[[[[[[[[[[[[['deep']]]]]]]]]]]]]]]]] })).toMatch(/nested/);
  });

  it('refuses lone surrogates in values and in keys, wherever they are', () => {
    for (const text of ['\uD800', 'a\uDC00b', 'x\uDBFF', '\uDFFFy']) {
      expect(payloadShapeProblem({ name: text })).toMatch(/not valid Unicode/);
      expect(payloadShapeProblem({ list: [{ [text]: 1 }] })).toMatch(/not valid Unicode/);
    }
    expect(payloadShapeProblem({ name: '\uD83D\uDCB3' })).toBeNull();
  });
});
