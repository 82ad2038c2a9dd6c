import { compileFormula, FormulaError, isTruthy, type FormulaRecord } from './sandbox-formula';

const FIELDS = new Set([
  'Name',
  'Amount',
  'Count',
  'Done',
  'Tags',
  'Company',
  'Close date',
  'Updated',
  'Owner',
  'Files',
  'Scores',
  'Notes',
  'Empty list',
  'Missing',
  'Price (€) & "tax"',
  'a{b',
  'constructor',
]);

const RECORD: FormulaRecord = {
  id: 'recAAAAAAAAAAAAAA',
  createdTime: '2024-01-01T00:00:00.000Z',
  fields: {
    Name: 'Acme Corp',
    Amount: 1500,
    Count: 0,
    Done: true,
    Tags: ['red', 'blue'],
    Company: ['recBBBBBBBBBBBBBB'],
    'Close date': '2024-05-01',
    Updated: '2024-05-01T10:00:00.000Z',
    Owner: { id: 'usrAAAAAAAAAAAAAA', email: 'ada@example.com', name: 'Ada' },
    Files: [{ id: 'attAAAAAAAAAAAAAA', url: 'https://example.com/a.pdf', filename: 'a.pdf' }],
    Scores: [1, 2.5],
    Notes: '',
    'Empty list': [],
    'Price (€) & "tax"': 9.5,
    'a{b': 'brace',
  },
};

function evaluate(source: string, record: FormulaRecord = RECORD): unknown {
  return compileFormula(source, FIELDS)(record);
}

function expectErrorValue(source: string, reason?: RegExp): void {
  const value = evaluate(source);
  expect(isTruthy(value)).toBe(false);
  expect(value).toEqual(expect.objectContaining({ reason: reason ? expect.stringMatching(reason) : expect.any(String) }));
}

function compileError(source: string): FormulaError {
  try {
    compileFormula(source, FIELDS);
  } catch (error) {
    expect(error).toBeInstanceOf(FormulaError);
    return error as FormulaError;
  }
  throw new Error(`${source} compiled`);
}

