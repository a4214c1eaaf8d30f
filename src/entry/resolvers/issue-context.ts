// Resolver of the issue context (function issue-context-fn, UI Kit). The issue and its project come
// from context.extension only; the caller must be able to browse the issue before anything is read.
import Resolver from '@forge/resolver';
import { getIssueContext } from '../../services/health/get-issue-context';
import { requireIssueBrowse } from '../../services/access/permissions';
import { requireIssueId } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

defineResolver(resolver, 'getIssueContext', noPayload, async (_input, context) => {
  const jiraIssueId = requireIssueId(context);
  await requireIssueBrowse(context.accountId, jiraIssueId);
  return getIssueContext(jiraIssueId, context.projectId);
});

export const issueContextResolverDefinitions = resolver.getDefinitions();
