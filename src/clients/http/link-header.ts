// Parses RFC 8288 Link headers as Sentry sends them for cursor pagination:
//   <https://sentry.io/api/0/...&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1",
//   <https://sentry.io/api/0/...&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"

export interface LinkEntry {
  url: string;
  /** Every parameter of the link, lower-case names, unquoted values (rel, results, cursor...). */
  params: Record<string, string>;
}

export function parseLinkHeader(header: string | null | undefined): LinkEntry[] {
  if (!header) return [];
  const entries: LinkEntry[] = [];
  // Each entry starts with <url>; a comma inside the URL or a quoted value is not a separator.
  const entryPattern = /<([^>]*)>((?:\s*;\s*[^;,=\s]+\s*=\s*(?:"[^"]*"|[^;,]*))*)/g;
  for (const match of header.matchAll(entryPattern)) {
    const url = match[1] ?? '';
    const params: Record<string, string> = {};
    const paramPattern = /;\s*([^;,=\s]+)\s*=\s*(?:"([^"]*)"|([^;,]*))/g;
    for (const param of (match[2] ?? '').matchAll(paramPattern)) {
      const name = (param[1] ?? '').toLowerCase();
      params[name] = (param[2] ?? param[3] ?? '').trim();
    }
    entries.push({ url, params });
  }
  return entries;
}

/** Sentry's next-page cursor, or null when Sentry says there are no more results. */
export function nextSentryCursor(header: string | null | undefined): string | null {
  const next = parseLinkHeader(header).find((entry) => entry.params.rel === 'next');
  if (!next || next.params.results !== 'true') return null;
  if (next.params.cursor) return next.params.cursor;
  try {
    return new URL(next.url).searchParams.get('cursor');
  } catch {
    return null;
  }
}
