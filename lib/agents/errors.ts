import { AppError } from "@/lib/errors";

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
