// Who is at the desk: the quick switch between profiles with their PIN (and the lock at start
// when profiles exist), and the profiles in Réglages. The core checks the PIN and the role.
import { failureOf, messageOf } from "./api";
import type { Role } from "./gen/Role";
import * as commands from "./gen/commands";
import type { DeskView as Desk } from "./gen/DeskView";
import { $, el, fillSelect, showError, showFailure, showStatus } from "./dom";

let desk: Desk | null = null;
const dialog = () => $<HTMLDialogElement>("desk-dialog");

function render(d: Desk) {
  desk = d;
  $("who").textContent = d.locked ? "Poste verrouillé" : `Poste : ${d.current}`;
  $("desk-lock").hidden = d.locked || d.profiles.every((p) => !p.active);
  $<HTMLInputElement>("idle-minutes").value = String(d.idle_minutes);
  fillSelect($<HTMLSelectElement>("reset-name"), d.profiles.filter((p) => p.active).map((p) => ({ code: p.name, label: p.name })));
  const select = $<HTMLSelectElement>("desk-name");
  select.replaceChildren();
  fillSelect(select, d.profiles.filter((p) => p.active).map((p) => ({ code: p.name, label: p.name })));
  const role = (code: string) => d.roles.find((r) => r.code === code)?.label ?? code;
  $("operators-list").replaceChildren(
    ...d.profiles.map((p) => {
      const li = el("li", `${p.name} — ${role(p.role)}${p.active ? "" : " (désactivé)"}`);
      if (p.active) {
        const b = el("button", "Désactiver", "secondary");
        b.type = "button";
        b.addEventListener("click", async () => {
          try {
            render(await commands.operator_disable(p.name));
            showError(null);
          } catch (err) {
            showError(messageOf(err));
          }
        });
        li.append(" ", b);
      }
      return li;
    }),
  );
  if (d.locked && !dialog().open) openDialog(true);
}

function openDialog(locked: boolean) {
  $("desk-error").textContent = "";
  $<HTMLInputElement>("desk-pin").value = "";
  $("desk-cancel").hidden = locked;
  dialog().showModal();
  $<HTMLInputElement>("desk-pin").focus();
}

export async function refreshDesk() {
  try {
    render(await commands.operators_list());
  } catch (err) {
    showError(messageOf(err));
  }
}

export function startDesk(roles: { code: string; label: string }[]) {
  fillSelect($("operator-role"), roles);
  $("who").addEventListener("click", () => {
    if (!desk || desk.profiles.every((p) => !p.active)) {
      showStatus("Aucun profil : ce poste est utilisé par une seule personne. Ajoutez des profils dans Réglages › Opérateurs.");
      return;
    }
    openDialog(false);
  });
  // Escape may not dismiss the lock.
  dialog().addEventListener("cancel", (e) => {
    if (desk?.locked) e.preventDefault();
  });
  $("desk-cancel").addEventListener("click", () => dialog().close());
  $("desk-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const d = await commands.operator_switch($<HTMLSelectElement>("desk-name").value, $<HTMLInputElement>("desk-pin").value);
      dialog().close();
      render(d);
      showError(null);
      showStatus(`Au comptoir : ${d.current}.`);
    } catch (err) {
      $("desk-error").textContent = messageOf(err);
      $<HTMLInputElement>("desk-pin").select();
    }
  });
  const form = $<HTMLFormElement>("operator-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const field = (n: string) => form.elements.namedItem(n) as HTMLInputElement;
    try {
      render(await commands.operator_add(field("name").value, field("role").value as Role, field("pin").value));
      field("name").value = "";
      field("pin").value = "";
      showError(null);
      showStatus("Profil ajouté.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("desk-lock").addEventListener("click", async () => {
    try {
      render(await commands.desk_lock());
    } catch (err) {
      showError(messageOf(err));
    }
  });
  // The core locks an idle desk; the page shows it when told (an act refused, or this poll).
  window.addEventListener("desk-locked", () => void refreshDesk());
  window.setInterval(() => void refreshDesk(), 30_000);
  let lastPing = 0;
  const activity = () => {
    const now = Date.now();
    if (now - lastPing > 20_000 && desk && !desk.locked) {
      lastPing = now;
      void commands.desk_activity();
    }
  };
  document.addEventListener("keydown", activity, { passive: true });
  document.addEventListener("pointerdown", activity, { passive: true });
  $("idle-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      render(await commands.idle_lock_save($<HTMLInputElement>("idle-minutes").value));
      showError(null);
      showStatus("Délai de verrouillage enregistré.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("reset-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const pin = $<HTMLInputElement>("reset-pin");
    try {
      render(await commands.operator_reset_pin($<HTMLSelectElement>("reset-name").value, pin.value));
      pin.value = "";
      showError(null);
      showStatus("Nouveau code PIN enregistré.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  void refreshDesk();
}

/** Réglages › Opérateurs: where the log files are, and a button that opens the folder. */
export function showLogFolder(folder: string | null) {
  $("log-folder").textContent = folder ?? "indisponible sur ce poste";
  $<HTMLButtonElement>("log-folder-open").disabled = !folder;
  $("log-folder-open").addEventListener("click", async () => {
    try {
      await commands.log_folder_open();
    } catch (err) {
      showError(messageOf(err));
    }
  });
}

/** The first run: the centre, the first manager, the programme. */
export function startSetup(onDone: () => void) {
  const dlg = $<HTMLDialogElement>("setup-dialog");
  dlg.addEventListener("cancel", (e) => e.preventDefault());
  const form = $<HTMLFormElement>("setup-form");
  const field = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const file = $<HTMLInputElement>("setup-programme").files?.[0];
      const programme: [string, string] | null = file ? [file.name, await file.text()] : null;
      const d = await commands.first_run({
        centre: { name: field("name"), address: field("address"), siret: field("siret"), tax_status: field("tax_status"), vat_rates: {}, vat_mention: "", help_phone: field("help_phone"), help_email: "", help_hours: field("help_hours"), help_url: "", printer: "", paper: "" },
        manager: field("manager"),
        pin: field("pin"),
        programme,
        centre_code: field("centre_code") || null,
        register_code: field("register_code") || null,
      });
      dlg.close();
      render(d);
      showStatus(`Comptoir est prêt. Au comptoir : ${d.current}.`);
      onDone();
    } catch (err) {
      showFailure(failureOf(err), form, $("setup-error"));
    }
  });
  // The statuses as the core names them.
  void commands
    .centre_show()
    .then((view) => fillSelect($<HTMLSelectElement>("setup-tax-status"), [{ code: "", label: "— à choisir —" }, ...view.tax_statuses]))
    .catch((err) => showError(messageOf(err)));
  dlg.showModal();
  (form.elements.namedItem("name") as HTMLInputElement).focus();
}
