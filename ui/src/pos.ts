// The cash desk: open a permanence, sell (scan → person → decision → price → payment →
// confirm), see the X report, close with the counted amounts, list and cancel sales. The core
// checks everything again; this screen only gathers and shows.
import { failureOf, messageOf } from "./api";
import type { PaymentMethod } from "./gen/PaymentMethod";
import * as commands from "./gen/commands";
import type { AppInfo } from "./gen/AppInfo";
import type { PosState } from "./gen/PosState";
import type { CartQuote } from "./gen/CartQuote";
import type { SaleInput } from "./gen/SaleInput";
import type { SaleSummary } from "./gen/SaleSummary";
import { $, clearFailure, el, fillSelect, frDate, markFields, showError, showFailure, showStatus } from "./dom";
import { offerDocuments } from "./documents";

/** The documents of a sale, from its history: copies, the sheet, its credit notes. */
function offerSaleDocuments(receipt: string, cancelledBy: string | null) {
  offerDocuments(`Ticket n° ${receipt}`, [
    { label: "Réimprimer le ticket (copie)", make: async () => [await commands.document_make("receipt", receipt, null, true)] },
    { label: "Imprimer la fiche de prise en main", make: async () => [await commands.document_make("onboarding", receipt, null, true)] },
    ...(cancelledBy ?? "").split(",").map((n) => n.trim()).filter((n) => n).map((number) => ({
      label: `Imprimer l'avoir ${number}`,
      make: async () => [await commands.document_make("credit_note", number, null, true)],
    })),
  ]);
}

let info: AppInfo;
let state: PosState | null = null;
// The cart as the form holds it (what was typed); the core quotes it (sale_cart) and this
// screen shows the quote: labels, bands, totals, change, and each problem beside its field.
let devices: { tag: string; price: string }[] = [];
let items: { kind: string; quantity: string; unit_price: string }[] = [];
let quoted: CartQuote | null = null;
let quoteRequest = 0;
let personId: number | null = null;
let saleUuid = crypto.randomUUID();
let sales: SaleSummary[] = [];
let cancelling: string | null = null;
/** The sale whose line is being corrected, and its device lines (numbers from 1). */
let correcting: { receipt: string; lines: number[] } | null = null;

const programme = () => $<HTMLSelectElement>("sale-programme").value || null;

export function focusPos() {
  void refresh().then(() => {
    const scan = $<HTMLInputElement>("sale-scan");
    if (!$("pos-open").hidden) scan.focus();
    else $<HTMLInputElement>("open-float").focus();
  });
}

async function refresh() {
  try {
    state = await commands.pos_state();
  } catch (err) {
    showError(messageOf(err));
    return;
  }
  // The payment methods come from the core, once: counted amounts at closing, refunds.
  if ($("close-counted").childElementCount === 0) {
    for (const method of state.payment_methods) {
      const label = el("label", `${method.label} compté (€)`);
      const input = el("input");
      input.name = method.code;
      input.inputMode = "decimal";
      label.append(input);
      $("close-counted").append(label);
    }
    fillSelect($("cancel-refund"), state.payment_methods);
    fillSelect($("item-kind"), state.counted_kinds);
  }
  const broken = state.journal.broken !== null;
  $("journal-alert").hidden = !broken;
  $("journal-alert").textContent = state.journal_message;
  // An older backup restored and not declared: no permanence opens until a manager declares it.
  $("restore-alert").hidden = state.restore_pending === null;
  $("restore-text").textContent = state.restore_pending ?? "";
  const open = state.session !== null;
  $("pos-open").hidden = !open || broken;
  $("pos-closed").hidden = open || broken || state.restore_pending !== null;
  $("pos-session-actions").hidden = !open;
  $("pos-session").textContent = open
    ? `Ouverte le ${new Date(state.session!.opened_at).toLocaleString("fr-FR")} par ${state.session!.opened_by} — fond de caisse ${state.session!.float_text}`
    : state.closed_hint;
  await refreshSales();
}

