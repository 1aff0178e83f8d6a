import { XMTP_UNREACHABLE, xmtpReachability } from "@/lib/workers/xmtp-reachability";

/**
 * The XMTP network as the workers up see it (server component): when none of them reaches it, the pool
 * cannot refill and claims on an empty pool say so; the latest worker's error says why.
 */
export async function XmtpReachability() {
  const { state, error } = await xmtpReachability();
  return (
    <p
      className="mb-3 text-sm"
      data-testid="xmtp-reachability"
      role={state === "unreachable" ? "alert" : undefined}
    >
      XMTP network:{" "}
      {state === "unreachable" ? (
        <>
          <strong className="text-danger">{XMTP_UNREACHABLE}</strong>
          {error ? <span className="text-ink-muted"> ({error})</span> : null}
        </>
      ) : (
        <strong>{state}</strong>
      )}
    </p>
  );
}
