// The people screen: search (typo-tolerant, by the core), the record form, proofs seen, the
// eligibility decision with its reasons, overrides, and the needs diagnostic. Every rule is the
// core's: this file only gathers what was typed and shows what the core answers.
import { codeOf, failureOf, messageOf } from "./api";
import type { DeviceKind } from "./gen/DeviceKind";
import type { Place } from "./gen/Place";
import type { ScreenWish } from "./gen/ScreenWish";
import type { Use } from "./gen/Use";
import type { PersonPage } from "./gen/PersonPage";
import type { PersonSummary } from "./gen/PersonSummary";
import * as commands from "./gen/commands";
import type { AppInfo } from "./gen/AppInfo";
import type { Person } from "./gen/Person";
import type { PersonDecision } from "./gen/PersonDecision";
import type { PersonInput } from "./gen/PersonInput";
import { $, clearFailure, el, fillSelect, frDate, firstRowButton, openableRow, showError, showFailure, showStatus } from "./dom";
import { documentRow, offerDocuments } from "./documents";

let info: AppInfo;
let current: PersonPage | null = null;
let editing: number | null = null;
let searchRequest = 0;
// The people the list shows, in its order (Entrée opens the first).
let shown: PersonSummary[] = [];

const search = () => $<HTMLInputElement>("person-search");
const form = () => $<HTMLFormElement>("person-form");

export function focusPeople() {
  search().focus();
  search().select();
}

function show(part: "empty" | "form" | "view") {
  $("person-empty").hidden = part !== "empty";
  form().hidden = part !== "form";
  $("person-view").hidden = part !== "view";
}

async function refreshSearch() {
  const request = ++searchRequest;
  try {
    const people = await commands.people_search(search().value);
    if (request !== searchRequest) return;
    shown = people;
    // Nothing to show: say what to do next.
    const text = search().value.trim();
    $("people-empty").hidden = people.length > 0;
    $("people-table").hidden = people.length === 0;
    $("people-empty-text").textContent = text
      ? `Personne ne correspond à « ${text} ». Vérifiez l'orthographe, ou créez sa fiche :`
      : "Aucune personne n'est enregistrée. Créez la fiche de la première personne accueillie :";
    $("person-rows").replaceChildren(
      ...people.map((p) => {
        const tr = openableRow(String(p.id), undefined, `Ouvrir la fiche n° ${p.id}, ${p.last_name} ${p.first_name}`, search, () => void openPerson(p.id));
        tr.append(el("td", p.last_name), el("td", p.first_name), el("td", frDate(p.birth_date)), el("td", p.phone ?? "—"), el("td", p.household ?? "—"));
        return tr;
      }),
    );
  } catch (err) {
    showError(messageOf(err));
  }
}

async function openPerson(id: number) {
  try {
    const person = await commands.person_show(id);
    showError(null);
    renderPerson(person);
    await refreshDecision();
  } catch (err) {
    showError(messageOf(err));
  }
}

function renderPerson(p: PersonPage) {
  current = p;
  show("view");
  $("person-name").textContent = `${p.last_name} ${p.first_name}`;
  // The facts, the proofs and the equipment as the core words them.
  $("person-facts").replaceChildren(...p.facts.flatMap((f) => [el("dt", f.label), el("dd", f.value)]));
  $("person-equipment").replaceChildren(
    ...(p.equipment_lines.length === 0
      ? [el("li", "Aucun équipement reçu pour l'instant.")]
      : p.equipment_lines.map((e) => el("li", e.text, e.cancelled_by ? "cancelled" : undefined))),
  );
  $("person-proofs").replaceChildren(
    ...(p.proof_lines.length === 0 ? [el("li", "Aucun justificatif vu pour l'instant.")] : p.proof_lines.map((l) => el("li", l))),
  );
}

function renderDecision(d: PersonDecision) {
  const verdict = $("decision-verdict");
  verdict.textContent = d.label;
  verdict.className = `verdict verdict-${d.decision}`;
  $("decision-reasons").replaceChildren(...d.reasons.map((r) => {
    const li = el("li", r.message);
    li.dataset.code = r.code;
    return li;
  }));
  // Asked without a kind: the verdict for each kind (a limit on laptops leaves a phone).
  $("decision-kinds").replaceChildren(
    ...d.by_kind.map((k) => {
      const li = el("li", `${k.kind_label} : ${k.label}${k.reasons.length ? ` — ${k.reasons.map((r) => r.message).join(" ")}` : ""}`);
      li.className = `verdict-${k.verdict}`;
      return li;
    }),
  );
  $("decision-kinds").hidden = d.by_kind.length === 0;
  $("decision-kinds-title").hidden = d.by_kind.length === 0;
  $("decision-overrides").replaceChildren(...d.override_lines.map((o) => el("li", o, "override")));
  $("override-form").hidden = d.decision === "eligible";
}

