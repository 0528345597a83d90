//! The recovery phrase on paper: the 12 words, numbered, in large type, with what they are for.

use super::layout::{Align, Canvas};
use super::receipt::header;
use super::Seller;

pub fn render_recovery_sheet(seller: &Seller, words: &[String], database: &str, today: &str) -> Canvas {
    let mut c = Canvas::a4();
    header(
        &mut c,
        seller,
        &[
            ("CONFIDENTIEL".into(), 13.0, true),
            (format!("Imprimée le {today}"), 10.0, false),
        ],
    );
    c.paragraph("Phrase de secours de Comptoir", 20.0, true);
    c.space(3.0);
    c.paragraph(
        "Ces 12 mots ouvrent la base de données du centre et ses sauvegardes si ce poste est perdu, \
         volé ou remplacé. Gardez cette feuille sous clé, hors du poste (coffre, bureau de la \
         direction). Ne la photographiez pas, ne l'envoyez pas par courriel.",
        12.0,
        false,
    );
    c.space(6.0);
    let half = words.len().div_ceil(2);
    let column = c.content_width() / 2.0;
    for row in 0..half {
        c.ensure(12.0);
        let left = c.left();
        for (col, index) in [row, row + half].into_iter().enumerate() {
            if let Some(word) = words.get(index) {
                c.line_in(
                    left + col as f32 * column,
                    column,
                    &format!("{:>2}. {word}", index + 1),
                    18.0,
                    true,
                    Align::Left,
                );
                // line_in moves down: come back up for the second column.
                if col == 0 {
                    c.space(-super::layout::line_height(18.0));
                }
            }
        }
        c.space(2.0);
    }
    c.space(6.0);
    c.paragraph("Pour s'en servir sur un nouveau poste", 13.0, true);
    c.paragraph(
        "1. Installez Comptoir. 2. Restaurez la dernière sauvegarde (Réglages › Sauvegardes › \
         Restaurer, ou « comptoir backup restore FICHIER --phrase ») et saisissez ces 12 mots dans \
         l'ordre ; les accents et les majuscules ne comptent pas. Si le fichier de la base a été \
         recopié tel quel : « comptoir key recover ».",
        11.0,
        false,
    );
    c.space(4.0);
    c.paragraph(&format!("Base de données : {database}"), 9.0, false);
    c
}
