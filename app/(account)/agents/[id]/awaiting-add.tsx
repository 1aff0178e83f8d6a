import { addLink } from "@/lib/agents/direct-add";
import { INVITE_QR_PIXELS, qrDataUrl } from "@/lib/qr";

/** A direct add still waiting: the inbox id to add in Convos, its QR code and link, and until when. */
export async function AwaitingAdd({ inboxId, until }: { inboxId: string; until: Date }) {
  const qr = await qrDataUrl(inboxId, INVITE_QR_PIXELS);
  return (
    <div className="flex flex-col gap-2" data-testid="awaiting-add">
      <p className="text-sm text-ink-muted">
        Add the agent to one of your conversations in Convos by this inbox id before{" "}
        <time dateTime={until.toISOString()}>{until.toISOString().replace("T", " ").slice(0, 16)} UTC</time>;
        otherwise it goes back to the pool.
      </p>
      {/* A data URL made here: nothing for next/image to optimise. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={qr} alt="QR code of the agent's inbox id" width={224} height={224} />
      <code className="break-all rounded-lg bg-canvas px-3 py-2 font-mono text-xs">{inboxId}</code>
      <a href={addLink(inboxId)} className="text-sm text-accent underline">
        Open in Convos
      </a>
    </div>
  );
}
