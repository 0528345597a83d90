// Small DOM helpers shared by the screens.
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

/** Up/down arrows move between table rows; up from the first row goes back to `back`. */
export function rowKeys(e: KeyboardEvent, tr: HTMLElement, back: HTMLElement, open: () => void) {
  if (e.key === "Enter") {
    e.preventDefault();
    open();
  } else if (e.key === "ArrowDown") {
    e.preventDefault();
    (tr.nextElementSibling as HTMLElement | null)?.focus();
  } else if (e.key === "ArrowUp") {
    e.preventDefault();
    ((tr.previousElementSibling as HTMLElement | null) ?? back).focus();
  }
}

/** Cents → "80,00 €" (display only: amounts are computed and checked by the core). */
export function euros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${sign}${whole},${String(abs % 100).padStart(2, "0")} €`;
}

/** "80", "80,5", "80.50 €" → 8050 cents, without floats; null when it is not an amount. */
export function toCents(text: string): number | null {
  const m = text.trim().replace(/\s|€/g, "").match(/^(\d+)(?:[.,](\d{1,2}))?$/);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}
