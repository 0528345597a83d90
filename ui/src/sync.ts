// The sync status, always in the top bar (last success, events waiting, last error in French),
// and the hub's settings: address, centre, token (to the keyring), « Tester la connexion »,
// « Synchroniser maintenant ». The core does the work and says what went wrong.
import { messageOf } from "./api";
import * as commands from "./gen/commands";
import type { RoundReport } from "./gen/RoundReport";
import type { SyncStatus } from "./gen/SyncStatus";
import { $, el, showError, showStatus } from "./dom";

const when = (at: string | null) => (at ? new Date(at).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" }) : "jamais");

let configured = false;

/** Whether a hub is set (the empty stock offers « Synchroniser » then). */
export const hubConfigured = () => configured;

function renderBar(s: SyncStatus) {
  configured = s.configured !== null;
  window.dispatchEvent(new CustomEvent("sync-status"));
  const bar = $("sync");
  bar.classList.remove("sync-ok", "sync-error", "sync-off");
  if (!s.configured) {
    bar.textContent = "Hub : non configuré";
    bar.classList.add("sync-off");
    bar.title = "Ce poste travaille seul. Réglages › Hub du réseau pour le relier.";
    return;
  }
  const waiting = s.waiting > 0 ? ` · ${s.waiting} en attente` : "";
  if (s.journal_behind) {
    bar.textContent = `Restauration à déclarer${waiting}`;
    bar.classList.add("sync-error");
    bar.title = s.journal_behind;
  } else if (s.register_clash) {
    bar.textContent = `Code de caisse en double${waiting}`;
    bar.classList.add("sync-error");
    bar.title = s.register_clash;
  } else if (s.open_conflicts > 0) {
    bar.textContent = `${s.open_conflicts} conflit(s) à régler${waiting}`;
    bar.classList.add("sync-error");
    bar.title = "Le hub signale un conflit (un appareil vendu deux fois…) : Réglages › Hub du réseau dit quoi faire.";
  } else if (s.last_error) {
    bar.textContent = `Synchro en échec${waiting}`;
    bar.classList.add("sync-error");
    bar.title = `${s.last_error}\nDernier succès : ${when(s.last_success)}`;
  } else {
    bar.textContent = `Synchro ${when(s.last_success)}${waiting}`;
    bar.classList.add("sync-ok");
    bar.title = `Hub ${s.configured.url}, centre ${s.configured.centre}`;
  }
}

function renderPanel(s: SyncStatus) {
  const form = $<HTMLFormElement>("hub-form");
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  if (s.configured && document.activeElement?.closest("#hub-form") == null) {
    field("url").value = s.configured.url;
    field("centre").value = s.configured.centre;
  }
  const facts: [string, string][] = [
    ["Dernier succès", when(s.last_success)],
    ["En attente d'envoi", String(s.waiting)],
    ["Dernière erreur", s.last_error ?? "aucune"],
  ];
  $("hub-status").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
  const warnings = s.register_clash ? [el("li", s.register_clash, "doc-error")] : [];
  $("hub-conflicts").replaceChildren(
    ...warnings,
    ...s.conflicts.map((c) =>
      c.closed_at
        ? el("li", `${when(c.at)} — ${c.message} Réglé le ${when(c.closed_at)} : ${c.closed_how ?? ""}.`, "muted")
        : el("li", `${when(c.at)} — ${c.message}`, "doc-error"),
    ),
  );
}

export async function refreshSync() {
  try {
    const s = await commands.sync_status();
    renderBar(s);
    renderPanel(s);
  } catch (err) {
    $("sync").textContent = "Hub : état illisible";
    $("sync").title = messageOf(err);
  }
}

function reportText(r: RoundReport): string {
  const parts = [`${r.pushed} événement(s) envoyé(s)`, `${r.pulled} changement(s) reçu(s)`];
  if (r.allocated) parts.push(`${r.allocated} appareil(s) attribué(s)`);
  if (r.recalled) parts.push(`${r.recalled} rappelé(s)`);
  if (r.programmes) parts.push(`${r.programmes} programme(s)`);
  if (r.conflicts_reported + r.new_conflicts) parts.push(`${r.conflicts_reported + r.new_conflicts} conflit(s) : voir Réglages`);
  return `Synchronisation réussie : ${parts.join(", ")}.`;
}

export async function syncNow() {
  const button = $<HTMLButtonElement>("hub-sync");
  button.disabled = true;
  $("sync").textContent = "Synchronisation…";
  try {
    showStatus(reportText(await commands.sync_now()));
    showError(null);
  } catch (err) {
    showError(messageOf(err));
  }
  button.disabled = false;
  await refreshSync();
}

export function startSync(openSettings: () => void) {
  $("sync").addEventListener("click", openSettings);
  const form = $<HTMLFormElement>("hub-form");
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const token = field("token").value.trim();
      renderPanel(await commands.hub_save(field("url").value, field("centre").value, token || null));
      field("token").value = "";
      showError(null);
      showStatus("Hub enregistré" + (token ? " ; jeton rangé dans le trousseau du système." : "."));
      await refreshSync();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("hub-test").addEventListener("click", async () => {
    try {
      const h = await commands.hub_test();
      showError(null);
      showStatus(`Connexion réussie : hub ${h.hub_id} (API ${h.version}), jeton accepté.`);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("hub-sync").addEventListener("click", () => void syncNow());
  void refreshSync();
  setInterval(() => void refreshSync(), 20_000);
}