async function refreshSales() {
  try {
    sales = await commands.sales_list();
    renderSales();
  } catch (err) {
    showError(messageOf(err));
  }
}

function renderSales() {
  const filter = $<HTMLInputElement>("sales-filter").value.trim().toUpperCase();
  const shown = sales.filter((s) => !filter || s.receipt.includes(filter));
  // Nothing to show: say why, and what comes next.
  const none = sales.length === 0
    ? "Aucune vente pour l'instant : chaque vente encaissée s'ajoute ici, avec ses documents."
    : `Aucun ticket ne contient « ${filter} ».`;
  $("sales-list").replaceChildren(
    ...(shown.length === 0 ? [el("li", none, "muted")] : []),
    ...shown
      .map((s) => {
        const li = el("li");
        li.append(el("span", `${s.receipt} · ${new Date(s.at).toLocaleString("fr-FR")} · ${s.total_text}`));
        const docs = el("button", "Documents", "secondary");
        docs.type = "button";
        docs.addEventListener("click", () => offerSaleDocuments(s.receipt, s.cancelled_by));
        li.append(" ", docs);
        if (s.cancelled_by) {
          li.append(el("span", ` — annulée (${s.cancelled_by})`, "muted"));
        } else {
          if (state?.session) {
            const b = el("button", "Annuler (avoir)", "secondary");
            b.type = "button";
            b.addEventListener("click", () => startCancel(s.receipt));
            li.append(" ", b);
          }
          const fix = el("button", "Corriger une ligne", "secondary");
          fix.type = "button";
          fix.addEventListener("click", () => void startCorrection(s.receipt));
          li.append(" ", fix);
        }
        return li;
      }),
  );
}

function startCancel(receipt: string) {
  cancelling = receipt;
  $("cancel-title").textContent = `Annuler le ticket n° ${receipt}`;
  $("cancel-form").hidden = false;
  $<HTMLInputElement>("cancel-reason").focus();
}

/** Opens the correction form on the sale's lines that name a device and are not cancelled. */
async function startCorrection(receipt: string) {
  try {
    const sale = await commands.sale_show(receipt);
    const lines = sale.lines.flatMap((l, i) => (l.tag && !l.cancelled_by ? [{ no: i + 1, line: l }] : []));
    if (lines.length === 0) {
      showError(`Le ticket n° ${receipt} n'a pas de ligne avec un appareil à corriger.`);
      return;
    }
    correcting = { receipt, lines: lines.map((l) => l.no) };
    $("correct-title").textContent = `Corriger une ligne du ticket n° ${receipt}`;
    $("correct-line").replaceChildren(
      ...lines.map(({ no, line }) => el("option", `Ligne ${no} : ${line.label} (${line.tag}${line.corrected_from ? `, corrigée, était ${line.corrected_from}` : ""})`)),
    );
    clearFailure($("correct-form"));
    $("correct-form").hidden = false;
    $<HTMLInputElement>("correct-to").focus();
  } catch (err) {
    showError(messageOf(err));
  }
}

/** What the form holds now, as the core reads it. */
function saleInput(): SaleInput {
  const payments = [...document.querySelectorAll<HTMLElement>("#payments .payment")]
    .map((row) => ({
      method: (row.querySelector("select") as HTMLSelectElement).value,
      amount: (row.querySelector(".amount") as HTMLInputElement).value,
      reference: (row.querySelector(".ref") as HTMLInputElement).value || null,
    }));
  return {
    uuid: saleUuid,
    person_id: personId,
    programme: programme(),
    devices: devices.map((d) => ({ tag: d.tag, price: d.price || null })),
    items: items.map((i) => ({ kind: i.kind, quantity: i.quantity, unit_price: i.unit_price || null })),
    payments,
    reserved_override: $<HTMLInputElement>("sale-reserved-override").value || null,
    records_override: $<HTMLInputElement>("sale-records-override").value || null,
  };
}

