/**
 * Roll-up: the health of a group of products (a parent product and its children, or the products a Jira
 * project maps to) as the priority-weighted mean of the members' scores. Members without a score are
 * left out, like parts without data. Reasons and recommendations come from the members, named, with
 * their impact scaled by the member's share of the weight.
 */
import type { Priority } from '../model';
import { gradeFor, roundScore } from './grade';
import {
  TOP_REASONS,
  type HealthAssessment,
  type HealthPart,
  type HealthPenalty,
  type HealthReason,
} from './model';
import { HEALTH_PART_NAMES, HEALTH_PARTS, type HealthPartKey, type HealthWeights } from './weights';

/** How much a product counts in a roll-up, by its priority. */
export const PRIORITY_WEIGHTS: Record<Priority, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** Penalty rows a rolled-up part keeps. */
export const ROLLED_UP_PENALTIES = 10;

export interface RollUpMember {
  productId: string;
  name: string;
  priority: Priority;
  assessment: HealthAssessment;
}

export interface RolledUpMember {
  productId: string;
  name: string;
  priority: Priority;
  score: number | null;
  /** Share of the roll-up's weight, 0–1; 0 for a member without a score. */
  share: number;
}

export interface RolledUpHealth extends HealthAssessment {
  members: RolledUpMember[];
}

function prefixed(name: string, text: string): string {
  return `${name}: ${text}`;
}

function rolledPart(
  key: HealthPartKey,
  weight: number,
  members: ReadonlyArray<{ member: RollUpMember; weight: number }>,
): HealthPart {
  const scored = members.flatMap(({ member, weight: memberWeight }) => {
    const part = member.assessment.parts[key];
    return part.status === 'scored' ? [{ member, part, memberWeight }] : [];
  });
  const totalWeight = scored.reduce((sum, entry) => sum + entry.memberWeight, 0);
  if (scored.length === 0 || totalWeight === 0) {
    return {
      key,
      name: HEALTH_PART_NAMES[key],
      weight,
      status: 'no-data',
      message: `None of the ${members.length} products has data for ${HEALTH_PART_NAMES[key].toLowerCase()}.`,
    };
  }
  const penalties: HealthPenalty[] = scored.flatMap(({ member, part, memberWeight }) =>
    part.penalties.map((penalty) => ({
      ...penalty,
      points: (penalty.points * memberWeight) / totalWeight,
      text: prefixed(member.name, penalty.text),
      recommendation: prefixed(member.name, penalty.recommendation),
    })),
  );
  return {
    key,
    name: HEALTH_PART_NAMES[key],
    weight,
    status: 'scored',
    score: roundScore(
      scored.reduce((sum, { part, memberWeight }) => sum + part.score * memberWeight, 0) / totalWeight,
    ),
    // The heaviest only: a parent of many products would otherwise carry every member's rows.
    penalties: penalties.sort((a, b) => b.points - a.points).slice(0, ROLLED_UP_PENALTIES),
    notes: [],
  };
}

/** The members' health rolled into one; a single member's health is returned as it is, with its share. */
export function rollUpHealth(members: readonly RollUpMember[], weights: HealthWeights): RolledUpHealth {
  const weighted = members.map((member) => ({
    member,
    weight: member.assessment.score === null ? 0 : PRIORITY_WEIGHTS[member.priority],
  }));
  const totalWeight = weighted.reduce((sum, entry) => sum + entry.weight, 0);
  const summary: RolledUpMember[] = weighted.map(({ member, weight }) => ({
    productId: member.productId,
    name: member.name,
    priority: member.priority,
    score: member.assessment.score,
    share: totalWeight === 0 ? 0 : weight / totalWeight,
  }));
  // Most important first, then by name: the order pages list them in.
  summary.sort(
    (a, b) => PRIORITY_WEIGHTS[b.priority] - PRIORITY_WEIGHTS[a.priority] || a.name.localeCompare(b.name),
  );
  const only = members.length === 1 ? members[0] : undefined;
  if (only) return { ...only.assessment, members: summary };

  const parts = Object.fromEntries(
    HEALTH_PARTS.map((key) => [key, rolledPart(key, weights[key], weighted)]),
  ) as Record<HealthPartKey, HealthPart>;
  if (totalWeight === 0) {
    return { score: null, grade: null, parts, reasons: [], recommendations: [], members: summary };
  }
  const score =
    weighted.reduce((sum, { member, weight }) => sum + (member.assessment.score ?? 0) * weight, 0) /
    totalWeight;
  const ranked: HealthReason[] = weighted.flatMap(({ member, weight }) =>
    member.assessment.reasons.map((reason) => ({
      ...reason,
      text: prefixed(member.name, reason.text),
      impact: Math.round(((reason.impact * weight) / totalWeight) * 10) / 10,
      recommendation: prefixed(member.name, reason.recommendation),
    })),
  );
  const top = ranked
    .filter((reason) => reason.impact > 0)
    .sort((a, b) => b.impact - a.impact)
    .slice(0, TOP_REASONS);
  return {
    score: roundScore(score),
    grade: gradeFor(score),
    parts,
    reasons: top,
    recommendations: [...new Set(top.map((reason) => reason.recommendation))],
    members: summary,
  };
}
