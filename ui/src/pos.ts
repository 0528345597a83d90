// The cash desk: open a permanence, sell (scan → person → decision → price → payment →
// confirm), see the X report, close with the counted amounts, list and cancel sales. The core
// checks everything again; this screen only gathers and shows.
import { api, messageOf, type AppInfo, type PosState, type Quote } from "./api";
import { $, el, euros, fillSelect, frDate, showError, showStatus, toCents } from "./dom";
import { offerDocuments } from "./documents";

/** The documents of a sale, from its history: copies, the sheet, its credit notes. */
function offerSaleDocuments(receipt: string, cancelledBy: string | null) {
  offerDocuments(`Ticket n° ${receipt}`, [
    { label: "Réimprimer le ticket (copie)", make: async () => [await api.documentMake("receipt", receipt, true)] },
    { label: "Imprimer la fiche de prise en main", make: async () => [await api.documentMake("onboarding", receipt, true)] },
    ...(cancelledBy ?? "").split(",").map((n) => n.trim()).filter((n) => n).map((number) => ({
      label: `Imprimer l'avoir ${number}`,
      make: async () => [await api.documentMake("credit_note", number, true)],
    })),
  ]);
}

let info: AppInfo;
let state: PosState | null = null;
let cart: { quote?: Quote; kind: string; label: string; quantity: number; price: string }[] = [];
let personId: number | null = null;
let saleUuid = crypto.randomUUID();
let sales: { receipt: string; at: string; total: number; cancelled_by: string | null }[] = [];
let cancelling: string | null = null;

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
    state = await api.posState();
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
  }
  const broken = state.journal.broken !== null;
  $("journal-alert").hidden = !broken;
  $("journal-alert").textContent = state.journal_message;
  const open = state.session !== null;
  $("pos-open").hidden = !open || broken;
  $("pos-closed").hidden = open || broken;
  $("pos-session-actions").hidden = !open;
  $("pos-session").textContent = open
    ? `Ouverte le ${new Date(state.session!.opened_at).toLocaleString("fr-FR")} par ${state.session!.opened_by} — fond de caisse ${euros(state.session!.float)}`
    : "Aucune permanence ouverte.";
  await refreshSales();
}

async function refreshSales() {
  try {
    sales = await api.salesList();
    renderSales();
  } catch (err) {
    showError(messageOf(err));
  }
}

