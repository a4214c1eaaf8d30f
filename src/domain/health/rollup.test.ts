import type { Priority } from '../model';
import type { HealthAssessment, HealthPart } from './model';
import { PRIORITY_WEIGHTS, rollUpHealth, type RollUpMember } from './rollup';
import { DEFAULT_HEALTH_WEIGHTS } from './weights';

function part(key: HealthPart['key'], score: number | null): HealthPart {
  return score === null
    ? { key, name: key, weight: 40, status: 'no-data', message: 'none' }
    : { key, name: key, weight: 40, status: 'scored', score, penalties: [], notes: [] };
}

function member(name: string, priority: Priority, score: number | null, reason?: string): RollUpMember {
  const assessment: HealthAssessment = {
    score,
    grade: null,
    parts: {
      runtime: part('runtime', score),
      quality: part('quality', null),
      resolution: part('resolution', null),
    },
    reasons: reason
      ? [{ part: 'runtime', code: 'sentry.fatal', text: reason, impact: 10, recommendation: `fix ${reason}` }]
      : [],
    recommendations: reason ? [`fix ${reason}`] : [],
  };
  return { productId: name.toLowerCase(), name, priority, assessment };
}

describe('roll-up', () => {
  it('weights children by priority: critical 4, high 3, medium 2, low 1', () => {
    expect(PRIORITY_WEIGHTS).toEqual({ critical: 4, high: 3, medium: 2, low: 1 });
    // (4·50 + 1·100) / 5 = 60
    const health = rollUpHealth(
      [member('Checkout', 'critical', 50), member('Blog', 'low', 100)],
      DEFAULT_HEALTH_WEIGHTS,
    );
    expect(health).toMatchObject({ score: 60, grade: 'D' });
    expect(health.members.map((m) => [m.name, m.share])).toEqual([
      ['Checkout', 0.8],
      ['Blog', 0.2],
    ]);
    expect(health.parts.runtime).toMatchObject({ status: 'scored', score: 60 });
    expect(health.parts.quality).toMatchObject({
      status: 'no-data',
      message: 'None of the 2 products has data for code quality.',
    });
  });

  it('the same children with priorities swapped give a better score', () => {
    const health = rollUpHealth(
      [member('Checkout', 'low', 50), member('Blog', 'critical', 100)],
      DEFAULT_HEALTH_WEIGHTS,
    );
    // (1·50 + 4·100) / 5 = 90
    expect(health).toMatchObject({ score: 90, grade: 'A' });
  });

  it('a member without a score is left out, not counted as 0 or 100', () => {
    const health = rollUpHealth(
      [member('Checkout', 'high', 70), member('New', 'critical', null)],
      DEFAULT_HEALTH_WEIGHTS,
    );
    expect(health).toMatchObject({ score: 70, grade: 'C' });
    expect(health.members.find((m) => m.name === 'New')?.share).toBe(0);
  });

  it('names the member in reasons and scales their impact by its share', () => {
    const health = rollUpHealth(
      [member('Checkout', 'critical', 50, '3 fatal issues'), member('Blog', 'low', 90, '1 fatal issue')],
      DEFAULT_HEALTH_WEIGHTS,
    );
    expect(health.reasons.map((r) => [r.text, r.impact])).toEqual([
      ['Checkout: 3 fatal issues', 8],
      ['Blog: 1 fatal issue', 2],
    ]);
    expect(health.recommendations).toEqual(['Checkout: fix 3 fatal issues', 'Blog: fix 1 fatal issue']);
  });

  it('no member with data: no score', () => {
    expect(
      rollUpHealth([member('A', 'high', null), member('B', 'low', null)], DEFAULT_HEALTH_WEIGHTS),
    ).toMatchObject({
      score: null,
      grade: null,
    });
  });

  it('one member is returned as it is', () => {
    const only = member('Checkout', 'low', 73, 'x');
    const health = rollUpHealth([only], DEFAULT_HEALTH_WEIGHTS);
    expect(health).toMatchObject({ ...only.assessment });
    expect(health.members).toEqual([
      { productId: 'checkout', name: 'Checkout', priority: 'low', score: 73, share: 1 },
    ]);
  });
});
