// The centre's settings: who sells, where families get help, how documents are printed. The
// core checks every field (a SIRET's key, a phone, a web address) and names the ones refused.
import { failureOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { CentreInput } from "./gen/CentreInput";
import type { CentreView } from "./gen/CentreView";
import type { ProgrammeInfo } from "./gen/ProgrammeInfo";
import type { RegisterView } from "./gen/RegisterView";
import { $, clearFailure, el, fillSelect, showError, showFailure, showStatus } from "./dom";

const form = () => $<HTMLFormElement>("centre-form");

function field(name: keyof CentreInput): HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  return form().elements.namedItem(name) as HTMLInputElement;
}

type TextField = Exclude<keyof CentreInput, "vat_rates">;
const FIELDS: TextField[] = [
  "name", "address", "siret", "tax_status", "vat_mention", "help_phone", "help_email", "help_hours", "help_url", "printer", "paper",
];

/** The statuses and the kinds of items, as the core names them (filled once). */
function renderTaxChoices(view: CentreView) {
  const status = $<HTMLSelectElement>("centre-tax-status");
  if (status.options.length === 0) {
    fillSelect(status, [{ code: "", label: "— à choisir —" }, ...view.tax_statuses]);
  }
  const rates = $("vat-rates");
  if (rates.children.length === 0) {
    rates.replaceChildren(
      ...view.item_kinds.map((kind) => {
        const label = el("label", `${kind.label} (%) `);
        const input = document.createElement("input");
        input.dataset.kind = kind.code;
        input.inputMode = "decimal";
        label.append(input);
        return label;
      }),
    );
  }
  for (const input of rates.querySelectorAll<HTMLInputElement>("input[data-kind]")) {
    input.value = view.form.vat_rates[input.dataset.kind ?? ""] ?? "";
  }
}

function rateInputs(): Record<string, string> {
  return Object.fromEntries(
    [...$("vat-rates").querySelectorAll<HTMLInputElement>("input[data-kind]")].map((i) => [i.dataset.kind ?? "", i.value]),
  );
}

/** The core's question while no tax status is chosen, on every screen until it is. */
export function renderTaxAsk(view: CentreView) {
  $("tax-banner").hidden = view.ask === null;
  $("tax-ask").textContent = view.ask ?? "";
}

function render(view: CentreView) {
  renderTaxChoices(view);
  renderTaxAsk(view);
  for (const name of FIELDS) {
    if (name !== "printer") field(name).value = view.form[name];
  }
  const waiting = $("centre-waiting");
  waiting.hidden = view.waiting.length === 0;
  waiting.textContent = `${view.waiting.length} document(s) en attente de ces réglages (ils s'impriment dès qu'ils sont complets) : ${view.waiting.join(", ")}.`;
  const printer = $<HTMLSelectElement>("centre-printer");
  if (view.form.printer && ![...printer.options].some((o) => o.value === view.form.printer)) {
    fillSelect(printer, [{ code: view.form.printer, label: `${view.form.printer} (absente de ce poste)` }]);
  }
  printer.value = view.form.printer;
  $("logo-state").textContent = view.settings.has_logo ? "Un logo est imprimé en haut des documents." : "Aucun logo.";
  $("logo-remove").hidden = !view.settings.has_logo;
  $("centre-missing").replaceChildren(
    ...(view.missing.length ? view.missing.map((m) => el("li", m)) : [el("li", "Rien : les documents sont complets.")]),
  );
}

async function loadPrinters() {
  const select = $<HTMLSelectElement>("centre-printer");
  select.replaceChildren();
  fillSelect(select, [{ code: "", label: "Imprimante par défaut du système" }]);
  try {
    const printers = await commands.printers_list();
    fillSelect(select, printers.map((p) => ({ code: p.name, label: p.name + (p.is_default ? " (par défaut)" : "") })));
  } catch (err) {
    // No print system: say so, the rest of the screen still works.
    fillSelect(select, [{ code: "", label: "(aucune imprimante trouvée)" }]);
    showStatus(messageOf(err));
  }
}

async function renderPrivacy(months: string | null) {
  const view = await commands.privacy_register(months);
  $<HTMLInputElement>("retention-months").value = String(view.retention_months);
  $("register-rows").replaceChildren(
    ...view.register.map((r) => {
      const tr = el("tr");
      tr.append(el("td", r.data), el("td", r.fields), el("td", r.purpose), el("td", r.retention));
      return tr;
    }),
  );
}

/** The form's fields, disabled while the stored settings load (the core answers off the
 * window's thread): what a person types is never overwritten by a late answer. */
