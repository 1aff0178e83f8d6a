/** "N agents ready now": warm identities in the pool, so visitors know a launch will be instant. */
export function ReadyNow({ count }: { count: number }) {
  return (
    <p
      className={`inline-flex w-fit items-center gap-2 rounded-full px-3 py-1 text-sm font-medium ${
        count > 0 ? "bg-success-soft text-success" : "border border-line bg-surface text-ink-muted"
      }`}
    >
      <span
        aria-hidden="true"
        className={`size-2 rounded-full ${count > 0 ? "bg-success" : "bg-ink-muted"}`}
      />
      <span data-testid="ready-now">
        {count} {count === 1 ? "agent" : "agents"} ready now
      </span>
    </p>
  );
}
