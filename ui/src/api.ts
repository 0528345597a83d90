// Calls into the Comptoir core through the Tauri commands. The types mirror the core's
// serialised structs (src/stock.rs, src/device.rs); every rule stays in the core.
import { invoke } from "@tauri-apps/api/core";

export interface Term { code: string; label: string }
export interface Vocabulary {
  kinds: Term[]; categories: Term[]; states: Term[]; storage_kinds: Term[]; actions: Term[];
}
export interface UiError { code: string; message: string }
export interface AppInfo {
  database: string; operator: string; vocabulary: Vocabulary; startup_error: UiError | null;
}
export interface Device {
  tag: string; kind: string; category: string | null; state: string;
  brand: string; model: string; serial: string | null; imei: string | null;
}
export interface Fact { label: string; value: string }
export interface DeviceEvent {
  at: string; action: string | null; from_state: string | null; to_state: string;
  operator: string; reason: string;
}
export interface OfferedAction { action: string; label: string; requires_reason: boolean }
export interface DeviceDetail extends Device {
  facts: Fact[]; history: DeviceEvent[]; actions: OfferedAction[];
}
export interface StockSummary {
  total: number; by_state: [string, number][]; available_by_kind: [string, number][];
}
export interface ListQuery {
  kind: string | null; category: string | null; state: string | null; text: string | null;
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  list: (query: ListQuery) => invoke<Device[]>("stock_list", { query }),
  show: (code: string) => invoke<DeviceDetail>("stock_show", { code }),
  summary: () => invoke<StockSummary>("stock_summary"),
  apply: (tag: string, action: string, reason: string) =>
    invoke<DeviceDetail>("stock_apply", { tag, action, reason }),
};

/** A readable French message from whatever a command threw. */
export function messageOf(err: unknown): string {
  if (err && typeof err === "object" && "message" in err) return String((err as UiError).message);
  return String(err);
}

export function codeOf(err: unknown): string | null {
  if (err && typeof err === "object" && "code" in err) return String((err as UiError).code);
  return null;
}