function setLoading(loading: boolean) {
  for (const element of Array.from(form().elements)) {
    (element as HTMLInputElement).disabled = loading;
  }
  form().setAttribute("aria-busy", String(loading));
}

export async function focusSettings() {
  setLoading(true);
  try {
    await loadPrinters();
    render(await commands.centre_show());
    const register = await commands.register_show();
    renderRegister(register);
    renderProgrammes(await commands.programmes_show());
    $<HTMLSelectElement>("fiscal-month").value = String(register.fiscal_year_first_month);
    // Read from the database: what is chosen now is not overwritten by a late answer.
    $("fiscal-form").dataset.loaded = "true";
    await renderPrivacy(null);
  } catch (err) {
    showError(messageOf(err));
  } finally {
    setLoading(false);
  }
  // The first field, unless the person already went to another one while this loaded (the
  // focus is never taken from what is being typed).
  const active = document.activeElement;
  if (!active || active === document.body || !active.closest("#view-settings")) {
    (field("name") as HTMLInputElement).focus();
  }
}

function renderProgrammes(list: ProgrammeInfo[]) {
  const fr = (iso: string) => iso.split("-").reverse().join("/");
  $("programmes-list").replaceChildren(
    ...list.map((p) => {
      const li = el("li", `${p.name} (${p.funder}) — du ${fr(p.start)}${p.end ? ` au ${fr(p.end)}` : ""} — ${p.origin_label}${p.file ? ` : ${p.file}` : ""}${p.active ? "" : " — pas en cours"}`);
      li.dataset.id = p.id;
      return li;
    }),
  );
}

function renderRegister(view: RegisterView) {
  $<HTMLInputElement>("register-centre").value = view.centre_code;
  $<HTMLInputElement>("register-code").value = view.register_code;
  $<HTMLInputElement>("register-centre").disabled = !view.changeable;
  $<HTMLInputElement>("register-code").disabled = !view.changeable;
  ($("register-form").querySelector("button") as HTMLButtonElement).disabled = !view.changeable;
  $("register-state").textContent = view.changeable
    ? `Les tickets de ce poste seront numérotés ${view.centre_code}-${view.register_code}-AAAA-000001… Chaque poste du centre a son propre code de caisse.`
    : `Les tickets de ce poste sont numérotés ${view.centre_code}-${view.register_code}-… : des ventes existent, ces codes ne peuvent plus changer.`;
}

export function startSettings(papers: { code: string; label: string }[]) {
  fillSelect($("centre-paper"), papers);
  const months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
  fillSelect($("fiscal-month"), months.map((m, i) => ({ code: String(i + 1), label: m })));
  $("fiscal-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const view = await commands.fiscal_year_save($<HTMLSelectElement>("fiscal-month").value);
      $<HTMLSelectElement>("fiscal-month").value = String(view.fiscal_year_first_month);
      showError(null);
      showStatus("Premier mois de l'exercice enregistré.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $<HTMLInputElement>("programme-file").addEventListener("change", async (e) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      renderProgrammes(await commands.programme_install(file.name, await file.text()));
      showError(null);
      showStatus(`« ${file.name} » installé.`);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("register-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      renderRegister(await commands.register_save($<HTMLInputElement>("register-centre").value, $<HTMLInputElement>("register-code").value));
      showError(null);
      showStatus("Codes de caisse enregistrés.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  form().addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = {
      ...Object.fromEntries(FIELDS.map((name) => [name, field(name).value])),
      vat_rates: rateInputs(),
    } as unknown as CentreInput;
    try {
      const view = await commands.centre_save(input);
      render(view);
      clearFailure(form());
      showError(null);
      const issued = view.issued.map((m) => `${m.title} (${m.printed ? "imprimé" : m.print_error?.message ?? "gardé"})`);
      showStatus(issued.length ? `Réglages enregistrés. Émis : ${issued.join(" ; ")}.` : "Réglages enregistrés.");
    } catch (err) {
      showFailure(failureOf(err), form());
    }
  });
  $<HTMLInputElement>("logo-file").addEventListener("change", async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
      render(await commands.centre_logo(bytes));
      showError(null);
      showStatus("Logo enregistré.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("retention-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await renderPrivacy($<HTMLInputElement>("retention-months").value);
      showError(null);
      showStatus("Durée de conservation enregistrée.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("purge-preview").addEventListener("click", async () => {
    try {
      const r = await commands.privacy_purge(true);
      $("purge-result").textContent = `${r.people.length} fiche(s) sans contact depuis le ${r.cutoff.split("-").reverse().join("/")} : elles seront anonymisées au prochain démarrage.`;
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("logo-remove").addEventListener("click", async () => {
    try {
      render(await commands.centre_logo(null));
      showStatus("Logo retiré.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
}
