// Bringing devices in from the stock screen: a delivery file (chosen with the system's file
// picker, previewed — every error by line and column, or the devices it would add — then
// imported all or nothing) and a device typed by hand (a scanner can fill the tag and the
// serial). The core checks everything; this page only shows what it answered.
import { failureOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { AppInfo } from "./gen/AppInfo";
import type { Preview as DeliveryPreview } from "./gen/Preview";
import type { DeviceDetail } from "./gen/DeviceDetail";
import { $, el, fillSelect, showError, showFailure, showStatus } from "./dom";
import { startRecords } from "./records";

interface Hooks {
  /** The stock changed: the list and the counts are read again. */
  changed: () => void;
  /** Shows a device's page (after it was added by hand). */
  show: (device: DeviceDetail) => void;
  /** Hides the device's page and the empty hint while a panel is open. */
  hideDetail: () => void;
  /** Shows the empty hint again when a panel closes. */
  closed: () => void;
}

const deliveryPanel = $("delivery-panel");
const devicePanel = $("device-panel");
const recordsPanel = $("records-panel");
const deviceForm = $<HTMLFormElement>("device-form");
let chosen: { name: string; bytes: number[] } | null = null;

function frTimestamp(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short" }).format(date);
}

function renderPreview(preview: DeliveryPreview, kinds: Record<string, string>) {
  const summary = $("delivery-summary");
  const confirm = $<HTMLButtonElement>("delivery-confirm");
  $("delivery-errors").replaceChildren(
    ...preview.errors.map((e) =>
      el("li", `Ligne ${e.line}${e.column ? `, colonne « ${e.column} »` : ""} : ${e.message}`),
    ),
  );
  $("delivery-lines").replaceChildren(
    ...preview.to_add.map((d) =>
      el("li", `Ligne ${d.line} — ${d.tag} · ${kinds[d.kind] ?? d.kind} · ${d.brand} ${d.model}${d.identifier ? ` · ${d.identifier}` : ""}`),
    ),
  );
  if (preview.errors.length > 0) {
    summary.textContent = `« ${preview.file_name} » ne peut pas être importé : ${preview.errors.length} erreur(s) à corriger dans le fichier. Rien n'a été enregistré.`;
    confirm.hidden = true;
  } else if (preview.already_imported_at) {
    summary.textContent = `« ${preview.file_name} » a déjà été importé le ${frTimestamp(preview.already_imported_at)} : l'importer de nouveau ne changerait rien.`;
    confirm.hidden = true;
  } else {
    summary.textContent = `« ${preview.file_name} » : ${preview.to_add.length} appareil(s) à ajouter, ${preview.unchanged} déjà présent(s) inchangé(s).`
      + (preview.ignored_columns.length ? ` Colonnes ignorées : ${preview.ignored_columns.join(", ")}.` : "");
    confirm.hidden = preview.to_add.length === 0;
  }
}

export function startIntake(info: AppInfo, hooks: Hooks) {
  const kinds = Object.fromEntries(info.vocabulary.kinds.map((t) => [t.code, t.label]));
  fillSelect(deviceForm.elements.namedItem("kind") as HTMLSelectElement, info.vocabulary.kinds);
  fillSelect(deviceForm.elements.namedItem("category") as HTMLSelectElement, info.vocabulary.categories);
  fillSelect(deviceForm.elements.namedItem("donor_kind") as HTMLSelectElement, info.vocabulary.donor_kinds);

  const openPanel = (panel: HTMLElement) => {
    hooks.hideDetail();
    deliveryPanel.hidden = panel !== deliveryPanel;
    devicePanel.hidden = panel !== devicePanel;
    recordsPanel.hidden = panel !== recordsPanel;
  };
  const closePanels = () => {
    deliveryPanel.hidden = true;
    devicePanel.hidden = true;
    recordsPanel.hidden = true;
    hooks.closed();
  };
  startRecords(openPanel, closePanels, hooks.changed);

  const file = $<HTMLInputElement>("delivery-file");
  file.addEventListener("change", async () => {
    const picked = file.files?.[0];
    file.value = "";
    if (!picked) return;
    try {
      chosen = { name: picked.name, bytes: Array.from(new Uint8Array(await picked.arrayBuffer())) };
      const preview = await commands.delivery_preview(chosen.name, chosen.bytes);
      openPanel(deliveryPanel);
      renderPreview(preview, kinds);
      showError(null);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("delivery-confirm").addEventListener("click", async () => {
    if (!chosen) return;
    try {
      const report = await commands.delivery_import(chosen.name, chosen.bytes);
      $("delivery-summary").textContent = `« ${report.file_name} » importé : ${report.created} appareil(s) ajouté(s), à réceptionner en scannant leur étiquette ; ${report.unchanged} déjà présent(s), inchangé(s).`;
      $("delivery-confirm").hidden = true;
      showStatus(`${report.created} appareil(s) importé(s).`);
      chosen = null;
      hooks.changed();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("delivery-cancel").addEventListener("click", () => {
    chosen = null;
    closePanels();
  });

  $("device-new").addEventListener("click", () => {
    deviceForm.reset();
    $("device-errors").hidden = true;
    openPanel(devicePanel);
    (deviceForm.elements.namedItem("tag") as HTMLInputElement).focus();
  });
  $("device-cancel").addEventListener("click", closePanels);
  deviceForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    for (const [name, value] of new FormData(deviceForm)) {
      if (typeof value === "string" && value.trim() !== "") fields[name] = value.trim();
    }
    try {
      const device = await commands.device_add(fields);
      devicePanel.hidden = true;
      showStatus(`${device.tag} ajouté au stock, réceptionné.`);
      hooks.changed();
      hooks.show(device);
    } catch (err) {
      showFailure(failureOf(err), deviceForm, $("device-errors"));
    }
  });
  // A scanner types the code and Enter: in the tag field, Enter goes to the next field
  // instead of submitting a half-filled form.
  for (const name of ["tag", "serial", "imei"]) {
    (deviceForm.elements.namedItem(name) as HTMLInputElement).addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      const inputs = Array.from(deviceForm.querySelectorAll<HTMLElement>("input, select"));
      inputs[inputs.indexOf(e.target as HTMLElement) + 1]?.focus();
    });
  }
}
