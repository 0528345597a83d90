// The people screen: search (typo-tolerant, by the core), the record form, proofs seen, the
// eligibility decision with its reasons, overrides, and the needs diagnostic. Every rule is the
// core's: this file only gathers what was typed and shows what the core answers.
import { api, codeOf, messageOf, type AppInfo, type Person, type PersonDecision, type PersonInput } from "./api";
import { $, el, fillSelect, frDate, rowKeys, showError, showStatus } from "./dom";
import { documentRow, offerDocuments } from "./documents";

let info: AppInfo;
let current: Person | null = null;
let editing: number | null = null;
let searchRequest = 0;

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
    const people = await api.peopleSearch(search().value);
    if (request !== searchRequest) return;
    $("person-rows").replaceChildren(
      ...people.map((p) => {
        const tr = el("tr");
        tr.tabIndex = 0;
        tr.dataset.id = String(p.id);
        tr.append(el("td", String(p.id)), el("td", p.last_name), el("td", p.first_name), el("td", frDate(p.birth_date)), el("td", p.phone ?? "—"), el("td", p.household ?? "—"));
        tr.addEventListener("click", () => void openPerson(p.id));
        tr.addEventListener("keydown", (e) => rowKeys(e, tr, search(), () => void openPerson(p.id)));
        return tr;
      }),
    );
  } catch (err) {
    showError(messageOf(err));
  }
}

async function openPerson(id: number) {
  try {
    const person = await api.personShow(id);
    showError(null);
    renderPerson(person);
    await refreshDecision();
  } catch (err) {
    showError(messageOf(err));
  }
}

function renderPerson(p: Person) {
  current = p;
  show("view");
  $("person-name").textContent = `${p.last_name} ${p.first_name}`;
  const publics = p.publics.map((c) => info.people.catalogue.publics[c] ?? c).join(", ") || "—";
  const prescriber = info.people.prescribers.find((t) => t.code === p.prescriber)?.label ?? "—";
  const facts: [string, string][] = [
    ["N° de fiche", String(p.id)],
    ["Naissance", frDate(p.birth_date)],
    ["Téléphone", p.phone ?? "—"],
    ["Commune", [p.postcode, p.commune].filter(Boolean).join(" ") || "—"],
    ["Foyer", p.household ?? "—"],
    ["Prescripteur", prescriber],
    ["Publics", publics],
    ["Information RGPD", p.rgpd_informed_on ? `donnée le ${frDate(p.rgpd_informed_on)}` : "pas encore donnée"],
  ];
  for (const e of p.equipment) facts.push(["Déjà équipé", `${info.vocabulary.kinds.find((k) => k.code === e.kind)?.label ?? e.kind} le ${frDate(e.date)} (${e.source})`]);
  $("person-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
  $("person-proofs").replaceChildren(
    ...(p.proofs.length === 0
      ? [el("li", "Aucun justificatif vu pour l'instant.")]
      : p.proofs.map((x) => el("li", `${info.people.catalogue.proof_kinds[x.kind] ?? x.kind} du ${frDate(x.issued)}, vu par ${x.checked_by}`))),
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
  $("decision-overrides").replaceChildren(
    ...d.overrides.map((o) => el("li", `Dérogation (${o.programme}) par ${o.operator} : ${o.reason}`, "override")),
  );
  $("override-form").hidden = d.decision === "eligible";
}

async function refreshDecision() {
  if (!current) return;
  try {
    const kind = $<HTMLSelectElement>("decision-kind").value || null;
    renderDecision(await api.check(current.id, kind));
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
    const person = await api.personSave(editing, formInput(), force);
    showError(null);
    showStatus(`Fiche n° ${person.id} enregistrée.`);
    renderPerson(person);
    await refreshDecision();
    void refreshSearch();
  } catch (err) {
    showError(messageOf(err));
    // A likely duplicate: the médiateur checks the list, then may confirm.
    $("person-force").hidden = codeOf(err) !== "likely_duplicate";
  }
}

/** RGPD on the person's page: the notice, the export of their data, erasure on request. */
function startPrivacy() {
  $("notice-box").addEventListener("toggle", async () => {
    try {
      $("notice-text").textContent = await api.privacyNotice();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("notice-print").addEventListener("click", () =>
    offerDocuments("Notice d'information (RGPD)", [
      { label: "Imprimer la notice", make: async () => [await api.documentMake("notice", "rgpd", true)] },
    ]),
  );
  $("privacy-export").addEventListener("click", async () => {
    if (!current) return;
    try {
      const made = await api.privacyExport(current.id);
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
      const p = await api.privacyErase(current.id, $<HTMLInputElement>("erase-reason").value);
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
  fillSelect(kinds, [{ code: "", label: "tout appareil" }, ...info.vocabulary.kinds]);
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
      ($("person-rows").firstElementChild as HTMLElement | null)?.focus();
    }
  });
  $("person-search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const first = $("person-rows").firstElementChild as HTMLElement | null;
    if (first) void openPerson(Number(first.dataset.id));
  });
  $("person-new").addEventListener("click", () => openForm(null));
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
      const person = await api.proofAdd(current.id, $<HTMLSelectElement>("proof-kind").value, $<HTMLInputElement>("proof-issued").value);
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
      const person = await api.equipmentAdd(
        current.id,
        $<HTMLSelectElement>("equipment-kind").value,
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
      const kind = $<HTMLSelectElement>("decision-kind").value || null;
      const d = await api.override(current.id, $<HTMLSelectElement>("override-programme").value, $<HTMLInputElement>("override-reason").value, kind);
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
    const duplicate = Number($<HTMLInputElement>("merge-duplicate").value);
    if (!Number.isInteger(duplicate) || duplicate <= 0) {
      showError("Indiquez le numéro de la fiche en double (un nombre).");
      return;
    }
    try {
      const person = await api.personMerge(current.id, duplicate, $<HTMLInputElement>("merge-reason").value);
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
      const advice = await api.advise({
        uses: [...document.querySelectorAll<HTMLInputElement>("#diagnostic-uses input:checked")].map((b) => b.value),
        place: $<HTMLSelectElement>("diagnostic-place").value,
        screen: $<HTMLSelectElement>("diagnostic-screen").value,
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
