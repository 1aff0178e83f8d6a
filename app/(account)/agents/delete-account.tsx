/** My agents' "Your account": delete it, with every agent, for good. */
import Link from "next/link";
import { DeleteButton } from "./delete-button";
import { deleteMyAccount } from "./privacy-actions";

export function DeleteAccount() {
  return (
    <section
      aria-labelledby="account-title"
      className="mt-4 flex flex-col gap-3 rounded-card border border-line bg-surface p-5 text-sm"
    >
      <h2 id="account-title" className="text-sm font-semibold uppercase tracking-wide text-ink-muted">
        Your account
      </h2>
      <p className="text-ink-muted">
        Deleting your account stops each of your agents, which leave their conversations, then erases them and
        your account. Download an agent&apos;s data from its page first if you want to keep it.{" "}
        <Link href="/privacy" className="text-accent underline">
          What we store
        </Link>
      </p>
      <DeleteButton
        action={deleteMyAccount}
        fields={{ confirm: "delete" }}
        label="Delete my account"
        confirm="Delete your account and all your agents for good? This cannot be undone."
      />
    </section>
  );
}