describe('compileFormula', () => {
  describe('literals', () => {
    it.each([
      ['42', 42],
      ['1.25', 1.25],
      ['.5', 0.5],
      ['"double"', 'double'],
      ["'single'", 'single'],
      ['"say \\"hi\\""', 'say "hi"'],
      ["'it\\'s'", "it's"],
      ['"back\\\\slash"', 'back\\slash'],
      ['"it\'s"', "it's"],
      ["'say \"hi\"'", 'say "hi"'],
      ['""', ''],
      ['"line\nbreak"', 'line\nbreak'],
      ['TRUE', true],
      ['FALSE', false],
      ['TRUE()', true],
      ['FALSE()', false],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toEqual(expected);
    });
  });

  describe('field references', () => {
    it('reads cells by name, spaces and other characters included', () => {
      expect(evaluate('{Name}')).toBe('Acme Corp');
      expect(evaluate('{Close date}')).toBe('2024-05-01');
      expect(evaluate('{Price (€) & "tax"} * 2')).toBe(19);
      expect(evaluate('{a{b}')).toBe('brace');
    });

    it('reads a field missing from the record as blank', () => {
      expect(evaluate('{Missing}')).toBeNull();
      expect(evaluate('{constructor}')).toBeNull();
    });

    it('evaluates each record with the same compiled formula', () => {
      const formula = compileFormula('{Amount} > 1000', FIELDS);
      expect(formula(RECORD)).toBe(true);
      expect(formula({ ...RECORD, fields: { Amount: 10 } })).toBe(false);
      expect(formula({ ...RECORD, fields: {} })).toBe(false);
    });
  });

  describe('operators', () => {
    it.each([
      ['1 + 2', 3],
      ['5 - 7', -2],
      ['6 * 7', 42],
      ['7 / 2', 3.5],
      ['-3', -3],
      ['2 - -3', 5],
      ['--3', 3],
      ['"a" & "b"', 'ab'],
      ['1 & 2', '12'],
      ['1.50 & ""', '1.5'],
      ['{Amount} & " USD"', '1500 USD'],
      ['"5" + 1', 6],
      ['" 1.5 " * 2', 3],
      ['"" + 1', 1],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it.each([
      ['1 = 1', true],
      ['1 = 2', false],
      ['1 != 2', true],
      ['1 != 1', false],
      ['1 < 2', true],
      ['2 < 1', false],
      ['2 > 1', true],
      ['1 > 1', false],
      ['1 <= 1', true],
      ['2 <= 1', false],
      ['1 >= 1', true],
      ['1 >= 2', false],
      ['{Amount} = 1500', true],
      ['{Name} = "Acme Corp"', true],
      ['{Name} = "acme corp"', false],
      ['"apple" < "banana"', true],
      ['"b" > "abc"', true],
      ['"B" < "a"', true],
      ['10 < 9', false],
      ['"10" < "9"', true],
      ['10 < "9"', true],
      ['{Amount} = "1500"', true],
      ['TRUE() = 1', true],
      ['FALSE() < TRUE()', true],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it.each([
      ['1 + 2 * 3', 7],
      ['(1 + 2) * 3', 9],
      ['2 * 3 + 4 * 5', 26],
      ['10 - 2 - 3', 5],
      ['12 / 2 / 3', 2],
      ['2 * 3 / 4', 1.5],
      ['-2 * 3', -6],
      ['-(2 + 3) * 2', -10],
      ['1 + 1 & 1', '21'],
      ['2 * 3 & 4 - 1', '63'],
      ['"a" & 1 = "a1"', true],
      ['1 + 1 = 2', true],
      ['1 < 2 = TRUE()', true],
      ['1 = 1 = 1', true],
      ['((((1))))', 1],
    ])('%s is %j (precedence)', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it('allows whitespace and newlines between any tokens', () => {
      expect(evaluate('\n AND (\n\t{Amount}\n>\r\n1000 ,\n  {Done}  )\n')).toBe(true);
      expect(evaluate('1+2*3')).toBe(7);
    });
  });

  describe('blank cells', () => {
    it.each([
      ['{Missing} = BLANK()', true],
      ['{Missing} = ""', true],
      ['{Missing} = 0', true],
      ['{Missing} = FALSE()', true],
      ['{Missing} = "x"', false],
      ['{Missing} != BLANK()', false],
      ['{Missing} < 1', true],
      ['{Missing} < "a"', true],
      ['{Missing} + 1', 1],
      ['{Missing} * 5', 0],
      ['-{Missing} & ""', '0'],
      ['{Missing} & "x"', 'x'],
      ['LEN({Missing})', 0],
      ['NOT({Missing})', true],
      ['{Notes} = BLANK()', true],
      ['{Count} = BLANK()', true],
      ['"" = BLANK()', true],
      ['0 = BLANK()', true],
      ['BLANK() = BLANK()', true],
      ['{Name} = BLANK()', false],
      ['{Amount} = BLANK()', false],
      ['{Empty list} = BLANK()', true],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it('BLANK() itself is blank', () => {
      expect(evaluate('BLANK()')).toBeNull();
    });
  });

  describe('arrays and objects', () => {
    it.each([
      ['{Tags}', 'red, blue'],
      ['{Tags} = "red, blue"', true],
      ['FIND("blue", {Tags}) > 0', true],
      ['{Company}', 'recBBBBBBBBBBBBBB'],
      ['{Scores}', '1, 2.5'],
      ['LEN({Tags})', 9],
      ['{Owner}', 'Ada'],
      ['{Files}', 'a.pdf'],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });
  });

  describe('booleans', () => {
    it.each([
      ['TRUE() + TRUE()', 2],
      ['{Done} * 10', 10],
      ['{Done} = 1', true],
      ['{Done} = TRUE()', true],
      ['TRUE() & ""', '1'],
      ['FALSE() & ""', '0'],
      ['TRUE() = "1"', true],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });
  });

  describe('logical functions', () => {
    it.each([
      ['AND(1, "x", TRUE())', true],
      ['AND(1, 0)', false],
      ['AND({Missing})', false],
      ['OR(0, "", FALSE(), 1)', true],
      ['OR(0, BLANK())', false],
      ['XOR(1, 0)', true],
      ['XOR(1, 1)', false],
      ['XOR(1, 1, 1)', true],
      ['NOT(0)', true],
      ['NOT("x")', false],
      ['IF({Amount} > 1000, "big", "small")', 'big'],
      ['IF({Amount} < 1000, "big", "small")', 'small'],
      ['IF(1, "yes")', 'yes'],
      ['IF(TRUE(), 1, 1 / 0)', 1],
      ['IF(FALSE(), 1 / 0, 2)', 2],
      ['IF({Count} = 0, 0, 1 / {Count})', 0],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it('IF without an else branch is blank when the condition is falsy', () => {
      expect(evaluate('IF(0, "yes")')).toBeNull();
    });
  });

  describe('record functions', () => {
    it('RECORD_ID() is the record id', () => {
      expect(evaluate('RECORD_ID()')).toBe('recAAAAAAAAAAAAAA');
      expect(evaluate('RECORD_ID() = "recAAAAAAAAAAAAAA"')).toBe(true);
    });
  });

  describe('text functions', () => {
    it.each([
      ['FIND("Corp", {Name})', 6],
      ['FIND("corp", {Name})', 0],
      ['FIND("x", "abc")', 0],
      ['FIND("a", "banana")', 2],
      ['FIND("a", "banana", 3)', 4],
      ['FIND("a", "banana", 7)', 0],
      ['FIND("", "abc")', 1],
      ['FIND("b", "😀b")', 2],
      ['SEARCH("corp", {Name})', 6],
      ['SEARCH("ACME", {Name})', 1],
      ['SEARCH("zzz", {Name})', 0],
      ['SEARCH("A", "banana", 3)', 4],
      ['LOWER("AbC")', 'abc'],
      ['UPPER("AbC")', 'ABC'],
      ['UPPER(12)', '12'],
      ['LEN("hello")', 5],
      ['LEN("")', 0],
      ['LEN("😀é")', 2],
      ['LEN(1500)', 4],
      ['TRIM("  a b  ")', 'a b'],
      ['TRIM("\n a \t")', 'a'],
      ['LEFT("hello", 2)', 'he'],
      ['LEFT("hello", 0)', ''],
      ['LEFT("hi", 10)', 'hi'],
      ['LEFT("😀b", 1)', '😀'],
      ['RIGHT("hello", 3)', 'llo'],
      ['RIGHT("hello", 0)', ''],
      ['RIGHT("hi", 10)', 'hi'],
      ['MID("hello", 2, 3)', 'ell'],
      ['MID("hello", 4, 10)', 'lo'],
      ['MID("hello", 9, 1)', ''],
      ['MID("hello", 1, 0)', ''],
      ['CONCATENATE("a")', 'a'],
      ['CONCATENATE("a", 1, TRUE(), BLANK(), 2.50)', 'a112.5'],
      ['CONCATENATE({Name}, " - ", {Tags})', 'Acme Corp - red, blue'],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });
  });

  describe('VALUE', () => {
    it.each([
      ['VALUE("12.5")', 12.5],
      ['VALUE(" 3 ")', 3],
      ['VALUE("-4")', -4],
      ['VALUE("1e3")', 1000],
      ['VALUE(7)', 7],
      ['VALUE("")', 0],
      ['VALUE({Missing})', 0],
      ['VALUE("10") > 9', true],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it.each(['VALUE("abc")', 'VALUE("1,000")', 'VALUE("12abc")', 'VALUE("1e400")'])('%s is an error', (source) => {
      expectErrorValue(source, /not a number|out of range/);
    });
  });

  describe('dates', () => {
    it.each([
      ['IS_BEFORE({Close date}, "2024-06-01")', true],
      ['IS_BEFORE({Close date}, "2024-05-01")', false],
      ['IS_AFTER({Close date}, "2024-04-30")', true],
      ['IS_AFTER({Close date}, {Close date})', false],
      ['IS_AFTER({Updated}, {Close date})', true],
      ['IS_BEFORE({Updated}, "2024-05-01T10:00:00.001Z")', true],
      ['IS_BEFORE("2024-05-01T12:00:00+02:00", {Updated})', false],
      ['IS_AFTER("2024-05-01T11:59:59+02:00", {Updated})', false],
      ['IS_AFTER("2024-05-01T12:00:01+0200", {Updated})', true],
      ['IS_BEFORE("2024-05-01 09:59", {Updated})', true],
      ['IS_BEFORE(DATETIME_PARSE("2024-01-01"), DATETIME_PARSE("2024-01-02"))', true],
      ['DATETIME_PARSE({Close date}) = DATETIME_PARSE("2024-05-01T00:00:00Z")', true],
      ['DATETIME_PARSE({Updated}) > {Close date}', true],
      ['DATETIME_PARSE({Close date}) = "2024-05-01"', true],
      ['{Close date} < DATETIME_PARSE("2024-05-02")', true],
      ['DATETIME_PARSE("2024-05-01", "YYYY-MM-DD") = {Close date}', true],
      ['DATETIME_PARSE("2024-05-01T10:00:00.000Z") & ""', '2024-05-01T10:00:00.000Z'],
      ['DATETIME_PARSE("2024-05-01T10:00") & ""', '2024-05-01T10:00:00.000Z'],
      ['DATETIME_PARSE("2024-05-01T10:00:00.123456Z") & ""', '2024-05-01T10:00:00.123Z'],
      ['DATETIME_PARSE("2024-02-29") & ""', '2024-02-29T00:00:00.000Z'],
      ['DATETIME_PARSE("2000-02-29") & ""', '2000-02-29T00:00:00.000Z'],
      ['DATETIME_PARSE("0050-12-31T23:59:59Z") & ""', '0050-12-31T23:59:59.000Z'],
      ['DATETIME_PARSE("2024-01-01T01:30-02:30") & ""', '2024-01-01T04:00:00.000Z'],
      ['DATETIME_PARSE("2024-05-01 10:00:00.5+02:00") & ""', '2024-05-01T08:00:00.500Z'],
      ['"2024-05-01" < "2024-10-01"', true],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });

    it('DATETIME_PARSE returns a date', () => {
      expect(evaluate('DATETIME_PARSE({Updated})')).toEqual(new Date('2024-05-01T10:00:00.000Z'));
    });

    it.each([
      'DATETIME_PARSE("01/05/2024")',
      'DATETIME_PARSE("2023-02-29")',
      'DATETIME_PARSE("2024-13-01")',
      'DATETIME_PARSE("2024-05-01T24:00")',
      'DATETIME_PARSE("2024-05-01T10:60")',
      'DATETIME_PARSE("2024-05-01T10:00:60")',
      'DATETIME_PARSE("1900-02-29")',
      'DATETIME_PARSE("2024-04-31")',
      'DATETIME_PARSE("2024-00-10")',
      'DATETIME_PARSE("2024-05-00")',
      'DATETIME_PARSE("2024-05-01Z")',
      'DATETIME_PARSE("2024-5-1")',
      'DATETIME_PARSE("2024-05-01T10:00+25:00")',
      'DATETIME_PARSE("tomorrow", "ISO")',
      'DATETIME_PARSE(20240501)',
      'DATETIME_PARSE({Missing})',
      'IS_BEFORE({Name}, "2024-01-01")',
      'IS_AFTER({Missing}, "2024-01-01")',
      'DATETIME_PARSE({Close date}) = "soon"',
      'DATETIME_PARSE({Close date}) + 1',
    ])('%s is an error', (source) => {
      expectErrorValue(source);
    });
  });

  describe('error values', () => {
    it.each([
      ['1 / 0', /division by zero/],
      ['{Amount} / {Count}', /division by zero/],
      ['"abc" * 2', /not a number/],
      ['-"abc"', /not a number/],
      ['{Name} + 1', /not a number/],
      ['LEFT("abc", -1)', /negative count/],
      ['RIGHT("abc", -1)', /negative count/],
      ['MID("abc", 0, 1)', /position below 1/],
      ['MID("abc", 1, -1)', /negative count/],
      ['FIND("a", "abc", 0)', /position below 1/],
      ['SEARCH("a", "abc", BLANK())', /position below 1/],
    ])('%s is an error (%s)', (source, reason) => {
      expectErrorValue(source, reason);
    });

    it.each([
      '1 / 0 + 1',
      '(1 / 0) & "x"',
      '1 / 0 = 1 / 0',
      '1 / 0 != 1',
      'NOT(1 / 0)',
      'AND(1, 1 / 0)',
      'OR(1, 1 / 0)',
      'IF(1 / 0, 1, 2)',
      'IF(1, 1 / 0, 2)',
      'CONCATENATE("a", 1 / 0)',
      'LEN(1 / 0)',
      'VALUE("x") = 0',
    ])('propagates through %s', (source) => {
      expectErrorValue(source);
    });

    it('never throws while evaluating', () => {
      const formula = compileFormula('{Amount} / {Count}', FIELDS);
      expect(() => formula(RECORD)).not.toThrow();
      expect(formula({ ...RECORD, fields: { Amount: 10, Count: 4 } })).toBe(2.5);
    });
  });

  describe('case-insensitive function names', () => {
    it.each([
      ['and(1, 1)', true],
      ['Or(0, 1)', true],
      ['if(1, "a", "b")', 'a'],
      ['record_id()', 'recAAAAAAAAAAAAAA'],
      ['Blank() = ""', true],
      ['true', true],
      ['False()', false],
      ['lower("A")', 'a'],
      ['Is_Before("2024-01-01", "2024-01-02")', true],
    ])('%s is %j', (source, expected) => {
      expect(evaluate(source)).toBe(expected);
    });
  });

  describe('compile errors', () => {
    it.each([
      '',
      '   \n',
      '1 +',
      '* 2',
      '(1',
      '1)',
      '()',
      '1 2',
      '"abc',
      "'abc",
      '"bad \\n escape"',
      '"ends with \\',
      '{Name',
      'AND(1,',
      'AND(1 2)',
      'AND(1,)',
      'IF(,1)',
      'AND 1',
      '1 <> 2',
      '1 == 2',
      '!1',
      '+1',
      '5.',
      '1e5',
      '@',
      '#',
      'Name = "x"',
      'TRUE TRUE',
      '{Name}{Name}',
    ])('refuses malformed %j', (source) => {
      compileError(source);
    });

    it('says where a formula is malformed', () => {
      expect(compileError('1 + )').message).toMatch(/Unexpected "\)" at character 5/);
      expect(compileError('"abc').message).toMatch(/Unterminated string at character 1/);
    });

    it.each(['FOO(1)', 'TODAY()', 'SUM(1, 2)', 'REGEX_MATCH("a", "a")', 'constructor()', '__proto__()'])(
      'refuses the unknown function %s',
      (source) => {
        expect(compileError(source).message).toMatch(/Unknown function/);
      },
    );

    it.each(['{Nope}', '{name}', '{Name }', '{}', 'IF(1, {Nope}, 2)'])('refuses the unknown field %s', (source) => {
      expect(compileError(source).message).toMatch(/Unknown field name/);
    });

    it.each([
      'AND()',
      'OR()',
      'XOR()',
      'CONCATENATE()',
      'NOT()',
      'NOT(1, 2)',
      'IF(1)',
      'IF(1, 2, 3, 4)',
      'TRUE(1)',
      'FALSE(1)',
      'BLANK(1)',
      'RECORD_ID(1)',
      'FIND("a")',
      'FIND("a", "b", 1, 2)',
      'SEARCH("a")',
      'SEARCH("a", "b", 1, 2)',
      'LOWER()',
      'UPPER("a", "b")',
      'LEN()',
      'TRIM("a", "b")',
      'LEFT("a")',
      'RIGHT("a", 1, 2)',
      'MID("a", 1)',
      'MID("a", 1, 1, 1)',
      'VALUE()',
      'IS_BEFORE("2024-01-01")',
      'IS_AFTER("2024-01-01", "2024-01-02", "x")',
      'DATETIME_PARSE()',
      'DATETIME_PARSE("2024-01-01", "ISO", "x")',
    ])('refuses the wrong argument count in %s', (source) => {
      expect(compileError(source).message).toMatch(/takes .*argument/);
    });

    it('names the expected argument count', () => {
      expect(compileError('if(1)').message).toBe('IF() takes 2 to 3 arguments, not 1');
      expect(compileError('AND()').message).toBe('AND() takes at least 1 argument, not 0');
      expect(compileError('BLANK(1)').message).toBe('BLANK() takes 0 arguments, not 1');
    });

    it('is a FormulaError', () => {
      const error = compileError('1 +');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('FormulaError');
    });
  });

  describe('limits', () => {
    const nested = (depth: number, open: string, close: string): string =>
      open.repeat(depth) + '1' + close.repeat(depth);

    it('accepts 100 levels of nesting', () => {
      expect(evaluate(nested(100, '(', ')'))).toBe(1);
      expect(evaluate(nested(100, 'NOT(', ')'))).toBe(true);
      expect(evaluate(nested(100, '-', ''))).toBe(1);
    });

    it.each([
      ['parentheses', nested(101, '(', ')')],
      ['function calls', nested(101, 'NOT(', ')')],
      ['unary minus', nested(101, '-', '')],
      ['mixed', nested(60, '(', ')').replace('1', nested(41, 'IF(1,', ')'))],
      ['unbalanced', '('.repeat(50_000)],
    ])('refuses nesting too deep (%s)', (_kind, source) => {
      expect(compileError(source).message).toMatch(/nested more than 100 levels/);
    });

    it('refuses a formula longer than 100,000 characters', () => {
      expect(compileError(`"${'x'.repeat(100_000)}"`).message).toMatch(/longer than 100000 characters/);
    });

    it('evaluates a long flat formula without deep recursion', () => {
      const terms = 24_000;
      const source = Array.from({ length: terms }, () => '1').join('+');
      expect(source.length).toBeLessThanOrEqual(100_000);
      expect(evaluate(source)).toBe(terms);
      expect(evaluate(`AND(${Array.from({ length: 30_000 }, () => '1').join(',')})`)).toBe(true);
    });

    it('filters many records with one compiled formula', () => {
      const formula = compileFormula('AND({Amount} >= 100, FIND("a", LOWER({Name})), NOT({Done}))', FIELDS);
      const records = Array.from({ length: 50_000 }, (_, i) => ({
        id: `rec${i}`,
        createdTime: RECORD.createdTime,
        fields: { Name: i % 2 ? 'Alpha' : 'Omega', Amount: i % 1000, Done: i % 3 === 0 },
      }));
      const kept = records.filter((record) => isTruthy(formula(record)));
      expect(kept.length).toBe(records.filter((r) => r.fields.Amount >= 100 && !r.fields.Done).length);
    });
  });
});

describe('isTruthy', () => {
  it.each([0, -0, '', false, null, undefined, Number.NaN])('%j is falsy', (value) => {
    expect(isTruthy(value)).toBe(false);
  });

  it.each([1, -1, 0.5, 'a', '0', 'false', true, new Date(0)])('%j is truthy', (value) => {
    expect(isTruthy(value)).toBe(true);
  });

  it('an error value is falsy', () => {
    expect(isTruthy(evaluate('1 / 0'))).toBe(false);
  });
});
