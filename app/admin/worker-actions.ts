"use server";
/** The admin's drain of a worker (role checked here, not only in the UI). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { setWorkerDraining } from "@/lib/workers/worker-status";
import type { AdminState } from "./actions";

const drainAction = action(
  z.object({ workerId: z.string().min(1).max(200), op: z.enum(["drain", "undrain"]) }),
  async ({ workerId, op }) => {
    if (!(await setWorkerDraining(workerId, op === "drain")))
      throw new AppError("worker_not_found", "No running worker has this id.", 404);
    revalidatePath("/admin");
    return {
      message:
        op === "drain"
          ? "Draining: the worker takes no new agents and hands its agents to the others."
          : "The worker takes agents again.",
    };
  },
  { role: "admin" },
);

/** Drains a worker or ends its drain (form fields `workerId`, `op`: drain | undrain). */
export async function changeWorkerDrain(_state: AdminState, form: FormData): Promise<AdminState> {
  return drainAction(form);
}
