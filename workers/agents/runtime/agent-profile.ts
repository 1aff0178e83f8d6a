/**
 * The agent's Convos profile in one conversation (docs/convos-protocol.md §8.1, §8.5): its name, member
 * kind agent, with a signing key a fresh attestation of its inbox id (lib/attestation/sign.ts), and its
 * e-mail address once it has one (lib/providers/agentmail/inboxes.ts).
 * Published at handoff, on every set_profile, and again by the worker before the attestation turns 24 h
 * old (worker/attestation-renewal.ts). Each publication is recorded in PostgreSQL after it was sent, so a
 * restarted worker, or the one a failover hands the agent to, knows when the last one was and which name
 * it carried.
 */
import { agentProfileUpdate, profileUpdateCodec, sendWithCodec } from "@/lib/convos";
import type { EncodedContent } from "@/lib/convos/codecs/json";
import { signAttestation } from "@/lib/attestation/sign";
import { recordProfilePublished } from "@/lib/attestation/mutations";
import { mailAddressOfIdentity } from "@/lib/providers/agentmail/inboxes";
import type { WorkerContext } from "@/workers/agents/worker/context";

/** What signing needs from the worker: the key (null: attestation off or unset) and the clock. */
export type ProfileSigner = Pick<WorkerContext, "attestation" | "clock">;

/** Where a profile goes: the identity's conversation, as it sends content. */
export interface ProfileTarget {
  identityId: string;
  inboxId: string;
  group: { send(c: EncodedContent, o: { shouldPush: boolean }): Promise<string> };
}

/** Sends the agent's profile named `name`, attested now when there is a key, and records it once sent. */
export async function publishAgentProfile(
  signer: ProfileSigner,
  target: ProfileTarget,
  name: string,
): Promise<void> {
  const at = signer.clock();
  const attestation = signer.attestation
    ? signAttestation(signer.attestation.signing, target.inboxId, at)
    : undefined;
  const email = (await mailAddressOfIdentity(target.identityId)) ?? undefined;
  await sendWithCodec(target.group, profileUpdateCodec, agentProfileUpdate(name, attestation, email));
  await recordProfilePublished(target.identityId, name, attestation ? at : null);
}

/** One run's profile: publications run one after another, so the name asked for last is the one that stays. */
export class AgentProfile {
  #name: string | undefined;
  #last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signer: ProfileSigner,
    private readonly target: ProfileTarget,
    private readonly agentName: string,
  ) {}

  /** Publishes `name` (set_profile) with a fresh attestation. */
  publish(name: string): Promise<void> {
    this.#name = name;
    return this.#queue(() => publishAgentProfile(this.signer, this.target, name));
  }

  /**
   * Publishes the current name again with a fresh attestation: the one this run last published, else
   * `storedName` (the last one recorded, by any run), else the agent's name.
   */
  renew(storedName: string | null): Promise<void> {
    return this.#queue(() =>
      publishAgentProfile(this.signer, this.target, this.#name ?? storedName ?? this.agentName),
    );
  }

  #queue(work: () => Promise<void>): Promise<void> {
    const next = this.#last.catch(() => undefined).then(work);
    this.#last = next;
    return next;
  }
}
