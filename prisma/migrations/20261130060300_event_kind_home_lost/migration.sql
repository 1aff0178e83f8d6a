-- A worker found an identity's XMTP database gone for good and opened a new installation (home_lost),
-- then a member's commit added that installation back to the conversation (home_recovered): docs/recovery.md.
ALTER TYPE "EventKind" ADD VALUE 'home_lost';
ALTER TYPE "EventKind" ADD VALUE 'home_recovered';
