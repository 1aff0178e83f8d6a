import { AppError } from "@/lib/errors";

/** No warm identity is idle right now: the worker is refilling; try again in a moment. */
export class PoolEmptyError extends AppError {
  constructor() {
    super(
      "pool_empty",
      "No agent is ready right now. The pool is refilling: please try again in a few seconds.",
      503,
    );
  }
}