async function refreshDecision() {
  if (!current) return;
  try {
    const kind = ($<HTMLSelectElement>("decision-kind").value || null) as DeviceKind | null;
    renderDecision(await commands.eligibility_check(current.id, kind));
  } catch (err) {
    $("decision-verdict").textContent = "";
    $("decision-reasons").replaceChildren();
    showError(messageOf(err));
  }
}

function openForm(person: Person | null) {
  editing = person?.id ?? null;
  const f = form();
  f.reset();
  $("person-force").hidden = true;
  $("person-form-title").textContent = person ? `Modifier la fiche n° ${person.id}` : "Nouvelle personne";
  if (person) {
    for (const name of ["last_name", "first_name", "birth_date", "phone", "email", "postcode", "commune", "household", "prescriber", "notes"] as const) {
      (f.elements.namedItem(name) as HTMLInputElement).value = (person[name as keyof Person] as string | null) ?? "";
    }
    for (const box of f.querySelectorAll<HTMLInputElement>("#person-publics input")) box.checked = person.publics.includes(box.value);
    (f.elements.namedItem("rgpd") as HTMLInputElement).checked = person.rgpd_informed_on !== null;
  }
  show("form");
  (f.elements.namedItem("last_name") as HTMLInputElement).focus();
}

function formInput(): PersonInput {
  const f = form();
  const value = (name: string) => ((f.elements.namedItem(name) as HTMLInputElement).value.trim() || null);
  const rgpd = (f.elements.namedItem("rgpd") as HTMLInputElement).checked;
  return {
    last_name: value("last_name") ?? "",
    first_name: value("first_name") ?? "",
    birth_date: value("birth_date"),
    phone: value("phone"),
    email: value("email"),
    postcode: value("postcode"),
    commune: value("commune"),
    household: value("household"),
    prescriber: value("prescriber"),
    publics: [...f.querySelectorAll<HTMLInputElement>("#person-publics input:checked")].map((b) => b.value),
    rgpd_informed_on: rgpd ? current?.rgpd_informed_on ?? info.today : null,
    notes: value("notes"),
  };
}

async function save(force: boolean) {
  try {
    const person = await commands.person_save(editing, formInput(), force);
    clearFailure(form());
    showError(null);
    showStatus(`Fiche n° ${person.id} enregistrée.`);
    renderPerson(person);
    await refreshDecision();
    void refreshSearch();
  } catch (err) {
    showFailure(failureOf(err), form());
    // A likely duplicate: the médiateur checks the list, then may confirm.
    $("person-force").hidden = codeOf(err) !== "likely_duplicate";
  }
}

