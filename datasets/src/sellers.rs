//! Sellers: shops across the regions of Uzbekistan, each trading in a few groups.

use crate::model::Seller;
use crate::taxonomy::Group::{self, *};

pub(crate) struct SellerSpec {
    pub(crate) name: &'static str,
    pub(crate) slug: &'static str,
    pub(crate) region: &'static str,
    pub(crate) groups: &'static [Group],
}

const fn seller(
    name: &'static str,
    slug: &'static str,
    region: &'static str,
    groups: &'static [Group],
) -> SellerSpec {
    SellerSpec {
        name,
        slug,
        region,
        groups,
    }
}

const TOSHKENT: &str = "Toshkent";
const TOSHKENT_VILOYATI: &str = "Toshkent viloyati";
const SAMARQAND: &str = "Samarqand";
const BUXORO: &str = "Buxoro";
const ANDIJON: &str = "Andijon";
const FARGONA: &str = "Farg‘ona";
const NAMANGAN: &str = "Namangan";
const QASHQADARYO: &str = "Qashqadaryo";
const SURXONDARYO: &str = "Surxondaryo";
const XORAZM: &str = "Xorazm";
const NAVOIY: &str = "Navoiy";
const JIZZAX: &str = "Jizzax";
const SIRDARYO: &str = "Sirdaryo";
const QORAQALPOGISTON: &str = "Qoraqalpog‘iston";