/** Asks the core to quote the cart, then shows its answer (the latest one only). */
async function requote() {
  const request = ++quoteRequest;
  try {
    const q = await commands.sale_cart(saleInput());
    if (request !== quoteRequest) return;
    quoted = q;
    showQuote();
  } catch (err) {
    if (request === quoteRequest) showError(messageOf(err));
  }
}

function renderCart() {
  const lines = [
    ...devices.map((d, i) => ({ field: `devices.${i}.price`, value: () => d.price, set: (v: string) => (d.price = v), remove: () => devices.splice(i, 1) })),
    ...items.map((it, i) => ({ field: `items.${i}.unit_price`, value: () => it.unit_price, set: (v: string) => (it.unit_price = v), remove: () => items.splice(i, 1) })),
  ];
  const rows = lines.map((line, i) => {
    const shown = quoted?.lines[i];
    const tr = el("tr");
    const price = el("input");
    price.value = line.value();
    price.inputMode = "decimal";
    price.dataset.field = line.field;
    price.setAttribute("aria-label", `Prix de ${shown?.label ?? "la ligne"}`);
    price.addEventListener("input", () => {
      line.set(price.value);
      void requote();
    });
    const remove = el("button", "Retirer", "secondary");
    remove.type = "button";
    remove.setAttribute("aria-label", `Retirer ${shown?.label ?? "la ligne"}`);
    remove.addEventListener("click", () => {
      line.remove();
      void requote().then(renderCart);
      void refreshDecision();
    });
    const tdPrice = el("td");
    tdPrice.append(price);
    const tdRemove = el("td");
    tdRemove.append(remove);
    tr.append(el("td", shown?.label ?? "…"), el("td", shown ? String(shown.quantity) : ""), tdPrice, el("td", shown?.band_text ?? ""), tdRemove);
    return tr;
  });
  $("cart-rows").replaceChildren(...rows);
  showQuote();
}

/** The core's quote on screen: the totals line, and each problem beside its field. */
function showQuote() {
  $("sale-totals").textContent = quoted?.summary ?? "";
  markFields($("pos-open"), quoted?.problems ?? []);
}

function addPayment(method = "cash", amount = "") {
  const row = el("div", undefined, "payment reason");
  const select = el("select");
  fillSelect(select, state?.payment_methods ?? []);
  select.value = method;
  select.setAttribute("aria-label", "Moyen de paiement");
  const input = el("input", undefined, "amount");
  input.inputMode = "decimal";
  input.placeholder = "Montant (€)";
  input.value = amount;
  input.setAttribute("aria-label", "Montant");
  const ref = el("input", undefined, "ref");
  ref.placeholder = "Référence (TPE, chèque…)";
  ref.setAttribute("aria-label", "Référence");
  const remove = el("button", "×", "secondary");
  remove.type = "button";
  remove.setAttribute("aria-label", "Retirer ce paiement");
  remove.addEventListener("click", () => {
    row.remove();
    numberPayments();
    void requote();
  });
  for (const x of [select, input]) x.addEventListener("input", () => void requote());
  row.append(select, input, ref, remove);
  $("payments").append(row);
  numberPayments();
  return input;
}

/** Each payment's amount names its place, so that the core's problems find it. */
function numberPayments() {
  document.querySelectorAll<HTMLInputElement>("#payments .amount").forEach((input, i) => (input.dataset.field = `payments.${i}.amount`));
}

async function refreshDecision() {
  const box = $("sale-decision");
  if (personId === null) {
    box.hidden = true;
    return;
  }
  try {
    const kind = quoted?.lines.find((l) => l.tag !== null)?.kind ?? null;
    const d = await commands.eligibility_check(personId, kind);
    box.hidden = false;
      $("sale-verdict").textContent = d.label + (d.overrides.length ? " (dérogation enregistrée)" : "");
    $("sale-verdict").className = `verdict verdict-${d.decision}`;
    $("sale-reasons").replaceChildren(
      ...d.reasons.map((r) => el("li", r.message)),
      ...d.by_kind.map((k) => el("li", `${k.kind_label} : ${k.label}${k.reasons.length ? ` — ${k.reasons.map((r) => r.message).join(" ")}` : ""}`)),
    );
  } catch (err) {
    showError(messageOf(err));
  }
}

