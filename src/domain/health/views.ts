// What the pages get from the health services.
import type { Priority } from '../model';
import type { HealthGrade } from './grade';
import type { HealthPart, HealthReason } from './model';
import type { HealthTrend } from './record';
import type { RolledUpMember } from './rollup';
import type { HealthPartKey, HealthWeights } from './weights';

export interface HealthView {
  /** 'pending': no health pass has covered this yet (it runs with the hourly sync). */
  status: 'ready' | 'pending';
  score: number | null;
  grade: HealthGrade | null;
  parts: Record<HealthPartKey, HealthPart> | null;
  reasons: HealthReason[];
  recommendations: string[];
  /** Against the daily point of 7 days ago; null without one. */
  trend: HealthTrend | null;
  /** The products rolled in, with their share of the weight (a product's children, or a project's products). */
  members: RolledUpMember[];
  weights: HealthWeights | null;
  /** When the health last changed (the newest of the members for a project). */
  updatedAt: string | null;
  /** Why there is nothing to show yet, in words (status 'pending'). */
  message: string | null;
}

export interface ProductHealthView extends HealthView {
  productId: string;
  name: string;
  priority: Priority;
  owningTeam: string | null;
}

export interface ProjectHealthView extends HealthView {
  jiraProjectId: string;
}

/** One row of the portfolio: every product, worst first. */
export interface PortfolioRow {
  productId: string;
  name: string;
  priority: Priority;
  owningTeam: string | null;
  parentId: string | null;
  /** Ancestor ids, root first. */
  ancestorIds: string[];
  score: number | null;
  grade: HealthGrade | null;
  trend: HealthTrend | null;
  /** The reason that costs the most points, if any. */
  topReason: string | null;
  updatedAt: string;
}

/** The global settings page's portfolio: every product worst first, and the weights in force. */
export interface PortfolioView {
  rows: PortfolioRow[];
  weights: HealthWeights & { isDefault: boolean };
}