function renderSales() {
  const filter = $<HTMLInputElement>("sales-filter").value.trim().toUpperCase();
  $("sales-list").replaceChildren(
    ...sales
      .filter((s) => !filter || s.receipt.includes(filter))
      .map((s) => {
        const li = el("li");
        li.append(el("span", `${s.receipt} · ${new Date(s.at).toLocaleString("fr-FR")} · ${euros(s.total)}`));
        const docs = el("button", "Documents", "secondary");
        docs.type = "button";
        docs.addEventListener("click", () => offerSaleDocuments(s.receipt, s.cancelled_by));
        li.append(" ", docs);
        if (s.cancelled_by) {
          li.append(el("span", ` — annulée (${s.cancelled_by})`, "muted"));
        } else if (state?.session) {
          const b = el("button", "Annuler (avoir)", "secondary");
          b.type = "button";
          b.addEventListener("click", () => startCancel(s.receipt));
          li.append(" ", b);
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

function renderCart() {
  const rows = cart.map((line, i) => {
    const tr = el("tr");
    const price = el("input");
    price.value = line.price;
    price.inputMode = "decimal";
    price.setAttribute("aria-label", `Prix de ${line.label}`);
    price.addEventListener("input", () => {
      line.price = price.value;
      renderTotals();
    });
    const remove = el("button", "Retirer", "secondary");
    remove.type = "button";
    remove.addEventListener("click", () => {
      cart.splice(i, 1);
      renderCart();
      void refreshDecision();
    });
    const band = line.quote?.band ? `${euros(line.quote.band[0])} à ${euros(line.quote.band[1])}` : line.quote?.cap ? `plafond ${euros(line.quote.cap)}` : "—";
    const tdPrice = el("td");
    tdPrice.append(price);
    const tdRemove = el("td");
    tdRemove.append(remove);
    tr.append(el("td", line.quote ? `${line.quote.tag} — ${line.label}` : line.label), el("td", String(line.quantity)), tdPrice, el("td", band), tdRemove);
    return tr;
  });
  $("cart-rows").replaceChildren(...rows);
  renderTotals();
}

function total(): number | null {
  let sum = 0;
  for (const line of cart) {
    const c = toCents(line.price);
    if (c === null) return null;
    sum += c * line.quantity;
  }
  return sum;
}

function renderTotals() {
  const t = total();
  let paid = 0;
  let cash = 0;
  for (const row of document.querySelectorAll<HTMLElement>("#payments .payment")) {
    const amount = toCents((row.querySelector(".amount") as HTMLInputElement).value) ?? 0;
    paid += amount;
    if ((row.querySelector("select") as HTMLSelectElement).value === "cash") cash += amount;
  }
  const change = t === null ? 0 : paid - t;
  $("sale-totals").textContent = t === null
    ? "Un prix n'est pas un montant."
    : `Total ${euros(t)} · payé ${euros(paid)}${change > 0 && change <= cash ? ` · à rendre ${euros(change)}` : change < 0 ? ` · reste ${euros(-change)}` : ""}`;
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
    renderTotals();
  });
  for (const x of [select, input]) x.addEventListener("input", renderTotals);
  row.append(select, input, ref, remove);
  $("payments").append(row);
  return input;
}

async function refreshDecision() {
  const box = $("sale-decision");
  if (personId === null) {
    box.hidden = true;
    return;
  }
  try {
    const kind = cart.find((l) => l.quote)?.quote?.kind ?? null;
    const d = await api.check(personId, kind);
    box.hidden = false;
      $("sale-verdict").textContent = d.label + (d.overrides.length ? " (dérogation enregistrée)" : "");
    $("sale-verdict").className = `verdict verdict-${d.decision}`;
    $("sale-reasons").replaceChildren(...d.reasons.map((r) => el("li", r.message)));
  } catch (err) {
    showError(messageOf(err));
  }
}

function resetSale() {
  cart = [];
  $<HTMLInputElement>("sale-scan").value = "";
  personId = null;
  saleUuid = crypto.randomUUID();
  $("sale-person").textContent = "Aucune personne choisie.";
  $<HTMLInputElement>("sale-person-search").value = "";
  $("sale-person-results").replaceChildren();
  $("payments").replaceChildren();
  addPayment();
  renderCart();
  void refreshDecision();
}

export function startPos(appInfo: AppInfo) {
  info = appInfo;
  fillSelect($("sale-programme"), [{ code: "", label: "(aucun)" }, ...info.people.programmes]);
  if (info.people.programmes.length) $<HTMLSelectElement>("sale-programme").value = info.people.programmes[0].code;
  fillSelect($("item-kind"), info.vocabulary.kinds.filter((k) => ["sim_card", "data_topup", "accessory"].includes(k.code)));

  $("open-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.sessionOpen($<HTMLInputElement>("open-float").value);
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
      const q = await api.quote(code, programme());
      if (cart.some((l) => l.quote?.tag === q.tag)) throw { message: `L'appareil ${q.tag} est déjà dans la vente.` };
      cart.push({ quote: q, kind: q.kind, label: q.label, quantity: 1, price: q.price !== null ? (q.price / 100).toFixed(2).replace(".", ",") : "" });
      showError(null);
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
      const found = await api.peopleSearch(($("sale-person-search") as HTMLInputElement).value);
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
    const kind = $<HTMLSelectElement>("item-kind");
    cart.push({
      kind: kind.value,
      label: kind.selectedOptions[0]?.textContent ?? kind.value,
      quantity: Math.max(1, Number($<HTMLInputElement>("item-qty").value) || 1),
      price: $<HTMLInputElement>("item-price").value,
    });
    renderCart();
  });

  $("payment-add").addEventListener("click", () => addPayment().focus());
  $("sale-programme").addEventListener("change", () => void refreshDecision());

  $("sale-submit").addEventListener("click", async () => {
    const payments = [...document.querySelectorAll<HTMLElement>("#payments .payment")]
      .map((row) => ({
        method: (row.querySelector("select") as HTMLSelectElement).value,
        amount: (row.querySelector(".amount") as HTMLInputElement).value,
        reference: (row.querySelector(".ref") as HTMLInputElement).value || null,
      }))
      .filter((p) => p.amount.trim() !== "");
    try {
      const sale = await api.saleCreate({
        uuid: saleUuid,
        person_id: personId,
        programme: programme(),
        devices: cart.filter((l) => l.quote).map((l) => ({ tag: l.quote!.tag, price: l.price || null })),
        items: cart.filter((l) => !l.quote).map((l) => ({ kind: l.kind, quantity: l.quantity, unit_price: l.price || null })),
        payments,
      });
      showError(null);
      const paid = sale.payments.reduce((a, p) => a + p.amount, 0);
      showStatus(`Vente enregistrée : ticket n° ${sale.receipt} — ${euros(sale.total)}${paid > sale.total ? `, rendre ${euros(paid - sale.total)}` : ""}.`);
      resetSale();
      await refreshSales();
      offerDocuments(`Ticket n° ${sale.receipt}`, [
        { label: "Imprimer le ticket et la fiche de prise en main", make: () => api.saleDocuments(sale.receipt, true) },
      ]);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("sale-reset").addEventListener("click", resetSale);

  $("x-report").addEventListener("click", async () => {
    try {
      const r = await api.sessionReport();
      const out = $("x-output");
      out.hidden = false;
      out.textContent = [
        `${r.sales} vente(s) pour ${euros(r.sales_total)}, ${r.credit_notes} avoir(s)`,
        ...Object.entries(r.expected).map(([m, v]) => `${state?.payment_methods.find((t) => t.code === m)?.label ?? m} : attendu ${euros(v)}`),
      ].join("\n");
      offerDocuments(`Rapport X de la permanence n° ${r.session.id}`, [
        { label: "Imprimer le rapport X", make: async () => [await api.documentMake("closing", String(r.session.id), true)] },
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
      const z = await api.sessionClose(values, $<HTMLInputElement>("close-comment").value);
      showError(null);
      showStatus(`Permanence clôturée : ${z.sales} vente(s) pour ${euros(z.sales_total)}.`);
      await refresh();
      offerDocuments(`Rapport Z de la permanence n° ${z.session.id}`, [
        { label: "Imprimer le rapport Z", make: async () => [await api.documentMake("closing", String(z.session.id), true)] },
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
      const note = await api.saleCancel(cancelling, $<HTMLInputElement>("cancel-reason").value, $<HTMLSelectElement>("cancel-refund").value, $<HTMLInputElement>("cancel-defective").checked);
      showError(null);
      showStatus(`Avoir ${note.number} : annule le ticket n° ${note.cancels}.`);
      offerDocuments(`Avoir n° ${note.number}`, [
        { label: "Imprimer l'avoir", make: async () => [await api.documentMake("credit_note", note.number, true)] },
      ]);
      $("cancel-form").hidden = true;
      cancelling = null;
      await refreshSales();
    } catch (err) {
      showError(messageOf(err));
    }
  });

  void refresh().then(resetSale);
}