pub(crate) const SELLERS: &[SellerSpec] = &[
    seller(
        "Kichkintoy Market",
        "kichkintoy-market",
        TOSHKENT,
        &[Toys, Games, Baby],
    ),
    seller(
        "O‘yinchoqlar Olami",
        "oyinchoqlar-olami",
        TOSHKENT,
        &[Toys, Games],
    ),
    seller(
        "Bolalar Dunyosi Samarqand",
        "bolalar-dunyosi-samarqand",
        SAMARQAND,
        &[Toys, Games, Books, School],
    ),
    seller(
        "Zukko Bola",
        "zukko-bola",
        TOSHKENT,
        &[Learning, Games, Books],
    ),
    seller("Kitob Uyi", "kitob-uyi", TOSHKENT, &[Books]),
    seller(
        "Asaxiy Kids",
        "asaxiy-kids",
        TOSHKENT,
        &[Books, Learning, Electronics],
    ),
    seller("Maktab Market", "maktab-market", TOSHKENT, &[School, Books]),
    seller(
        "Kanselyariya Plus",
        "kanselyariya-plus",
        NAMANGAN,
        &[School, Arts],
    ),
    seller("Mitti Qadam", "mitti-qadam", ANDIJON, &[Shoes]),
    seller(
        "Baby Shop Farg‘ona",
        "baby-shop-fargona",
        FARGONA,
        &[Baby, Clothing],
    ),
    seller("Onajon", "onajon", BUXORO, &[Baby, Clothing]),
    seller("Toy Box Namangan", "toy-box-namangan", NAMANGAN, &[Toys]),
    seller(
        "Konstruktor.uz",
        "konstruktor-uz",
        TOSHKENT,
        &[Toys, Learning],
    ),
    seller("Robo Kids", "robo-kids", TOSHKENT, &[Learning, Electronics]),
    seller(
        "Gulshan Kids Wear",
        "gulshan-kids-wear",
        ANDIJON,
        &[Clothing, School],
    ),
    seller("Anjan Kiyim", "anjan-kiyim", ANDIJON, &[Clothing]),
    seller("Velo Kids", "velo-kids", TOSHKENT, &[Sport]),
    seller("Sport Bola", "sport-bola", SAMARQAND, &[Sport]),
    seller("Shirin Bayram", "shirin-bayram", TOSHKENT, &[Party]),
    seller("Sovg‘alar Uyi", "sovgalar-uyi", SAMARQAND, &[Party, Toys]),
    seller("Rassom", "rassom", BUXORO, &[Arts, School]),
    seller("Ijod Markazi", "ijod-markazi", XORAZM, &[Arts, Learning]),
    seller("Xiva Toys", "xiva-toys", XORAZM, &[Toys]),
    seller(
        "Nukus Bolalar Do‘koni",
        "nukus-bolalar-dokoni",
        QORAQALPOGISTON,
        &[Toys, Clothing, School],
    ),
    seller(
        "Qarshi Kids",
        "qarshi-kids",
        QASHQADARYO,
        &[Toys, Clothing, Shoes],
    ),
    seller("Termiz Baby", "termiz-baby", SURXONDARYO, &[Baby]),
    seller("Navoiy Kitob", "navoiy-kitob", NAVOIY, &[Books, School]),
    seller(
        "Jizzax Market",
        "jizzax-market",
        JIZZAX,
        &[Toys, School, Sport],
    ),
    seller(
        "Guliston Bolajon",
        "guliston-bolajon",
        SIRDARYO,
        &[Toys, Baby],
    ),
    seller(
        "Smart Kids Electronics",
        "smart-kids-electronics",
        TOSHKENT,
        &[Electronics],
    ),
    seller("Gadget Bola", "gadget-bola", TOSHKENT, &[Electronics, Toys]),
    seller(
        "Детский Уголок",
        "detskiy-ugolok",
        TOSHKENT,
        &[Toys, Baby, Clothing],
    ),
    seller("Малыш и Мама", "malysh-i-mama", TOSHKENT, &[Baby]),
    seller("Книжный Домик", "knizhnyy-domik", TOSHKENT, &[Books]),
    seller("Канцлер", "kantsler", SAMARQAND, &[School]),
    seller("Пазл-Центр", "pazl-tsentr", TOSHKENT, &[Games]),
    seller(
        "Игрушки Оптом Ташкент",
        "igrushki-optom-tashkent",
        TOSHKENT,
        &[Toys, Party],
    ),
    seller("Kid Style", "kid-style", TOSHKENT, &[Clothing, Shoes]),
    seller("Little Step", "little-step", FARGONA, &[Shoes]),
    seller(
        "Happy Kids Namangan",
        "happy-kids-namangan",
        NAMANGAN,
        &[Toys, Games, Party],
    ),
    seller("Mama Market", "mama-market", TOSHKENT_VILOYATI, &[Baby]),
    seller("Chaqaloq", "chaqaloq", SAMARQAND, &[Baby]),
    seller(
        "Bog‘cha Market",
        "bogcha-market",
        TOSHKENT_VILOYATI,
        &[Toys, Learning, Arts],
    ),
    seller(
        "Aqlli O‘yinlar",
        "aqlli-oyinlar",
        TOSHKENT,
        &[Games, Learning],
    ),
    seller("Ertak", "ertak", BUXORO, &[Books, Toys]),
    seller("Sehrli Bog‘", "sehrli-bog", FARGONA, &[Toys, Party]),
    seller("Quvonch", "quvonch", ANDIJON, &[Toys, Party, Clothing]),
    seller("Yulduzcha", "yulduzcha", QASHQADARYO, &[Toys, Clothing]),
    seller("Bolakay", "bolakay", NAVOIY, &[Toys, Baby]),
    seller(
        "Sport Market Kids",
        "sport-market-kids",
        TOSHKENT,
        &[Sport, Shoes],
    ),
    seller("Outdoor Family", "outdoor-family", TOSHKENT, &[Sport]),
    seller("Suv Dunyosi", "suv-dunyosi", XORAZM, &[Sport]),
    seller(
        "Maktabga Tayyor",
        "maktabga-tayyor",
        JIZZAX,
        &[School, Clothing],
    ),
    seller("Forma Shop", "forma-shop", TOSHKENT, &[Clothing, School]),
    seller("ShirinLand", "shirinland", SAMARQAND, &[Party]),
    seller("Tech Bolalar", "tech-bolalar", FARGONA, &[Electronics]),
    seller("Bebi Mir", "bebi-mir", NAMANGAN, &[Baby, Toys]),
    seller(
        "Умный Ребёнок",
        "umnyy-rebenok",
        TOSHKENT,
        &[Learning, Books],
    ),
    seller(
        "Orzu Kids",
        "orzu-kids",
        SURXONDARYO,
        &[Toys, Clothing, School],
    ),
    seller(
        "Buxoro Hunarmand",
        "buxoro-hunarmand",
        BUXORO,
        &[Toys, Party, Arts],
    ),
    seller(
        "Mega Toys Tashkent",
        "mega-toys-tashkent",
        TOSHKENT,
        &[Toys, Games, Sport, Electronics],
    ),
    seller(
        "Tez Yetkaz",
        "tez-yetkaz",
        TOSHKENT,
        &[Toys, Baby, School, Party, Electronics, Sport, Shoes],
    ),
];

/// Returns the sellers, identified from 1 in table order.
pub(crate) fn sellers() -> Vec<Seller> {
    SELLERS
        .iter()
        .zip(1..)
        .map(|(spec, id)| Seller {
            id,
            name: spec.name.to_owned(),
            slug: spec.slug.to_owned(),
            region: spec.region.to_owned(),
        })
        .collect()
}
