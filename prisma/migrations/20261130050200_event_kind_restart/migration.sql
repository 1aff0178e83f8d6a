-- The run command records each restart of a part (the worker, the local XMTP node) as an event.
ALTER TYPE "EventKind" ADD VALUE 'restart';
