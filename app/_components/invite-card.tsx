import { CopyButton } from "./copy-button";

/**
 * An invite to a conversation: its QR code (a PNG from the owner-only route of
 * lib/qr's inviteQrPath), the URL with a copy button, and an "Open in Convos"
 * link (the invite URL itself: the Convos app handles it).
 */
export function InviteCard({
  id,
  url,
  qrSrc,
  name,
}: {
  id: string;
  url: string;
  qrSrc: string;
  name: string;
}) {
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-start" data-testid="invite">
      {/* A private PNG made on request: nothing for next/image to optimize or cache. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img
        src={qrSrc}
        alt={`QR code of the invite to ${name}'s conversation`}
        width={224}
        height={224}
        className="size-56 shrink-0 rounded-lg border border-line"
      />
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <label htmlFor={`invite-${id}`} className="text-sm font-medium">
          Invite link
        </label>
        <input
          id={`invite-${id}`}
          readOnly
          value={url}
          className="w-full rounded-lg border border-line bg-canvas px-3 py-2 font-mono text-xs"
        />
        <div className="flex flex-wrap items-center gap-2">
          <CopyButton text={url} label="Copy invite link">
            Copy invite
          </CopyButton>
          <a
            href={url}
            className="rounded-lg bg-accent px-3 py-2 text-sm font-medium text-accent-ink hover:opacity-90"
          >
            Open in Convos
          </a>
        </div>
      </div>
    </div>
  );
}
