/**
 * Leaving a group as an agent. node-sdk's `requestRemoval()` sends a leave
 * request that the group's admins' clients act on (they remove the member).
 * A super admin may not leave (libxmtp refuses: "super-admin cannot leave a
 * group; must be demoted first"), and a launched agent is its group's only
 * super admin: it first hands the role to one of the people still there (an
 * operator if one is), so the conversation keeps someone who can manage it.
 */
import type { Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import type { LeaveOutcome } from "@/lib/agents/lifecycle";

/** Says `line` (if any) and asks to leave; never throws (a group already gone is fine). */
export async function sayGoodbyeAndLeave(
  group: Group<unknown>,
  selfInboxId: string,
  line: string | null,
  heirs: string[],
  log: Logger,
): Promise<LeaveOutcome> {
  try {
    await group.sync().catch(() => undefined);
    if (!group.isActive) return "gone";
    const others = (await group.members()).map((m) => m.inboxId).filter((id) => id !== selfInboxId);
    if (others.length === 0) return "alone"; // nobody to read a goodbye, nobody to hand the group to
    if (line) await group.sendText(line);
    if (group.isSuperAdmin(selfInboxId)) {
      const heir = heirs.find((id) => others.includes(id)) ?? others[0];
      if (!group.isSuperAdmin(heir)) await group.addSuperAdmin(heir);
      await group.removeSuperAdmin(selfInboxId);
    }
    if (group.isAdmin(selfInboxId)) await group.removeAdmin(selfInboxId);
    await group.requestRemoval();
    return "left";
  } catch (err) {
    log.warn({ err }, "leaving the group failed");
    return "gone";
  }
}
