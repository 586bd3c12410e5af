//! Brands: international toy, baby and school makers, Russian publishers and manufacturers,
//! and local Uzbek companies, each with the trade groups it sells in.

use crate::model::Brand;
use crate::taxonomy::Group::{self, *};

/// A brand and the groups its ordinary products belong to. A brand with no groups appears
/// only on planted unsafe listings.
pub(crate) struct BrandSpec {
    pub(crate) name: &'static str,
    /// How texts write a local name: `[Uzbek Latin, Uzbek Cyrillic, Russian, English]`
    /// (`Kichkintoy`, `Кичкинтой`, `Кичкинтой`, `Kichkintoy`). International names are
    /// written as they are everywhere.
    pub(crate) forms: Option<[&'static str; 4]>,
    pub(crate) groups: &'static [Group],
}

const fn brand(name: &'static str, groups: &'static [Group]) -> BrandSpec {
    BrandSpec {
        name,
        forms: None,
        groups,
    }
}

const fn local_brand(
    name: &'static str,
    forms: [&'static str; 4],
    groups: &'static [Group],
) -> BrandSpec {
    BrandSpec {
        name,
        forms: Some(forms),
        groups,
    }
}

/// The brand generic listings use; real marketplaces are full of them.
pub(crate) const NO_BRAND: &str = "Noname";

pub(crate) const BRANDS: &[BrandSpec] = &[
    brand("LEGO", &[Toys, Learning]),
    brand("Hasbro", &[Toys, Games]),
    brand("Mattel", &[Toys, Games]),
    brand("Hot Wheels", &[Toys]),
    brand("Barbie", &[Toys]),
    brand("Playmobil", &[Toys]),
    brand("Hape", &[Toys, Games, Learning]),
    brand("Melissa & Doug", &[Toys, Games, Arts, Learning]),
    brand("Bright Starts", &[Toys, Baby]),
    brand("Fisher-Price", &[Toys, Baby, Learning]),
    brand("VTech", &[Toys, Electronics, Learning]),
    brand("Chicco", &[Baby, Toys]),
    brand("Faber-Castell", &[School, Arts]),
    brand("Crayola", &[Arts, School]),
    brand("Ravensburger", &[Games]),
    brand("Clementoni", &[Games, Learning]),
    brand("Janod", &[Toys, Games]),
    brand("Djeco", &[Games, Arts]),
    brand("Spin Master", &[Toys, Games, Arts]),
    brand("Bburago", &[Toys]),
    brand("Polesie", &[Toys, Sport]),
    brand("Smoby", &[Toys, Sport]),
    brand("Little Tikes", &[Toys, Sport]),
    brand("Intex", &[Sport]),
    brand("Play-Doh", &[Arts]),
    brand("Giotto", &[Arts, School]),
    brand("Staedtler", &[School, Arts]),
    brand("Maped", &[School, Arts]),
    brand("ErichKrause", &[School]),
    brand("Hatber", &[School]),
    brand("Brauberg", &[School, Arts]),
    brand("Deli", &[School]),
    brand("Philips Avent", &[Baby]),
    brand("Pigeon", &[Baby]),
    brand("Tommee Tippee", &[Baby]),
    brand("NUK", &[Baby]),
    brand("Pampers", &[Baby]),
    brand("Huggies", &[Baby]),
    brand("Joie", &[Baby]),
    brand("Cybex", &[Baby]),
    brand("Happy Baby", &[Baby]),
    brand("Stels", &[Sport]),
    brand("Forward", &[Sport]),
    brand("Tramp", &[Sport]),
    brand("Torres", &[Sport]),
    brand("Micro", &[Sport]),
    brand("Globber", &[Sport]),
    brand("Elari", &[Electronics]),
    brand("JBL", &[Electronics]),
    brand("Smart Baby Watch", &[Electronics]),
    brand("Xiaomi", &[Electronics]),
    brand("Kinder", &[Party]),
    brand("Crafers", &[Party]),
    local_brand(
        "Рот Фронт",
        ["Rot Front", "Рот Фронт", "Рот Фронт", "Rot Front"],
        &[Party],
    ),
    local_brand(
        "Котофей",
        ["Kotofey", "Котофей", "Котофей", "Kotofey"],
        &[Shoes],
    ),
    brand("Kapika", &[Shoes]),
    brand("Skechers", &[Shoes]),
    brand("Ecco", &[Shoes]),
    brand("Bonu Kids", &[Clothing]),
    brand("Anjan Textile", &[Clothing]),
    brand("Nur Tekstil", &[Clothing]),
    brand("Gloria Jeans", &[Clothing]),
    local_brand("Sharq", ["Sharq", "Шарқ", "Шарк", "Sharq"], &[Books]),
    local_brand(
        "Yangi asr avlodi",
        [
            "Yangi asr avlodi",
            "Янги аср авлоди",
            "Янги аср авлоди",
            "Yangi Asr Avlodi",
        ],
        &[Books],
    ),
    local_brand(
        "G‘afur G‘ulom nashriyoti",
        [
            "G‘afur G‘ulom nashriyoti",
            "Ғафур Ғулом нашриёти",
            "Издательство Гафура Гуляма",
            "Gafur Gulom Publishing",
        ],
        &[Books],
    ),
    local_brand(
        "Akademnashr",
        ["Akademnashr", "Академнашр", "Академнашр", "Akademnashr"],
        &[Books, Learning],
    ),
    brand("Asaxiy Books", &[Books]),
    local_brand("Росмэн", ["Rosmen", "Росмэн", "Росмэн", "Rosmen"], &[Books]),
    local_brand("Эксмо", ["Eksmo", "Эксмо", "Эксмо", "Eksmo"], &[Books]),
    local_brand(
        "Махаон",
        ["Makhaon", "Махаон", "Махаон", "Makhaon"],
        &[Books],
    ),
    local_brand(
        "Умка",
        ["Umka", "Умка", "Умка", "Umka"],
        &[Toys, Books, Electronics],
    ),
    local_brand(
        "Играем вместе",
        [
            "Igraem Vmeste",
            "Играем вместе",
            "Играем вместе",
            "Igraem Vmeste",
        ],
        &[Toys],
    ),
    local_brand(
        "Десятое королевство",
        [
            "Desyatoe Korolevstvo",
            "Десятое королевство",
            "Десятое королевство",
            "Desyatoe Korolevstvo",
        ],
        &[Games, Learning],
    ),
    local_brand(
        "Мир деревянных игрушек",
        [
            "Mir Derevyannykh Igrushek",
            "Мир деревянных игрушек",
            "Мир деревянных игрушек",
            "Mir Derevyannykh Igrushek",
        ],
        &[Toys, Games],
    ),
    local_brand(
        "Kichkintoy",
        ["Kichkintoy", "Кичкинтой", "Кичкинтой", "Kichkintoy"],
        &[Toys, Baby],
    ),
    local_brand(
        "Zukko",
        ["Zukko", "Зукко", "Зукко", "Zukko"],
        &[Learning, Games],
    ),
    local_brand(
        "Samarqand Hunarmand",
        [
            "Samarqand Hunarmand",
            "Самарқанд Ҳунарманд",
            "Самарканд Хунарманд",
            "Samarkand Hunarmand",
        ],
        &[Toys, Party],
    ),
    brand("Gemar", &[Party]),
    brand(
        NO_BRAND,
        &[
            Toys,
            Games,
            School,
            Arts,
            Baby,
            Clothing,
            Shoes,
            Sport,
            Electronics,
            Party,
        ],
    ),
    // Brands seen only on planted unsafe listings.
    brand("Elf Bar", &[]),
    brand("HQD", &[]),
    brand("Smok", &[]),
    brand("IQOS", &[]),
    brand("Darkside", &[]),
    brand("Victorinox", &[]),
    brand("Ganzo", &[]),
    brand("Gamo", &[]),
    brand("Baikal", &[]),
    brand("Durex", &[]),
    brand("Mon Chéri", &[]),
    brand("Bagizagan", &[]),
    brand("Sarbast", &[]),
    brand("Abrau-Durso", &[]),
    brand("Neocube", &[]),
];

/// Returns the brands, identified from 1 in table order.
pub(crate) fn brands() -> Vec<Brand> {
    BRANDS
        .iter()
        .zip(1..)
        .map(|(spec, id)| Brand {
            id,
            name: spec.name.to_owned(),
        })
        .collect()
}

/// Returns the identifier of the brand with this name.
pub(crate) fn brand_id(name: &str) -> Option<u64> {
    BRANDS
        .iter()
        .position(|spec| spec.name == name)
        .map(|index| index as u64 + 1)
}
