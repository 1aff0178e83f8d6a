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

/** This invite was already claimed into an agent: one invite never yields two agents. */
export class AlreadyJoinedError extends AppError {
  constructor() {
    super(
      "already_joined",
      "An agent has already joined (or is joining) the conversation of this invite.",
      409,
    );
  }
}
