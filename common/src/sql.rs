//! The device's code enums as SQL values (their stable code), for the desk's store: feature
//! `sql`, which the hub does not enable.

use crate::device::{Category, Coded, DeviceKind, DeviceState, StockAction, StorageKind};
use crate::provenance::DonorKind;
use crate::tax::TaxStatus;

macro_rules! sql_code {
    ($($t:ty),+) => {$(
        impl rusqlite::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(Coded::code(*self)))
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                <$t as Coded>::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == text)
                    .ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown code {text:?}").into()))
            }
        }
    )+};
}
sql_code!(
    DeviceKind,
    Category,
    DeviceState,
    StorageKind,
    StockAction,
    TaxStatus,
    DonorKind,
    crate::aftersales::FaultCategory,
    crate::aftersales::Outcome,
    crate::aftersales::Destruction,
    crate::money::PaymentMethod
);
