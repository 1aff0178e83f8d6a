/** An action's result in a polite live region: its error in the danger colour, or what `done` makes of its data. */
import type { ReactNode } from "react";
import type { ActionResult } from "@/lib/actions";

export function ActionStatus<T>({
  state,
  done,
  as: Tag = "span",
  className = "text-sm",
  testId,
}: {
  state: ActionResult<T> | null;
  done: (data: T) => ReactNode;
  as?: "span" | "p";
  className?: string;
  testId?: string;
}) {
  return (
    <Tag role="status" aria-live="polite" className={className} data-testid={testId}>
      {state ? (
        state.ok ? (
          done(state.data)
        ) : (
          <span className="text-danger">{state.error.message}</span>
        )
      ) : null}
    </Tag>
  );
}

/** A success message in the success colour. */
export function Success({ message }: { message: string }) {
  return <span className="text-success">{message}</span>;
}
