// The issue context (jira:issueContext, UI Kit): the product's grade, the linked Sentry issues (count,
// worst level, users affected) and the quality gate, with one click to the issue panel. Jira renders
// these components itself (light and dark), so there are no styles here.
import React, { useEffect, useState } from 'react';
import { Button, Inline, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import { invoke, router } from '@forge/bridge';
import type { IssueContextView } from '../../../src/domain/health/issue-context';
import type { ResolverResult } from '../../../src/domain/views';

type LozengeAppearance = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';

const GRADE_APPEARANCE: Record<string, LozengeAppearance> = {
  'A+': 'success',
  A: 'success',
  B: 'success',
  C: 'moved',
  D: 'removed',
  F: 'removed',
};
const LEVEL_APPEARANCE: Record<string, LozengeAppearance> = {
  fatal: 'removed',
  error: 'removed',
  warning: 'moved',
};
const GATE_WORDS = { OK: 'Passed', WARN: 'Warning', ERROR: 'Failed' } as const;
const GATE_APPEARANCE: Record<keyof typeof GATE_WORDS, LozengeAppearance> = {
  OK: 'success',
  WARN: 'moved',
  ERROR: 'removed',
};

const count = (value: number) => value.toLocaleString('en-US');
const plural = (value: number, one: string, many: string) => `${count(value)} ${value === 1 ? one : many}`;

export type LoadState =
  { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; view: IssueContextView };

export function IssueContextBody({ state, onOpenPanel }: { state: LoadState; onOpenPanel: () => void }) {
  if (state.status === 'loading') return <Text>Loading product health…</Text>;
  if (state.status === 'failed') {
    return (
      <SectionMessage appearance="error" title="Product health could not load">
        <Text>{state.message}</Text>
      </SectionMessage>
    );
  }
  const { product, sentry, quality } = state.view;
  return (
    <Stack space="space.150">
      {product.status === 'unmapped' ? (
        <Text>{product.message}</Text>
      ) : (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text weight="bold">Grade</Text>
          {product.grade === null ? (
            <Text>not computed yet (no mapped project has data)</Text>
          ) : (
            <Lozenge appearance={GRADE_APPEARANCE[product.grade] ?? 'default'} isBold>
              {product.grade}
            </Lozenge>
          )}
          {product.score === null ? null : <Text>{`${product.score} / 100`}</Text>}
          <Text>{product.names.join(', ')}</Text>
        </Inline>
      )}
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Text weight="bold">Sentry</Text>
        {sentry.linkedCount === 0 ? (
          <Text>No linked Sentry issues</Text>
        ) : (
          <>
            <Text>{plural(sentry.linkedCount, 'linked issue', 'linked issues')}</Text>
            {sentry.worstLevel === null ? null : (
              <Lozenge appearance={LEVEL_APPEARANCE[sentry.worstLevel] ?? 'default'}>
                {sentry.worstLevel}
              </Lozenge>
            )}
            <Text>{`${plural(sentry.users14d, 'user', 'users')} affected in 14 days`}</Text>
          </>
        )}
      </Inline>
      {quality === null ? null : (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text weight="bold">Quality gate</Text>
          {quality.gate === null ? (
            <Text>not analysed yet</Text>
          ) : (
            <Lozenge appearance={GATE_APPEARANCE[quality.gate]}>{GATE_WORDS[quality.gate]}</Lozenge>
          )}
          {quality.failing > 0 ? (
            <Text>{`${quality.failing} of ${plural(quality.mapped, 'branch', 'branches')} failing`}</Text>
          ) : null}
        </Inline>
      )}
      <Button appearance="default" iconAfter="arrow-right" onClick={onOpenPanel}>
        Open the Product health panel
      </Button>
    </Stack>
  );
}

export function IssueContext() {
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  useEffect(() => {
    invoke('getIssueContext')
      .then((answer) => {
        const result = answer as ResolverResult<IssueContextView>;
        setState(
          result.ok
            ? { status: 'ready', view: result.data }
            : { status: 'failed', message: result.error.message },
        );
      })
      .catch((error: unknown) =>
        setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
  }, []);
  const openPanel = () => {
    if (state.status !== 'ready') return;
    void router.navigate({ target: 'module', moduleKey: state.view.panelModuleKey });
  };
  return <IssueContextBody state={state} onOpenPanel={openPanel} />;
}
