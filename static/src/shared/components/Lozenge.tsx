import type { ReactNode } from 'react';
import type {
  QualityGateStatus,
  SentryLevel,
  SentryStatus,
  SyncLogEntry,
} from '../../../../src/domain/model';

export type LozengeAppearance = 'default' | 'success' | 'removed' | 'inprogress' | 'new' | 'moved';

export function Lozenge({
  appearance = 'default',
  children,
}: {
  appearance?: LozengeAppearance;
  children: ReactNode;
}) {
  return <span className={`ph-lozenge ph-lozenge--${appearance}`}>{children}</span>;
}

const levelAppearance: Record<SentryLevel, LozengeAppearance> = {
  fatal: 'removed',
  error: 'removed',
  warning: 'moved',
  info: 'inprogress',
  debug: 'default',
  sample: 'default',
};

export function LevelLozenge({ level }: { level: SentryLevel }) {
  return <Lozenge appearance={levelAppearance[level]}>{level}</Lozenge>;
}

const statusAppearance: Record<SentryStatus, LozengeAppearance> = {
  unresolved: 'new',
  resolved: 'success',
  ignored: 'default',
  reprocessing: 'inprogress',
};

export function SentryStatusLozenge({ status }: { status: SentryStatus }) {
  return <Lozenge appearance={statusAppearance[status]}>{status}</Lozenge>;
}

const gateAppearance: Record<QualityGateStatus, LozengeAppearance> = {
  OK: 'success',
  WARN: 'moved',
  ERROR: 'removed',
  NONE: 'default',
};
const gateWords: Record<QualityGateStatus, string> = {
  OK: 'Passed',
  WARN: 'Warning',
  ERROR: 'Failed',
  NONE: 'No gate',
};

export function QualityGateLozenge({ status }: { status: QualityGateStatus }) {
  return <Lozenge appearance={gateAppearance[status]}>{gateWords[status]}</Lozenge>;
}

const outcomeAppearance: Record<SyncLogEntry['outcome'], LozengeAppearance> = {
  ok: 'success',
  partial: 'moved',
  failed: 'removed',
  skipped: 'default',
};

export function OutcomeLozenge({ outcome }: { outcome: SyncLogEntry['outcome'] }) {
  return <Lozenge appearance={outcomeAppearance[outcome]}>{outcome}</Lozenge>;
}
