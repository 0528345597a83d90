//! The needs diagnostic: a few questions (what for, where, comfort, first device or not) that
//! rank the device kinds and the categories that fit, then the matching devices on sale.

use serde::{Deserialize, Serialize};

use crate::device::{code_enum, Category, DeviceKind, DeviceState};
use crate::error::Result;
use crate::stock::{self, Device, StockQuery};
use crate::store::Store;

code_enum! {
    /// What the person wants to do with the device.

    pub enum Use, "usage" {
        Administrative => "administrative", "Démarches administratives", ["demarches"];
        JobSearch => "job_search", "Recherche d'emploi (CV, candidatures)", ["emploi"];
        Studies => "studies", "Études, devoirs", ["etudes"];
        VideoCalls => "video_calls", "Appels vidéo, garder le lien", ["visio"];
        Office => "office", "Bureautique (textes, tableaux)", ["bureautique"];
        Creative => "creative", "Création (graphisme, photo, vidéo, musique)", ["creation", "graphisme"];
        Leisure => "leisure", "Loisirs, vidéos, internet", ["loisirs"];
    }
}

code_enum! {

    pub enum Place, "lieu" {
        Home => "home", "À la maison", ["maison", "domicile"];
        OnTheMove => "on_the_move", "En déplacement", ["mobile", "deplacement"];
        Both => "both", "Les deux", ["les deux"];
    }
}

