// What is stored per product after each health pass, and the daily point kept for 90 days.
import type { HistoryPoint, Priority } from '../model';
import type { HealthAssessment } from './model';
import type { RolledUpHealth } from './rollup';
import { HEALTH_PARTS, type HealthWeights } from './weights';

export interface ProductHealthRecord {
  productId: string;
  name: string;
  priority: Priority;
  owningTeam: string | null;
  parentId: string | null;
  /** Ancestor ids, root first: a Jira project mapping a product and its ancestor counts it once. */
  ancestorIds: string[];
  weights: HealthWeights;
  /** From the product's own mapped projects only. */
  own: HealthAssessment;
  /** With its child products rolled in; the same as `own` for a product without children. */
  health: RolledUpHealth;
  /** When this record last changed. */
  updatedAt: string;
}

/** Values of a daily health point: `score` and one key per scored part; parts without data are absent. */
export function healthHistoryPoint(date: string, health: HealthAssessment): HistoryPoint | null {
  if (health.score === null) return null;
  const values: Record<string, number> = { score: health.score };
  for (const key of HEALTH_PARTS) {
    const part = health.parts[key];
    if (part.status === 'scored') values[key] = part.score;
  }
  return { date, values };
}

export type TrendDirection = 'up' | 'down' | 'flat';

export interface HealthTrend {
  /** The day compared with (7 days before today). */
  since: string;
  previousScore: number;
  /** Score now minus score then. */
  change: number;
  /** Flat within ±2 points, so day-to-day noise does not show as a trend. */
  direction: TrendDirection;
}

export const TREND_DAYS = 7;
export const FLAT_TREND_POINTS = 2;

export function healthTrend(
  score: number | null,
  previous: { date: string; score: number } | null,
): HealthTrend | null {
  if (score === null || previous === null) return null;
  const change = score - previous.score;
  return {
    since: previous.date,
    previousScore: previous.score,
    change,
    direction: change > FLAT_TREND_POINTS ? 'up' : change < -FLAT_TREND_POINTS ? 'down' : 'flat',
  };
}
