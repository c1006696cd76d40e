// The Python literals a .npy header is made of, read as Python's ast.literal_eval reads them.
import { describe, expect, it } from 'vitest';
import { parsePyLiteral, PyLiteralError, pyRepr } from '../../src/shared/engine/pyLiteral';

const repr = (text: string): string => pyRepr(parsePyLiteral(text));

describe('parsePyLiteral', () => {
  it.each([
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}"],
    ['  {"a" : [1, -2, None, True] , }\n   ', "{'a': [1, -2, None, True]}"],
    ['(3,)', '(3,)'],
    ['(3)', '3'],
    ['()', '()'],
    ['[]', '[]'],
    ['(5L, 6l)', '(5, 6)'],
    ["[('δ', '<f4')]", "[('δ', '<f4')]"],
    ["'a\\'b\\\\c\\n'", "'a'b\\c\n'"],
    ['{(1, 2): {}}', '{(1, 2): {}}'],
    ['99999999999999999999999', '99999999999999999999999'],
  ])('%s', (text, expected) => {
    expect(repr(text)).toBe(expected);
  });

  it.each([
    ['', 'expected a value (a string, number, True, False, None, tuple, list or dict) at character 0, found the end of the header'],
    ['{', 'expected a value (a string, number, True, False, None, tuple, list or dict) at character 1, found the end of the header'],
    ["'abc", "expected the closing ' of a string at character 4, found the end of the header"],
    ["'ab\ncd'", 'expected the closing \' of a string at character 3, found "\\ncd\'"'],
    ["'a\\x41'", 'expected a simple escape (\\n, \\t, \\r, \\0, \\\\, \\\' or \\") at character 2, found "\\\\x41\'"'],
    ['-', 'expected digits at character 1, found the end of the header'],
    ['1.5', 'expected an integer (floats and other numbers do not belong in a .npy header) at character 1, found ".5"'],
    ['1e3', 'expected an integer (floats and other numbers do not belong in a .npy header) at character 1, found "e3"'],
    ['Truey', 'expected a value (a string, number, True, False, None, tuple, list or dict) at character 0, found "Truey"'],
    ['(1 2)', 'expected \',\' or \')\' at character 3, found "2)"'],
    ["{'a' 1}", 'expected \':\' after a key at character 5, found "1}"'],
    ["{'a': 1 'b': 2}", 'expected \',\' or \'}\' at character 8, found "\'b\': 2}"'],
    ['{} {}', 'expected nothing more after the literal at character 3, found "{}"'],
    ['['.repeat(40), 'expected at most 32 levels of nesting at character 33, found "[[[[[[["'],
  ])('refuses %j', (text, message) => {
    expect(() => parsePyLiteral(text)).toThrow(PyLiteralError);
    expect(() => parsePyLiteral(text)).toThrow(message);
  });

  it('reports where it stopped', () => {
    try {
      parsePyLiteral('(1, x)');
    } catch (error) {
      expect((error as PyLiteralError).at).toBe(4);
      return;
    }
    expect.fail('expected an error');
  });
});
