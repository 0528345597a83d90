// Small DOM helpers shared by the screens.
import type { Failure } from "./gen/Failure";
import type { FieldError } from "./gen/FieldError";
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function showError(message: string | null) {
  const box = $("error");
  box.textContent = message ?? "";
  box.hidden = message === null;
}

export function showStatus(message: string | null) {
  const box = $("status");
  box.textContent = message ?? "";
  box.hidden = message === null;
}

export function fillSelect(select: HTMLSelectElement, terms: { code: string; label: string }[]) {
  for (const term of terms) {
    const option = document.createElement("option");
    option.value = term.code;
    option.textContent = term.label;
    select.append(option);
  }
}

/** "2026-11-22" → "22/11/2026" */
export function frDate(iso: string | null): string {
  if (!iso) return "—";
  const [y, m, d] = iso.split("-");
  return d && m && y ? `${d}/${m}/${y}` : iso;
}

/**
 * A table row that opens something: its first cell is a button (reachable with Tab, read as
 * « bouton » by a screen reader, Entrée or Espace opens); a click anywhere on the row opens
 * too; ↑ ↓ move between the rows' buttons, ↑ from the first goes back to `back`.
 */
export function openableRow(first: string, firstClass: string | undefined, label: string, back: () => HTMLElement, open: () => void) {
  const tr = el("tr");
  const td = el("td", undefined, firstClass);
  const button = el("button", first, "row-open");
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.addEventListener("click", (e) => {
    e.stopPropagation();
    open();
  });
  button.addEventListener("keydown", (e) => {
    const sibling = (row: Element | null) => row?.querySelector<HTMLElement>("button.row-open") ?? null;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      sibling(tr.nextElementSibling)?.focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      (sibling(tr.previousElementSibling) ?? back()).focus();
    }
  });
  td.append(button);
  tr.append(td);
  tr.addEventListener("click", open);
  return tr;
}

/** The first row's button of a table body (↓ from a search box goes there). */
export function firstRowButton(body: HTMLElement): HTMLElement | null {
  return body.querySelector<HTMLElement>("tr button.row-open");
}

/** Clears what `showFailure` put on a form: the messages beside fields, `aria-invalid`. */
export function clearFailure(form: HTMLElement) {
  for (const note of form.querySelectorAll(".field-error")) note.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

/**
 * Puts each message beside its field in `scope` (`name` or `data-field` equal to the core's
 * field), with `aria-invalid` and `aria-describedby`, after clearing the previous ones.
 * Returns the messages that name no field there, and the first field marked. Moves no focus.
 */
export function markFields(scope: HTMLElement, fields: FieldError[]): { unplaced: string[]; first: HTMLElement | null } {
  clearFailure(scope);
  const unplaced: string[] = [];
  let first: HTMLElement | null = null;
  for (const problem of fields) {
    const input = scope.querySelector<HTMLElement>(`[name="${problem.field}"], [data-field="${problem.field}"]`);
    if (!input) {
      unplaced.push(problem.message);
      continue;
    }
    const note = el("span", problem.message, "field-error");
    note.id = `${scope.id || "form"}-error-${problem.field.replace(/[^a-z0-9]/gi, "-")}`;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    (input.closest("label") ?? input).after(note);
    first ??= input;
  }
  return { unplaced, first };
}

/**
 * Shows a failure where it belongs: each field's message beside its field (`name` or
 * `data-field` equal to the core's field), with `aria-invalid` and `aria-describedby`, the
 * focus on the first; the banner only for what belongs to no field of this form. The form
 * keeps everything typed.
 */
export function showFailure(failure: Failure, form: HTMLElement | null, banner?: HTMLElement) {
  const { unplaced, first } = form ? markFields(form, failure.fields) : { unplaced: failure.fields.map((f) => f.message), first: null };
  const rest = failure.fields.length === 0 ? failure.message : unplaced.length ? unplaced.join("\n") : null;
  if (banner) {
    banner.textContent = rest ?? "";
    banner.hidden = rest === null;
  } else {
    showError(rest);
  }
  first?.focus();
}