code_enum! {

    pub enum ScreenWish, "taille d'écran" {
        Small => "small", "Petit, facile à emporter", ["petit"];
        Medium => "medium", "Moyen", ["moyen"];
        Large => "large", "Grand, confortable à lire", ["grand"];
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Answers {
    pub uses: Vec<Use>,
    pub place: Place,
    pub screen: ScreenWish,
    /// First computer or phone: simplicity first.
    pub first_device: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Suggestion {
    pub kind: DeviceKind,
    pub score: i32,
    /// The categories that fit, lowest first (the cheapest that does the job).
    pub categories: Vec<Category>,
    pub why: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Advice {
    pub suggestions: Vec<Suggestion>,
    /// Devices on sale that match the first suggestions.
    pub devices: Vec<Device>,
}

const KINDS: [DeviceKind; 4] = [
    DeviceKind::Laptop,
    DeviceKind::Desktop,
    DeviceKind::Tablet,
    DeviceKind::Smartphone,
];

/// Ranks the kinds (best first) and says which categories fit. Pure.
pub fn rank(answers: &Answers) -> Vec<Suggestion> {
    use DeviceKind::*;
    let mut scores = [0i32; 4];
    let mut why: [Vec<String>; 4] = Default::default();
    let mut add = |kind: DeviceKind, points: i32, reason: &str| {
        let i = KINDS.iter().position(|k| *k == kind).expect("ranked kind");
        scores[i] += points;
        if points > 0 && !why[i].iter().any(|w| w == reason) {
            why[i].push(reason.to_string());
        }
    };
    let mut min_category = Category::Hc;
    for u in &answers.uses {
        match u {
            Use::Administrative => {
                add(Laptop, 2, "un clavier pour remplir les démarches en ligne");
                add(Desktop, 2, "un clavier pour remplir les démarches en ligne");
                add(Tablet, 1, "suffit pour consulter ses comptes");
                add(Smartphone, 1, "les applications des administrations");
                min_category = min_category.max(Category::C);
            }
            Use::JobSearch => {
                add(Laptop, 3, "rédiger un CV et des candidatures");
                add(Desktop, 2, "rédiger un CV et des candidatures");
                add(Smartphone, 1, "répondre vite aux recruteurs");
                min_category = min_category.max(Category::C);
            }
            Use::Studies => {
                add(Laptop, 4, "à emporter en cours, pour les devoirs");
                add(Desktop, 1, "pour travailler à la maison");
                min_category = min_category.max(Category::B);
            }
            Use::VideoCalls => {
                add(Tablet, 3, "une caméra et un grand écran, simple à utiliser");
                add(Laptop, 2, "une caméra intégrée");
                add(Smartphone, 2, "une caméra, toujours à portée de main");
            }
            Use::Office => {
                add(Laptop, 2, "un clavier pour les textes et les tableaux");
                add(
                    Desktop,
                    3,
                    "un clavier et un grand écran pour les textes et les tableaux",
                );
                min_category = min_category.max(Category::C);
            }
            Use::Creative => {
                add(Desktop, 4, "la puissance et le grand écran des logiciels de création");
                add(Laptop, 3, "les logiciels de création, à emporter");
                add(Tablet, -2, "");
                add(Smartphone, -3, "");
                min_category = min_category.max(Category::A);
            }
            Use::Leisure => {
                add(Tablet, 2, "vidéos et internet dans le canapé");
                add(Smartphone, 1, "internet partout");
                add(Laptop, 1, "polyvalent");
            }
        }
    }
    match answers.place {
        Place::Home => add(Desktop, 1, "reste à la maison"),
        Place::OnTheMove => {
            add(Laptop, 2, "se transporte");
            add(Smartphone, 2, "tient dans la poche");
            add(Tablet, 1, "se transporte");
            add(Desktop, -6, "");
        }
        Place::Both => {
            add(Laptop, 2, "à la maison comme en déplacement");
            add(Desktop, -3, "");
        }
    }
    match answers.screen {
        ScreenWish::Small => {
            add(Smartphone, 2, "petit et léger");
            add(Tablet, 1, "léger");
        }
        ScreenWish::Medium => add(Laptop, 1, "écran de taille moyenne"),
        ScreenWish::Large => {
            add(Desktop, 2, "grand écran, confortable pour les yeux");
            add(Laptop, 1, "écran de 15 pouces possible");
            add(Smartphone, -2, "");
        }
    }
    if answers.first_device {
        add(Tablet, 2, "simple pour débuter : écran tactile, peu de réglages");
        add(Smartphone, 1, "gestes déjà familiers");
    }
    let mut out: Vec<Suggestion> = KINDS
        .iter()
        .enumerate()
        .map(|(i, kind)| Suggestion {
            kind: *kind,
            score: scores[i],
            categories: Category::ALL.iter().copied().filter(|c| *c >= min_category).collect(),
            why: why[i].clone(),
        })
        .filter(|s| s.score > 0)
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.kind.cmp(&b.kind)));
    out
}

/// The ranking, and the devices on sale of the two best kinds in the categories that fit.
pub fn advise(store: &Store, answers: &Answers) -> Result<Advice> {
    let suggestions = rank(answers);
    let mut devices = Vec::new();
    for s in suggestions.iter().take(2) {
        let available = stock::list(
            store,
            &StockQuery {
                kind: Some(s.kind),
                state: Some(DeviceState::Available),
                ..StockQuery::default()
            },
        )?;
        devices.extend(
            available
                .into_iter()
                .filter(|d| d.category.is_some_and(|c| s.categories.contains(&c)))
                .take(5),
        );
    }
    Ok(Advice { suggestions, devices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retiree_starting_out_and_a_design_student_get_different_advice() {
        let retiree = rank(&Answers {
            uses: vec![Use::Administrative, Use::VideoCalls],
            place: Place::Home,
            screen: ScreenWish::Large,
            first_device: true,
        });
        let student = rank(&Answers {
            uses: vec![Use::Studies, Use::Creative],
            place: Place::OnTheMove,
            screen: ScreenWish::Medium,
            first_device: false,
        });
        assert_eq!(retiree[0].kind, DeviceKind::Tablet, "{retiree:?}");
        assert_eq!(retiree[0].categories[0], Category::C);
        assert_eq!(student[0].kind, DeviceKind::Laptop, "{student:?}");
        assert_eq!(student[0].categories, [Category::A, Category::Premium]);
        assert!(
            student.iter().all(|s| s.kind != DeviceKind::Desktop),
            "a desktop does not travel"
        );
        assert!(!student[0].why.is_empty());
    }

    #[test]
    fn advice_lists_devices_on_sale_in_the_right_categories() {
        let mut store = Store::open_in_memory().unwrap();
        crate::demo::load(&mut store, &crate::operators::Actor::internal("test")).unwrap();
        let advice = advise(
            &store,
            &Answers {
                uses: vec![Use::JobSearch],
                place: Place::Both,
                screen: ScreenWish::Medium,
                first_device: false,
            },
        )
        .unwrap();
        assert_eq!(advice.suggestions[0].kind, DeviceKind::Laptop);
        assert!(!advice.devices.is_empty());
        assert!(advice
            .devices
            .iter()
            .all(|d| d.state == DeviceState::Available && d.category >= Some(Category::C)));
    }
}
