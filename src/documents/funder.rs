//! The funder's report as PDF: the centre's header, then the shared report's pages
//! (`comptoir_common::report::pdf`: tables and a bar chart, as the network's report).

use super::layout::Canvas;
use super::receipt::header;
use super::Seller;
use crate::reports::Report;

pub fn render_funder_report(seller: &Seller, report: &Report) -> Canvas {
    let mut c = Canvas::a4();
    c.set_continuation(format!("Bilan {} (suite)", report.programme));
    header(
        &mut c,
        seller,
        &[
            ("BILAN POUR LE FINANCEUR".into(), 13.0, true),
            (report.programme.clone(), 11.0, true),
            (
                format!(
                    "du {} au {}",
                    report.from.format("%d/%m/%Y"),
                    report.to.format("%d/%m/%Y")
                ),
                10.0,
                false,
            ),
        ],
    );
    comptoir_common::report::pdf::body(&mut c, report);
    c
}
