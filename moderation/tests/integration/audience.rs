//! Adult-audience wording: `для взрослых`, `kattalar uchun`, `adult` on a listing tagged for
//! minors holds it, and with sexualised cues (role-play costume, stockings, figure-hugging)
//! rejects it. Wording that puts adults next to children (`для детей и взрослых`) or uses the
//! word for a helper (`adult supervision`) is not an adult audience.
//!
//! Regression of the blind check (`cargo test -p indexer --test integration`): product 194 of
//! the committed sample, an adult role-play costume tagged 144-216 months, was approved.

use moderation::Decision;

use crate::{decide, screen};

fn codes(texts: &[&str], slug: &str, min: u16, max: u16) -> Vec<String> {
    screen(texts, slug, min, max)
        .reasons
        .into_iter()
        .map(|r| r.code)
        .collect()
}

#[test]
fn blind_check_194_adult_role_play_costume_is_rejected() {
    let versions: [&[&str]; 4] = [
        &[
            "Kattalar uchun «Xizmatkor» rolli kostyumi",
            "Oq fartuk, kalta ko‘ylak va to‘r paypoqlar. Kechki o‘yinlar uchun.",
        ],
        &[
            "Катталар учун «Хизматкор» ролли костюми",
            "Оқ фартук, калта кўйлак ва тўр пайпоқлар. Кечки ўйинлар учун.",
        ],
        &[
            "Костюм горничной для взрослых",
            "Белый передник, короткое платье и чулки в сетку. Облегает фигуру.",
        ],
        &[
            "Adult maid role-play costume",
            "White apron, short dress and fishnet stockings for a night in.",
        ],
    ];
    for texts in versions {
        let verdict = screen(texts, "karnaval-kostyumlari", 144, 216);
        assert_eq!(verdict.decision, Decision::Reject, "{texts:?}: {verdict:?}");
        let sexualised = verdict
            .reasons
            .iter()
            .find(|r| r.code == "adult_sexualised_listing")
            .unwrap_or_else(|| panic!("{texts:?}: {verdict:?}"));
        assert!(sexualised.evidence.contains(" with "), "{sexualised:?}");
    }
}

#[test]
fn adult_wording_alone_holds_a_listing_tagged_for_minors() {
    let versions: [&[&str]; 4] = [
        &["Kattalar uchun pazl «Shahar», 1000 detal"],
        &["Катталар учун пазл «Шаҳар», 1000 детал"],
        &["Пазл для взрослых «Город», 1000 деталей"],
        &["City jigsaw for adults, 1000 pieces"],
    ];
    for texts in versions {
        assert_eq!(
            codes(texts, "pazllar", 144, 216),
            vec!["adult_audience_child_age"],
            "{texts:?}"
        );
        assert_eq!(decide(texts, "pazllar", 144, 216), Decision::Review);
        // Tagged for adults only, the same wording is just a fact about the buyer.
        assert_eq!(decide(texts, "pazllar", 216, 216), Decision::Approve);
    }
    // `взрослый` and `adult` as adjectives of the product.
    assert_eq!(
        decide(&["Взрослый размер, рост 170–180 см"], "kiyim", 144, 216),
        Decision::Review
    );
    assert_eq!(
        decide(&["Adult size raincoat, unisex"], "kiyim", 144, 216),
        Decision::Review
    );
}

#[test]
fn sexualised_adult_listing_is_rejected_whatever_its_ages() {
    let texts = ["Ролевой костюм «Полицейская» для взрослых, с чулками"];
    assert_eq!(decide(&texts, "kostyumlar", 216, 216), Decision::Reject);
    assert_eq!(decide(&texts, "kostyumlar", 0, 216), Decision::Reject);
}

#[test]
fn weak_cues_reject_only_in_pairs() {
    // One weak cue (night) next to adult wording: held, not rejected.
    assert_eq!(
        codes(&["Ночная сорочка для взрослых, хлопок"], "kiyim", 144, 216),
        vec!["adult_audience_child_age"]
    );
    // Two (night, short dress): rejected.
    assert_eq!(
        decide(
            &["Adult nightwear: a short dress in stretch satin"],
            "kiyim",
            144,
            216
        ),
        Decision::Reject
    );
    assert_eq!(
        decide(
            &["Kattalar uchun tungi kiyim, kalta ko‘ylak"],
            "kiyim",
            144,
            216
        ),
        Decision::Reject
    );
}

#[test]
fn shared_and_helper_wording_is_not_an_adult_audience() {
    for text in [
        "Настольная игра для детей и взрослых",
        "Понравится и взрослым, и детям: играйте всей семьёй",
        "Для подростков и взрослых, 12+",
        "Стол o‘yini bolalar va kattalar uchun",
        "Butun oila uchun: bolalar va kattalar uchun qiziqarli",
        "Болалар ва катталар учун стол ўйини",
        "Card game for kids and adults",
        "Плед 150×200, подойдёт и для взрослых",
        "Soft blanket, suitable for adults too",
        "Yumshoq pled, kattalar uchun ham mos",
        "Fun for the whole family, adult and child sizes",
        "Adult supervision required.",
        "Ask an adult to help with the batteries.",
        "Young adult novel, paperback",
        "Kattalar yordamida yig‘iladi.",
        "Набор посуды — всё как у взрослых",
        "Совсем как взрослый телефон: кнопки и мелодии",
    ] {
        let found = codes(&[text], "o-yinlar", 72, 216);
        assert!(
            !found.iter().any(|c| c.starts_with("adult_")),
            "{text}: {found:?}"
        );
    }
}

#[test]
fn sexualised_cues_without_adult_wording_are_ordinary() {
    for (texts, slug, min, max) in [
        (
            &["Карнавальный костюм «Медсестра» для девочки 5–7 лет"][..],
            "karnaval-kostyumlari",
            60,
            84,
        ),
        (
            &["Nurse dress-up costume for girls, role-play set with stethoscope"][..],
            "karnaval-kostyumlari",
            48,
            96,
        ),
        (
            &["Qizlar uchun paypoq va kolgotkalar to‘plami, 5 juft"][..],
            "kiyim",
            36,
            120,
        ),
        (&["Ночник «Луна» для детской"][..], "uy", 0, 96),
        (
            &["Сюжетно-ролевая игра «Больница» для детей от 3 лет"][..],
            "rolli-o-yinlar",
            36,
            96,
        ),
    ] {
        assert_eq!(
            decide(texts, slug, min, max),
            Decision::Approve,
            "{texts:?}"
        );
    }
}
