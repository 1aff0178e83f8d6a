import { config } from "@/lib/config";
import { attestationKeys } from "@/lib/attestation/keys";
import { attestationHealth } from "@/lib/attestation/queries";
import { ATTESTATION_MAX_AGE_MS } from "@/lib/attestation/sign";

function hours(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The oldest attestation among live agents (server component): verifiers reject one older than 24 h, and
 * the worker renews each before 12 h, so an age past that means renewals are failing.
 */
export async function AttestationAge({ now = new Date() }: { now?: Date }) {
  if (!attestationKeys(config()))
    return (
      <p className="mb-3 text-sm" data-testid="attestation-age">
        Attestation: off (agents carry no verifiable badge)
      </p>
    );
  const { live, unattested, oldestAt } = await attestationHealth();
  const ageMs = oldestAt ? now.getTime() - oldestAt.getTime() : null;
  const late = (ageMs !== null && ageMs > ATTESTATION_MAX_AGE_MS / 2) || unattested > 0;
  return (
    <p className="mb-3 text-sm" data-testid="attestation-age">
      Oldest attestation among {live} live conversations:{" "}
      <strong className={late ? "text-danger" : ""}>{ageMs === null ? "–" : hours(ageMs)}</strong>
      {unattested > 0 ? <span className="text-danger"> · {unattested} not attested yet</span> : null} (renewed
      before 12 h; verifiers reject 24 h)
    </p>
  );
}