function resetSale() {
  devices = [];
  items = [];
  quoted = null;
  $<HTMLInputElement>("sale-scan").value = "";
  personId = null;
  saleUuid = crypto.randomUUID();
  $("sale-person").textContent = "Aucune personne choisie.";
  $<HTMLInputElement>("sale-person-search").value = "";
  $<HTMLInputElement>("sale-reserved-override").value = "";
  $<HTMLInputElement>("sale-records-override").value = "";
  $<HTMLDetailsElement>("sale-override-box").open = false;
  $("sale-person-results").replaceChildren();
  $("payments").replaceChildren();
  addPayment();
  void requote().then(renderCart);
  void refreshDecision();
}

export function startPos(appInfo: AppInfo) {
  info = appInfo;
  fillSelect($("sale-programme"), [{ code: "", label: "(aucun)" }, ...info.people.programmes]);
  if (info.people.programmes.length) $<HTMLSelectElement>("sale-programme").value = info.people.programmes[0].code;


  $("open-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await commands.session_open($<HTMLInputElement>("open-float").value);
      showError(null);
      showStatus("Permanence ouverte.");
      await refresh();
      resetSale();
      $<HTMLInputElement>("sale-scan").focus();
    } catch (err) {
      showError(messageOf(err));
    }
  });

  $("sale-scan-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const scan = $<HTMLInputElement>("sale-scan");
    const code = scan.value.trim();
    if (!code) return;
    try {
      const q = await commands.sale_quote(code, programme());
      if (devices.some((d) => d.tag === q.tag)) throw { message: `L'appareil ${q.tag} est déjà dans la vente.` };
      devices.push({ tag: q.tag, price: q.price_input });
      showError(null);
      await requote();
      renderCart();
      void refreshDecision();
    } catch (err) {
      showError(messageOf(err));
    }
    scan.select();
  });

  $("sale-person-search").addEventListener("keydown", async (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    try {
      const found = await commands.people_search(($("sale-person-search") as HTMLInputElement).value);
      $("sale-person-results").replaceChildren(
        ...found.slice(0, 8).map((p) => {
          const li = el("li");
          const b = el("button", `${p.last_name} ${p.first_name} · ${frDate(p.birth_date)} · n° ${p.id}`, "secondary");
          b.type = "button";
          b.addEventListener("click", () => {
            personId = p.id;
            $("sale-person").textContent = `Bénéficiaire : ${p.last_name} ${p.first_name} (n° ${p.id})`;
            $("sale-person-results").replaceChildren();
            void refreshDecision();
          });
          li.append(b);
          return li;
        }),
      );
      ($("sale-person-results").querySelector("button") as HTMLElement | null)?.focus();
    } catch (err) {
      showError(messageOf(err));
    }
  });

  $("item-form").addEventListener("submit", (e) => {
    e.preventDefault();
    items.push({
      kind: $<HTMLSelectElement>("item-kind").value,
      quantity: $<HTMLInputElement>("item-qty").value,
      unit_price: $<HTMLInputElement>("item-price").value,
    });
    void requote().then(renderCart);
  });

  $("payment-add").addEventListener("click", () => addPayment().focus());
  $("sale-programme").addEventListener("change", () => {
    void requote().then(renderCart);
    void refreshDecision();
  });

  $("sale-submit").addEventListener("click", async () => {
    // The core's quote of exactly what is submitted (a payment typed a moment ago included).
    await requote();
    const summary = quoted?.summary ?? "";
    try {
      const sale = await commands.sale_create({ ...saleInput(), payments: saleInput().payments.filter((p) => p.amount.trim() !== "") });
      showError(null);
      showStatus(`Vente enregistrée : ticket n° ${sale.receipt} — ${summary}.`);
      resetSale();
      await refreshSales();
      offerDocuments(`Ticket n° ${sale.receipt}`, [
        {
          label: "Imprimer le ticket et la fiche de prise en main",
          make: async () => {
            const done = await commands.sale_documents(sale.receipt, true);
            // The receipt's original waits for Réglages: the core says why and what to do.
            if (done.waiting) showStatus(done.waiting);
            return done.made;
          },
        },
      ]);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("sale-reset").addEventListener("click", resetSale);

  $("x-report").addEventListener("click", async () => {
    try {
      const r = await commands.session_report();
      const out = $("x-output");
      out.hidden = false;
      out.textContent = [r.summary, ...r.expected_lines, ...(r.deposits ? [r.deposits.text] : [])].join("\n");
      offerDocuments(`Rapport X de la permanence n° ${r.session.id}`, [
        { label: "Imprimer le rapport X", make: async () => [await commands.document_make("closing", String(r.session.id), null, true)] },
      ], false);
    } catch (err) {
      showError(messageOf(err));
    }
  });

  const counted = $("close-counted");
  $("close-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const values: Record<string, string> = {};
    for (const input of counted.querySelectorAll<HTMLInputElement>("input")) values[input.name] = input.value;
    try {
      const z = await commands.session_close(values, $<HTMLInputElement>("close-comment").value);
      showError(null);
      showStatus(`Permanence clôturée : ${z.summary}.`);
      await refresh();
      offerDocuments(`Rapport Z de la permanence n° ${z.session.id}`, [
        { label: "Imprimer le rapport Z", make: async () => [await commands.document_make("closing", String(z.session.id), null, true)] },
      ]);
    } catch (err) {
      showError(messageOf(err));
    }
  });

  $("sales-filter").addEventListener("input", renderSales);
  $("cancel-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!cancelling) return;
    try {
      const note = await commands.sale_cancel(cancelling, null, $<HTMLInputElement>("cancel-reason").value, $<HTMLSelectElement>("cancel-refund").value as PaymentMethod, $<HTMLInputElement>("cancel-defective").checked);
      showError(null);
      showStatus(`Avoir ${note.number} : annule le ticket n° ${note.cancels}.`);
      offerDocuments(`Avoir n° ${note.number}`, [
        { label: "Imprimer l'avoir", make: async () => [await commands.document_make("credit_note", note.number, null, true)] },
      ]);
      $("cancel-form").hidden = true;
      cancelling = null;
      await refreshSales();
    } catch (err) {
      showError(messageOf(err));
    }
  });

  $("restore-declare").addEventListener("click", async () => {
    try {
      const done = await commands.journal_declare_restore();
      showError(null);
      showStatus(done.message);
      await refresh();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("correct-close").addEventListener("click", () => {
    $("correct-form").hidden = true;
    correcting = null;
  });
  $("correct-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!correcting) return;
    const line = correcting.lines[$<HTMLSelectElement>("correct-line").selectedIndex];
    try {
      const fixed = await commands.sale_correct_line(correcting.receipt, line, $<HTMLInputElement>("correct-to").value, $<HTMLInputElement>("correct-reason").value);
      showError(null);
      showStatus(`Ticket n° ${fixed.receipt}, ligne ${fixed.line} : ${fixed.from_tag} remplacé par ${fixed.to_tag} ; ${fixed.from_tag} revient en vente. La correction part au hub à la prochaine synchronisation.`);
      $("correct-form").hidden = true;
      $<HTMLFormElement>("correct-form").reset();
      correcting = null;
      await refreshSales();
    } catch (err) {
      showFailure(failureOf(err), $("correct-form"));
    }
  });

  void refresh().then(resetSale);
}
