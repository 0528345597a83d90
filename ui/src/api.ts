// What a command threw, read: the core's `Failure` (ui/src/gen/Failure.ts): a code from the
// core's `Code` enum, the French message, and for a form each field's message. The calls
// themselves are generated (ui/src/gen/commands.ts) from the window's commands.
import type { Code } from "./gen/Code";
import type { Failure } from "./gen/Failure";

/** The failure a command threw (the shell's own `Failure`), or one made of whatever it was. */
export function failureOf(err: unknown): Failure {
  if (err && typeof err === "object" && "code" in err && "message" in err) {
    const f = err as Partial<Failure>;
    return { code: f.code as Code, message: String(f.message), fields: f.fields ?? [] };
  }
  return { code: "internal", message: String(err), fields: [] };
}

/** A readable French message from whatever a command threw. */
export function messageOf(err: unknown): string {
  const failure = failureOf(err);
  // The core refused an act because nobody is at the desk: the lock dialog comes up.
  if (failure.code === "desk_locked") window.dispatchEvent(new CustomEvent("desk-locked"));
  return failure.message;
}

export function codeOf(err: unknown): Code | null {
  return err && typeof err === "object" && "code" in err ? failureOf(err).code : null;
}
