// The ids in Forge's Jira event payloads (issue, project, status, comment): strings of digits, as in
// the documented example (`"issue": {"id": "10073", ...}`, `"project": {"id": "10000", ...}`,
// developer.atlassian.com/platform/forge/events-reference/jira/) and Jira's REST API, where every id is
// a long. A JSON number is taken too and read as its digits. Anything else (empty, a key such as
// "SHOP-1", a negative or fractional number) names no Jira entity: the event is refused.
import { z } from 'zod';

/** A Jira long as text: at most 19 digits. */
const JIRA_ID = /^\d{1,19}$/;

export const jiraIdSchema = z
  .union([z.string().regex(JIRA_ID, 'a Jira id is a string of digits'), z.number().int().nonnegative()])
  .transform(String);
