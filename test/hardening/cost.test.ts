/** The filter cost model (src/filter/cost.ts): what each kind of condition costs, and the parts named. */
import { describe, expect, it } from 'vitest';
import { and, contains, eq, anyOf, cmp, or, pattern, startsWith } from '../../src/filter/ast.ts';
import { filterCost, formatCost, HEAVY_COST } from '../../src/filter/cost.ts';
import { compileCriteria } from '../../src/legacy/criteria/index.ts';

describe('filterCost', () => {
  it('charges lookups 1 per value and scans the field\'s values at full scale', () => {
    expect(filterCost(eq('artUnit', '2100')).total).toBe(1);
    expect(filterCost(anyOf('artUnit', ['2100', '2101', '2102'])).total).toBe(3);
    expect(filterCost(cmp('cite103Max', '>=', 3)).total).toBe(1);
    // CONTAINS tests every value: the catalog's distinct figure.
    expect(filterCost(contains('Patent_PGPub', '5')).total).toBe(10_000_000);
    expect(filterCost(contains('artUnit', '21')).total).toBe(1_000);
    // STARTS WITH walks the values with that prefix: a tenth per character.
    expect(filterCost(startsWith('applicationId', '12')).total).toBe(22_000);
    // A text bound walks the values on its side: half on average, a closed range all of them.
    expect(filterCost(cmp('mailDate', '>=', '2010-01-01')).total).toBe(1_750);
    expect(filterCost(compileCriteria('mailDate:[20100101 TO 20101231]').filter).total).toBe(3_500);
    // A pattern is listed by its literal start, or in full.
    expect(filterCost(pattern('uspcSubClass', [{ kind: 'literal', text: '12' }, { kind: 'anyChar' }])).total).toBe(1_000);
    expect(filterCost(pattern('uspcSubClass', [{ kind: 'anyChar' }, { kind: 'literal', text: '12' }])).total).toBe(100_000);
  });

  it('sums every condition whatever the connectives, and names the costliest first', () => {
    const f = or([and([contains('applicationId', '1'), eq('form892', 1)]), contains('applicationId', '1'), contains('artUnit', '9')]);
    const cost = filterCost(f);
    expect(cost.total).toBe(2 * 2_200_000 + 1 + 1_000);
    expect(cost.costliest[0]).toEqual({ text: 'applicationId CONTAINS "1"', times: 2, cost: 4_400_000 });
    expect(cost.costliest[1]!.text).toBe('artUnit CONTAINS "9"');
  });

  it('prices legacy criteria as the issue found them', () => {
    const flood = compileCriteria(Array.from({ length: 1024 }, (_, i) => `*${i % 10}*`).join(' AND ')).filter;
    expect(filterCost(flood).total).toBeGreaterThan(1e10);
    expect(filterCost(compileCriteria('applicationId:12345678 AND form892:1').filter).total).toBeLessThan(10);
    expect(filterCost(compileCriteria('*0*').filter).total).toBeGreaterThan(HEAVY_COST);
  });

  it('formats figures for people', () => {
    expect([formatCost(340), formatCost(16_000), formatCost(2_200_000), formatCost(1.7e10)]).toEqual(['340', '16 k', '2.2 M', '17 G']);
  });
});
