// How a health grade, score and trend look wherever they show (project page, portfolio). Colours are
// design tokens, so the grade reads in Jira's light and dark themes alike.
import Lozenge from '@atlaskit/lozenge';
import type { HealthGrade } from '../../../../src/domain/health/grade';
import type { HealthTrend } from '../../../../src/domain/health/record';
import './health.css';

type LozengeAppearance = 'default' | 'success' | 'removed' | 'inprogress' | 'new' | 'moved';

const gradeLook: Record<HealthGrade, { tone: string; appearance: LozengeAppearance; bold: boolean }> = {
  'A+': { tone: 'good', appearance: 'success', bold: true },
  A: { tone: 'good', appearance: 'success', bold: true },
  B: { tone: 'fair', appearance: 'success', bold: false },
  C: { tone: 'warn', appearance: 'moved', bold: false },
  D: { tone: 'poor', appearance: 'moved', bold: true },
  F: { tone: 'bad', appearance: 'removed', bold: true },
};

/** The grade as a large square, for the top of a page. */
export function GradeTile({ grade, score }: { grade: HealthGrade | null; score: number | null }) {
  const label = grade === null ? 'No grade yet' : `Grade ${grade}, score ${score ?? '?'} of 100`;
  return (
    <div
      className={`ph-grade-tile ph-grade-tile--${grade === null ? 'none' : gradeLook[grade].tone}`}
      role="img"
      aria-label={label}
      data-testid="health-grade"
    >
      {grade ?? '–'}
    </div>
  );
}

/** The grade as an Atlaskit lozenge, for a table row. */
export function GradeLozenge({ grade }: { grade: HealthGrade | null }) {
  if (grade === null) return <Lozenge>no grade</Lozenge>;
  const look = gradeLook[grade];
  return (
    <Lozenge appearance={look.appearance} isBold={look.bold}>
      {grade}
    </Lozenge>
  );
}

const arrows = { up: '↑', down: '↓', flat: '→' } as const;

function points(change: number): string {
  const size = Math.abs(change);
  return `${size} ${size === 1 ? 'point' : 'points'}`;
}

/** The trend in words: "down 7 points since 22 Nov (was 71)"; null when there is no earlier point. */
export function trendInWords(trend: HealthTrend | null): string {
  if (trend === null) return 'No score from 7 days ago to compare with yet';
  const since = new Date(`${trend.since}T00:00:00Z`).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  if (trend.direction === 'flat') {
    return `Steady since ${since} (was ${trend.previousScore}, within 2 points)`;
  }
  return `${trend.direction === 'up' ? 'Up' : 'Down'} ${points(trend.change)} since ${since} (was ${trend.previousScore})`;
}

/** An arrow coloured by direction; `compact` shows the change beside it, for tables. */
export function TrendArrow({ trend, compact = false }: { trend: HealthTrend | null; compact?: boolean }) {
  const words = trendInWords(trend);
  if (trend === null) {
    return compact ? (
      <span className="ph-subtle" title={words}>
        –
      </span>
    ) : (
      <span className="ph-subtle">{words}</span>
    );
  }
  const change = trend.change > 0 ? `+${trend.change}` : trend.change < 0 ? `−${-trend.change}` : '±0';
  return (
    <span className={`ph-trend ph-trend--${trend.direction}`} title={words} data-testid="health-trend">
      <span aria-hidden="true" className="ph-trend__arrow">
        {arrows[trend.direction]}
      </span>
      {compact ? (
        <>
          <span aria-hidden="true"> {change}</span>
          <span className="ph-visually-hidden">{words}</span>
        </>
      ) : (
        <span> {words}</span>
      )}
    </span>
  );
}
