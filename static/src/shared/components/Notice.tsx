/** What the last action said: a confirmation, or an error the resolver explained. */
export type Notice = { kind: 'ok' | 'error'; text: string } | null;

/** One line under an action: a status for a confirmation, an alert for an error. */
export function NoticeLine({ notice }: { notice: Notice }) {
  if (!notice) return null;
  return (
    <p
      className={notice.kind === 'error' ? 'ph-message ph-message--error' : 'ph-subtle'}
      role={notice.kind === 'error' ? 'alert' : 'status'}
    >
      {notice.text}
    </p>
  );
}

/** The message of a failed call (ResolverCallError messages are safe to show). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