/** RGPD on the person's page: the notice, the export of their data, erasure on request. */
function startPrivacy() {
  $("notice-box").addEventListener("toggle", async () => {
    try {
      $("notice-text").textContent = await commands.privacy_notice();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("notice-print").addEventListener("click", () =>
    offerDocuments("Notice d'information (RGPD)", [
      { label: "Imprimer la notice", make: async () => [await commands.document_make("notice", "rgpd", null, true)] },
    ]),
  );
  $("privacy-export").addEventListener("click", async () => {
    if (!current) return;
    try {
      const made = await commands.privacy_export(current.id);
      $("privacy-docs").replaceChildren(...made.map(documentRow));
      showError(null);
      showStatus(`Données de la fiche n° ${current.id} exportées (PDF lisible et JSON).`);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("erase-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    try {
      const p = await commands.privacy_erase(current.id, $<HTMLInputElement>("erase-reason").value);
      $<HTMLInputElement>("erase-reason").value = "";
      renderPerson(p);
      showError(null);
      showStatus(`Fiche n° ${p.id} anonymisée : nom et coordonnées effacés, achats conservés sans nom.`);
    } catch (err) {
      showError(messageOf(err));
    }
  });
}

export function startPeople(appInfo: AppInfo) {
  info = appInfo;
  startPrivacy();
  if (info.programmes_error) showError(info.programmes_error.message);
  const publics = $("person-publics");
  for (const [code, label] of Object.entries(info.people.catalogue.publics)) {
    const box = el("input");
    box.type = "checkbox";
    box.value = code;
    const lab = el("label", undefined, "check");
    lab.append(box, ` ${label}`);
    publics.append(lab);
  }
  fillSelect($("person-prescriber"), info.people.prescribers);
  fillSelect($("proof-kind"), Object.entries(info.people.catalogue.proof_kinds).map(([code, label]) => ({ code, label })));
  fillSelect($("override-programme"), info.people.programmes);
  const kinds = $<HTMLSelectElement>("decision-kind");
  fillSelect(kinds, [{ code: "", label: "chaque type d'appareil" }, ...info.vocabulary.kinds]);
  kinds.value = "laptop";
  kinds.addEventListener("change", () => void refreshDecision());
  for (const use of info.people.uses) {
    const box = el("input");
    box.type = "checkbox";
    box.value = use.code;
    const lab = el("label", undefined, "check");
    lab.append(box, ` ${use.label}`);
    $("diagnostic-uses").append(lab);
  }
  fillSelect($("diagnostic-place"), info.people.places);
  fillSelect($("diagnostic-screen"), info.people.screens);
  $<HTMLInputElement>("proof-issued").max = info.today;

  let debounce: number | undefined;
  search().addEventListener("input", () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => void refreshSearch(), 120);
  });
  search().addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      firstRowButton($("person-rows"))?.focus();
    }
  });
  $("person-search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const first = $("person-rows").firstElementChild as HTMLElement | null;
    if (first && shown.length) void openPerson(shown[0].id);
  });
  $("person-new").addEventListener("click", () => openForm(null));
  $("people-empty-new").addEventListener("click", () => openForm(null));
  $("person-edit").addEventListener("click", () => current && openForm(current));
  $("person-cancel").addEventListener("click", () => show(current ? "view" : "empty"));
  form().addEventListener("submit", (e) => {
    e.preventDefault();
    void save(false);
  });
  $("person-force").addEventListener("click", () => void save(true));
  $("proof-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    try {
      const person = await commands.proof_add(current.id, $<HTMLSelectElement>("proof-kind").value, $<HTMLInputElement>("proof-issued").value);
      showError(null);
      renderPerson(person);
      await refreshDecision();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  fillSelect($("equipment-kind"), info.vocabulary.kinds);
  $("equipment-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    try {
      const person = await commands.equipment_add(
        current.id,
        $<HTMLSelectElement>("equipment-kind").value as DeviceKind,
        $<HTMLInputElement>("equipment-date").value,
        $<HTMLInputElement>("equipment-source").value,
      );
      showError(null);
      showStatus("Équipement enregistré : la décision en tient compte.");
      renderPerson(person);
      // Its effect on the household's limit: the decision for that kind, read again.
      $<HTMLSelectElement>("decision-kind").value = $<HTMLSelectElement>("equipment-kind").value;
      await refreshDecision();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("override-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    try {
      const kind = ($<HTMLSelectElement>("decision-kind").value || null) as DeviceKind | null;
      const d = await commands.eligibility_override(current.id, $<HTMLSelectElement>("override-programme").value, $<HTMLInputElement>("override-reason").value, kind);
      showError(null);
      showStatus("Dérogation enregistrée.");
      renderDecision(d);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("merge-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    const duplicate = $<HTMLInputElement>("merge-duplicate").value;
    try {
      const person = await commands.person_merge(current.id, duplicate, $<HTMLInputElement>("merge-reason").value);
      showError(null);
      showStatus(`Fiche n° ${duplicate} fusionnée dans la fiche n° ${person.id}.`);
      renderPerson(person);
      await refreshDecision();
      void refreshSearch();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("diagnostic-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const advice = await commands.diagnostic_advise({
        uses: [...document.querySelectorAll<HTMLInputElement>("#diagnostic-uses input:checked")].map((b) => b.value as Use),
        place: $<HTMLSelectElement>("diagnostic-place").value as Place,
        screen: $<HTMLSelectElement>("diagnostic-screen").value as ScreenWish,
        first_device: $<HTMLInputElement>("diagnostic-first").checked,
      });
      const kindLabel = (code: string) => info.vocabulary.kinds.find((k) => k.code === code)?.label ?? code;
      $("diagnostic-suggestions").replaceChildren(
        ...advice.suggestions.map((s) => el("li", `${kindLabel(s.kind)} (catégories ${s.categories.join(", ")}) : ${s.why.join(" ; ")}`)),
      );
      $("diagnostic-devices").replaceChildren(
        ...(advice.devices.length === 0
          ? [el("li", "Aucun appareil correspondant en stock pour l'instant.")]
          : advice.devices.map((d) => el("li", `${d.tag} — ${d.brand} ${d.model} (${d.category ?? "—"})`))),
      );
    } catch (err) {
      showError(messageOf(err));
    }
  });
  show("empty");
  void refreshSearch();
}
