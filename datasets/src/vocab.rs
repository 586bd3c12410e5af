//! Word tables: the building blocks of product titles, descriptions and option values.
//!
//! Uzbek is written here in the Latin script only; the Cyrillic form is derived by
//! [`crate::uzbek_script`]. Russian nouns carry their gender and nominative plural so that
//! adjectives, participles and verbs agree; English nouns carry their plural, and a noun whose
//! plural equals its singular (`scissors`) is treated as plural.

/// Grammatical gender of a Russian noun; `Plural` also covers pluralia tantum (`брюки`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Masculine,
    Feminine,
    Neuter,
    Plural,
}

impl Gender {
    /// Picks the form agreeing with this gender from `[masculine, feminine, neuter, plural]`.
    pub(crate) fn pick(self, forms: [&'static str; 4]) -> &'static str {
        match self {
            Gender::Masculine => forms[0],
            Gender::Feminine => forms[1],
            Gender::Neuter => forms[2],
            Gender::Plural => forms[3],
        }
    }
}

/// A fixed text in Uzbek (Latin), Russian and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub(crate) uz: &'static str,
    pub(crate) ru: &'static str,
    pub(crate) en: &'static str,
}

pub(crate) const fn phrase(uz: &'static str, ru: &'static str, en: &'static str) -> Phrase {
    Phrase { uz, ru, en }
}

/// A product noun (`pazl`, `пазл`, `jigsaw puzzle`) with its plurals.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Noun {
    pub(crate) uz: &'static str,
    pub(crate) uz_plural: &'static str,
    pub(crate) ru: &'static str,
    pub(crate) ru_plural: &'static str,
    pub(crate) gender: Gender,
    pub(crate) en: &'static str,
    pub(crate) en_plural: &'static str,
}

impl Noun {
    /// Whether the English noun is plural (`trousers`, `headphones`).
    pub(crate) fn en_is_plural(&self) -> bool {
        self.en == self.en_plural
    }

    /// The Uzbek plural with the third-person possessive, as after a brand
    /// (`LEGO konstruktorlari`); compounds already carrying it are left as they are.
    pub(crate) fn uz_plural_possessive(&self) -> String {
        if self.uz_plural.ends_with("lar") {
            format!("{}i", self.uz_plural)
        } else {
            self.uz_plural.to_owned()
        }
    }
}

pub(crate) const fn noun(
    uz: [&'static str; 2],
    ru: [&'static str; 2],
    gender: Gender,
    en: [&'static str; 2],
) -> Noun {
    Noun {
        uz: uz[0],
        uz_plural: uz[1],
        ru: ru[0],
        ru_plural: ru[1],
        gender,
        en: en[0],
        en_plural: en[1],
    }
}

/// An adjective placed before the noun; Russian in `[m, f, n, pl]` forms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adjective {
    pub(crate) uz: &'static str,
    pub(crate) ru: [&'static str; 4],
    pub(crate) en: &'static str,
}

pub(crate) const fn adjective(
    uz: &'static str,
    ru: [&'static str; 4],
    en: &'static str,
) -> Adjective {
    Adjective { uz, ru, en }
}

/// What a product is made of: `tabiiy yog‘ochdan` / `из натурального дерева` / `natural wood`,
/// with the adjective a title may use for it (`Yog‘och` / `Деревянный` / `Wooden`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Material {
    /// Uzbek ablative ("made from …").
    pub(crate) uz_from: &'static str,
    /// Russian genitive, after `из`.
    pub(crate) ru_of: &'static str,
    /// English, after `made of`.
    pub(crate) en: &'static str,
    pub(crate) adjective: Option<Adjective>,
}

const fn material(
    uz_from: &'static str,
    ru_of: &'static str,
    en: &'static str,
    adjective: Option<Adjective>,
) -> Material {
    Material {
        uz_from,
        ru_of,
        en,
        adjective,
    }
}

/// A counting unit: Uzbek does not inflect after numerals, Russian takes
/// `[one, few, many]` (1 деталь, 2 детали, 5 деталей), English `[one, many]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    pub(crate) uz: &'static str,
    pub(crate) ru: [&'static str; 3],
    pub(crate) en: [&'static str; 2],
}

/// A size step of a category: a count shown in the title (pieces, pages, cm), the ages it
/// suits in months, and its price range in so‘m.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tier {
    pub(crate) count: u32,
    pub(crate) age_min: u16,
    pub(crate) age_max: u16,
    pub(crate) price_min: u32,
    pub(crate) price_max: u32,
}

pub(crate) const fn tier(count: u32, ages: (u16, u16), price: (u32, u32)) -> Tier {
    Tier {
        count,
        age_min: ages.0,
        age_max: ages.1,
        price_min: price.0,
        price_max: price.1,
    }
}

// Units.

pub(crate) const PIECES: Unit = Unit {
    uz: "dona",
    ru: ["деталь", "детали", "деталей"],
    en: ["piece", "pieces"],
};
pub(crate) const ITEMS: Unit = Unit {
    uz: "dona",
    ru: ["предмет", "предмета", "предметов"],
    en: ["item", "items"],
};
pub(crate) const PAGES: Unit = Unit {
    uz: "bet",
    ru: ["страница", "страницы", "страниц"],
    en: ["page", "pages"],
};
pub(crate) const SHEETS: Unit = Unit {
    uz: "varaq",
    ru: ["лист", "листа", "листов"],
    en: ["sheet", "sheets"],
};
pub(crate) const COLOURS_UNIT: Unit = Unit {
    uz: "rang",
    ru: ["цвет", "цвета", "цветов"],
    en: ["colour", "colours"],
};
pub(crate) const PCS: Unit = Unit {
    uz: "dona",
    ru: ["шт.", "шт.", "шт."],
    en: ["pc", "pcs"],
};
pub(crate) const CM: Unit = Unit {
    uz: "sm",
    ru: ["см", "см", "см"],
    en: ["cm", "cm"],
};

// Option values.

pub(crate) const COLOURS: &[Phrase] = &[
    phrase("qizil", "красный", "red"),
    phrase("ko‘k", "синий", "blue"),
    phrase("havorang", "голубой", "light blue"),
    phrase("yashil", "зелёный", "green"),
    phrase("sariq", "жёлтый", "yellow"),
    phrase("pushti", "розовый", "pink"),
    phrase("binafsha", "фиолетовый", "purple"),
    phrase("to‘q sariq", "оранжевый", "orange"),
    phrase("oq", "белый", "white"),
    phrase("qora", "чёрный", "black"),
    phrase("kulrang", "серый", "grey"),
    phrase("jigarrang", "коричневый", "brown"),
    phrase("bej", "бежевый", "beige"),
    phrase("yalpiz rang", "мятный", "mint"),
];

pub(crate) const UNIFORM_COLOURS: &[Phrase] = &[
    phrase("to‘q ko‘k", "тёмно-синий", "navy"),
    phrase("qora", "чёрный", "black"),
    phrase("kulrang", "серый", "grey"),
    phrase("oq", "белый", "white"),
];

pub(crate) const FLAVOURS: &[Phrase] = &[
    phrase("mango", "манго", "mango"),
    phrase("tarvuz", "арбуз", "watermelon"),
    phrase("qulupnay", "клубника", "strawberry"),
    phrase("yalpiz", "мята", "mint"),
    phrase("uzum", "виноград", "grape"),
    phrase("muzli yalpiz", "ледяная мята", "ice mint"),
    phrase("ko‘k malina", "голубая малина", "blue razz"),
];

pub(crate) const EDITION_LANGUAGES: &[Phrase] = &[
    phrase("o‘zbek tilida", "на узбекском", "Uzbek"),
    phrase("rus tilida", "на русском", "Russian"),
    phrase("ingliz tilida", "на английском", "English"),
];

pub(crate) const COVERS: &[Phrase] = &[
    phrase("qattiq muqova", "твёрдая обложка", "hardcover"),
    phrase("yumshoq muqova", "мягкая обложка", "paperback"),
];

pub(crate) const RULINGS: &[Phrase] = &[
    phrase("katak", "клетка", "squared"),
    phrase("chiziqli", "линейка", "lined"),
];

pub(crate) const ADULT_SIZES: &[&str] = &["S", "M", "L", "XL"];

/// Diaper sizes: label and weight range in kilograms.
pub(crate) const DIAPER_SIZES: &[(&str, &str)] = &[
    ("1", "2–5"),
    ("2", "3–6"),
    ("3", "4–9"),
    ("4", "7–18"),
    ("5", "11–25"),
    ("6", "15+"),
];

// Adjectives.

pub(crate) const WOODEN: Adjective = adjective(
    "yog‘och",
    ["деревянный", "деревянная", "деревянное", "деревянные"],
    "wooden",
);
pub(crate) const CARDBOARD: Adjective = adjective(
    "karton",
    ["картонный", "картонная", "картонное", "картонные"],
    "cardboard",
);
pub(crate) const PLASTIC: Adjective = adjective(
    "plastik",
    ["пластиковый", "пластиковая", "пластиковое", "пластиковые"],
    "plastic",
);
pub(crate) const SILICONE: Adjective = adjective(
    "silikon",
    ["силиконовый", "силиконовая", "силиконовое", "силиконовые"],
    "silicone",
);
pub(crate) const BAMBOO: Adjective = adjective(
    "bambuk",
    ["бамбуковый", "бамбуковая", "бамбуковое", "бамбуковые"],
    "bamboo",
);
pub(crate) const DIE_CAST: Adjective = adjective(
    "metall",
    [
        "металлический",
        "металлическая",
        "металлическое",
        "металлические",
    ],
    "die-cast",
);
pub(crate) const LEATHER: Adjective = adjective(
    "charm",
    ["кожаный", "кожаная", "кожаное", "кожаные"],
    "leather",
);
pub(crate) const RUBBER: Adjective = adjective(
    "rezina",
    ["резиновый", "резиновая", "резиновое", "резиновые"],
    "rubber",
);
pub(crate) const INTERACTIVE: Adjective = adjective(
    "interaktiv",
    [
        "интерактивный",
        "интерактивная",
        "интерактивное",
        "интерактивные",
    ],
    "interactive",
);
pub(crate) const TALKING: Adjective = adjective(
    "gapiruvchi",
    ["говорящий", "говорящая", "говорящее", "говорящие"],
    "talking",
);
pub(crate) const MUSICAL: Adjective = adjective(
    "musiqiy",
    ["музыкальный", "музыкальная", "музыкальное", "музыкальные"],
    "musical",
);
pub(crate) const FRICTION: Adjective = adjective(
    "inersiyali",
    ["инерционный", "инерционная", "инерционное", "инерционные"],
    "friction-powered",
);
pub(crate) const LARGE: Adjective = adjective(
    "katta",
    ["большой", "большая", "большое", "большие"],
    "large",
);
pub(crate) const HIGH_SPEED: Adjective = adjective(
    "tezkor",
    ["скоростной", "скоростная", "скоростное", "скоростные"],
    "high-speed",
);
pub(crate) const BRIGHT: Adjective =
    adjective("yorqin", ["яркий", "яркая", "яркое", "яркие"], "bright");
pub(crate) const COLOURFUL: Adjective = adjective(
    "rang-barang",
    [
        "разноцветный",
        "разноцветная",
        "разноцветное",
        "разноцветные",
    ],
    "colourful",
);
pub(crate) const ILLUSTRATED: Adjective = adjective(
    "rang-barang",
    ["красочный", "красочная", "красочное", "красочные"],
    "illustrated",
);
pub(crate) const KIDS: Adjective = adjective(
    "bolalarbop",
    ["детский", "детская", "детское", "детские"],
    "kids'",
);
pub(crate) const COLLECTIBLE: Adjective = adjective(
    "kolleksion",
    [
        "коллекционный",
        "коллекционная",
        "коллекционное",
        "коллекционные",
    ],
    "collectible",
);
pub(crate) const FAMILY: Adjective = adjective(
    "oilaviy",
    ["семейный", "семейная", "семейное", "семейные"],
    "family",
);
pub(crate) const EDUCATIONAL: Adjective = adjective(
    "ta’limiy",
    ["обучающий", "обучающая", "обучающее", "обучающие"],
    "educational",
);
pub(crate) const GIFT: Adjective = adjective(
    "sovg‘abop",
    ["подарочный", "подарочная", "подарочное", "подарочные"],
    "gift",
);
pub(crate) const ORTHOPAEDIC: Adjective = adjective(
    "ortopedik",
    [
        "ортопедический",
        "ортопедическая",
        "ортопедическое",
        "ортопедические",
    ],
    "orthopaedic",
);
pub(crate) const LIGHTWEIGHT: Adjective = adjective(
    "yengil",
    ["лёгкий", "лёгкая", "лёгкое", "лёгкие"],
    "lightweight",
);
pub(crate) const TWO_COMPARTMENT: Adjective = adjective(
    "ikki bo‘limli",
    [
        "двухсекционный",
        "двухсекционная",
        "двухсекционное",
        "двухсекционные",
    ],
    "two-compartment",
);
pub(crate) const SOFT: Adjective =
    adjective("yumshoq", ["мягкий", "мягкая", "мягкое", "мягкие"], "soft");
pub(crate) const SOUND: Adjective = adjective(
    "tovushli",
    ["звуковой", "звуковая", "звуковое", "звуковые"],
    "sound",
);
pub(crate) const ANTI_COLIC: Adjective = adjective(
    "antikolik",
    [
        "антиколиковый",
        "антиколиковая",
        "антиколиковое",
        "антиколиковые",
    ],
    "anti-colic",
);
pub(crate) const ORTHODONTIC: Adjective = adjective(
    "ortodontik",
    [
        "ортодонтический",
        "ортодонтическая",
        "ортодонтическое",
        "ортодонтические",
    ],
    "orthodontic",
);
pub(crate) const FOLDABLE: Adjective = adjective(
    "yig‘ma",
    ["складной", "складная", "складное", "складные"],
    "foldable",
);
pub(crate) const ULTRA_THIN: Adjective = adjective(
    "ultra yupqa",
    [
        "ультратонкий",
        "ультратонкая",
        "ультратонкое",
        "ультратонкие",
    ],
    "ultra-thin",
);
pub(crate) const HYPOALLERGENIC: Adjective = adjective(
    "gipoallergen",
    [
        "гипоаллергенный",
        "гипоаллергенная",
        "гипоаллергенное",
        "гипоаллергенные",
    ],
    "hypoallergenic",
);
pub(crate) const SWIVEL: Adjective = adjective(
    "aylanadigan",
    ["поворотный", "поворотная", "поворотное", "поворотные"],
    "swivel",
);
pub(crate) const SUMMER: Adjective =
    adjective("yozgi", ["летний", "летняя", "летнее", "летние"], "summer");
pub(crate) const WARM: Adjective =
    adjective("issiq", ["тёплый", "тёплая", "тёплое", "тёплые"], "warm");
pub(crate) const WINTER: Adjective =
    adjective("qishki", ["зимний", "зимняя", "зимнее", "зимние"], "winter");
pub(crate) const FESTIVE: Adjective = adjective(
    "bayramona",
    ["нарядный", "нарядная", "нарядное", "нарядные"],
    "festive",
);
pub(crate) const CLASSIC: Adjective = adjective(
    "klassik",
    [
        "классический",
        "классическая",
        "классическое",
        "классические",
    ],
    "classic",
);
pub(crate) const LIGHT_UP: Adjective = adjective(
    "yorug‘lik chiqaruvchi",
    ["светящийся", "светящаяся", "светящееся", "светящиеся"],
    "light-up",
);
pub(crate) const WATERPROOF: Adjective = adjective(
    "suv o‘tkazmaydigan",
    [
        "водонепроницаемый",
        "водонепроницаемая",
        "водонепроницаемое",
        "водонепроницаемые",
    ],
    "waterproof",
);
pub(crate) const SHOCKPROOF: Adjective = adjective(
    "zarbaga chidamli",
    [
        "ударопрочный",
        "ударопрочная",
        "ударопрочное",
        "ударопрочные",
    ],
    "shockproof",
);

// Materials.

pub(crate) const NATURAL_WOOD: Material = material(
    "tabiiy yog‘ochdan",
    "натурального дерева",
    "natural wood",
    Some(WOODEN),
);
pub(crate) const BIRCH: Material =
    material("qayin yog‘ochidan", "берёзы", "birch wood", Some(WOODEN));
pub(crate) const THICK_CARDBOARD: Material = material(
    "qalin kartondan",
    "плотного картона",
    "thick cardboard",
    Some(CARDBOARD),
);
pub(crate) const DURABLE_PLASTIC: Material = material(
    "mustahkam plastikdan",
    "прочного пластика",
    "durable plastic",
    Some(PLASTIC),
);
pub(crate) const ABS_PLASTIC: Material =
    material("ABS plastikdan", "ABS-пластика", "ABS plastic", None);
pub(crate) const SAFE_PLASTIC: Material = material(
    "xavfsiz plastikdan",
    "безопасного пластика",
    "safe plastic",
    Some(PLASTIC),
);
pub(crate) const IMPACT_PLASTIC: Material = material(
    "zarbaga chidamli plastikdan",
    "ударопрочного пластика",
    "impact-resistant plastic",
    None,
);
pub(crate) const METAL_AND_PLASTIC: Material = material(
    "metall va plastikdan",
    "металла и пластика",
    "metal and plastic",
    Some(DIE_CAST),
);
pub(crate) const SOFT_VINYL: Material =
    material("yumshoq vinildan", "мягкого винила", "soft vinyl", None);
pub(crate) const QUALITY_PLASTIC: Material = material(
    "sifatli plastikdan",
    "качественного пластика",
    "high-quality plastic",
    None,
);
pub(crate) const PLUSH: Material = material(
    "gipoallergen plyushdan",
    "гипоаллергенного плюша",
    "hypoallergenic plush",
    None,
);
pub(crate) const SOFT_FABRIC: Material =
    material("yumshoq matodan", "мягкой ткани", "soft fabric", None);
pub(crate) const FOOD_SILICONE: Material = material(
    "oziq-ovqat silikonidan",
    "пищевого силикона",
    "food-grade silicone",
    Some(SILICONE),
);
pub(crate) const POLYPROPYLENE: Material =
    material("polipropilendan", "полипропилена", "polypropylene", None);
pub(crate) const BAMBOO_FIBRE: Material = material(
    "bambuk tolasidan",
    "бамбукового волокна",
    "bamboo fibre",
    Some(BAMBOO),
);
pub(crate) const COTTON: Material = material("100% paxtadan", "100% хлопка", "100% cotton", None);
pub(crate) const JERSEY: Material = material(
    "yumshoq trikotajdan",
    "мягкого трикотажа",
    "soft jersey",
    None,
);
pub(crate) const DENIM: Material = material(
    "yumshoq jinsi matodan",
    "мягкого денима",
    "soft denim",
    None,
);
pub(crate) const FLEECE: Material = material("issiq flisdan", "тёплого флиса", "warm fleece", None);
pub(crate) const WATER_REPELLENT: Material = material(
    "suv o‘tkazmaydigan matodan",
    "водоотталкивающей ткани",
    "water-repellent fabric",
    None,
);
pub(crate) const POLYESTER: Material = material(
    "mustahkam poliesterdan",
    "прочного полиэстера",
    "durable polyester",
    None,
);
pub(crate) const THICK_PAPER: Material =
    material("qalin qog‘ozdan", "плотной бумаги", "thick paper", None);
pub(crate) const OFFSET_PAPER: Material = material(
    "oq ofset qog‘ozdan",
    "белой офсетной бумаги",
    "white offset paper",
    None,
);
pub(crate) const SAFE_MATERIALS: Material = material(
    "xavfsiz materiallardan",
    "безопасных материалов",
    "safe materials",
    None,
);
pub(crate) const QUALITY_MATERIALS: Material = material(
    "sifatli materiallardan",
    "качественных материалов",
    "quality materials",
    None,
);
pub(crate) const GENUINE_LEATHER: Material = material(
    "tabiiy charmdan",
    "натуральной кожи",
    "genuine leather",
    Some(LEATHER),
);
pub(crate) const TEXTILE: Material = material(
    "nafas oluvchi to‘qimachilik materialidan",
    "дышащего текстиля",
    "breathable textile",
    None,
);
pub(crate) const NATURAL_RUBBER: Material = material(
    "tabiiy rezinadan",
    "натуральной резины",
    "natural rubber",
    Some(RUBBER),
);
pub(crate) const ALUMINIUM: Material = material(
    "yengil alyuminiydan",
    "лёгкого алюминия",
    "lightweight aluminium",
    None,
);
pub(crate) const STEEL_AND_ALUMINIUM: Material = material(
    "po‘lat va alyuminiydan",
    "стали и алюминия",
    "steel and aluminium",
    None,
);
pub(crate) const STROLLER_FABRIC: Material = material(
    "alyuminiy va suv o‘tkazmaydigan matodan",
    "алюминия и водоотталкивающей ткани",
    "aluminium and water-repellent fabric",
    None,
);
pub(crate) const SEAT_SHELL: Material = material(
    "mustahkam plastik va yumshoq matodan",
    "прочного пластика и мягкой ткани",
    "sturdy plastic and soft fabric",
    None,
);
pub(crate) const STURDY_PLASTIC_METAL: Material = material(
    "mustahkam plastik va metalldan",
    "прочного пластика и металла",
    "sturdy plastic and metal",
    None,
);
pub(crate) const PLASTIC_METAL: Material = material(
    "plastik va metalldan",
    "пластика и металла",
    "plastic and metal",
    None,
);
pub(crate) const PLASTIC_SILICONE: Material = material(
    "zarbaga chidamli plastik va silikondan",
    "ударопрочного пластика и силикона",
    "impact-resistant plastic and silicone",
    None,
);
pub(crate) const INGREDIENTS: Material = material(
    "tabiiy masalliqlardan",
    "натуральных ингредиентов",
    "natural ingredients",
    None,
);
pub(crate) const GENTLE_FORMULA: Material = material(
    "tabiiy tarkibiy qismlardan",
    "натуральных компонентов",
    "natural ingredients",
    None,
);
pub(crate) const DOUGH: Material = material(
    "tabiiy asosli massadan",
    "массы на натуральной основе",
    "natural-based dough",
    None,
);
pub(crate) const SUITING: Material = material(
    "sifatli kostyumbop matodan",
    "качественной костюмной ткани",
    "quality suiting fabric",
    None,
);
pub(crate) const FOAM: Material = material(
    "yumshoq ko‘pik materialdan",
    "мягкого поролона",
    "soft foam",
    None,
);
pub(crate) const LIGHT_FABRIC: Material = material(
    "yengil, nafas oluvchi matodan",
    "лёгкой дышащей ткани",
    "light breathable fabric",
    None,
);
pub(crate) const PVC: Material = material(
    "mustahkam PVX materialidan",
    "прочного ПВХ",
    "durable PVC",
    None,
);
pub(crate) const BREATHABLE_SOFT: Material = material(
    "yumshoq, nafas oluvchi materialdan",
    "мягкого дышащего материала",
    "soft breathable material",
    None,
);

// Themes (the «…» part of a title).

pub(crate) const ANIMALS: Phrase = phrase("Hayvonlar", "Животные", "Animals");
pub(crate) const DINOSAURS: Phrase = phrase("Dinozavrlar", "Динозавры", "Dinosaurs");
pub(crate) const SPACE: Phrase = phrase("Kosmos", "Космос", "Space");
pub(crate) const UNDER_THE_SEA: Phrase = phrase("Dengiz tubida", "Подводный мир", "Under the Sea");
pub(crate) const FARM: Phrase = phrase("Ferma", "Ферма", "Farm");
pub(crate) const CITY: Phrase = phrase("Shahar", "Город", "City");
pub(crate) const FAIRY_TALE: Phrase = phrase("Sehrli ertak", "Волшебная сказка", "Fairy Tale");
pub(crate) const TRANSPORT: Phrase = phrase("Transport", "Транспорт", "Transport");
pub(crate) const PRINCESS: Phrase = phrase("Malika", "Принцесса", "Princess");
pub(crate) const UNICORN: Phrase = phrase("Yakkashox", "Единорог", "Unicorn");
pub(crate) const FOREST_FRIENDS: Phrase =
    phrase("O‘rmon do‘stlari", "Лесные друзья", "Forest Friends");
pub(crate) const SAMARKAND: Phrase = phrase("Samarqand", "Самарканд", "Samarkand");
pub(crate) const SILK_ROAD: Phrase = phrase(
    "Buyuk ipak yo‘li",
    "Великий шёлковый путь",
    "Great Silk Road",
);
pub(crate) const FIREFIGHTERS: Phrase = phrase("O‘t o‘chiruvchilar", "Пожарные", "Firefighters");
pub(crate) const POLICE: Phrase = phrase("Politsiya", "Полиция", "Police");
pub(crate) const RACING: Phrase = phrase("Poyga", "Гонки", "Racing");
pub(crate) const ROBOTS: Phrase = phrase("Robotlar", "Роботы", "Robots");
pub(crate) const PIRATES: Phrase = phrase("Qaroqchilar", "Пираты", "Pirates");
pub(crate) const BUTTERFLIES: Phrase = phrase("Kapalaklar", "Бабочки", "Butterflies");
pub(crate) const KITTENS: Phrase = phrase("Mushukchalar", "Котики", "Kittens");
pub(crate) const PUPPIES: Phrase = phrase("Kuchukchalar", "Щенки", "Puppies");
pub(crate) const FLOWERS: Phrase = phrase("Gullar", "Цветы", "Flowers");
pub(crate) const CONSTRUCTION_SITE: Phrase = phrase("Qurilish", "Стройка", "Construction Site");
pub(crate) const SAFARI: Phrase = phrase("Safari", "Сафари", "Safari");
pub(crate) const FOOTBALL: Phrase = phrase("Futbol", "Футбол", "Football");
pub(crate) const RAINBOW: Phrase = phrase("Kamalak", "Радуга", "Rainbow");
pub(crate) const NAVRUZ: Phrase = phrase("Navro‘z", "Навруз", "Navruz");
pub(crate) const NEW_YEAR: Phrase = phrase("Yangi yil", "Новый год", "New Year");
pub(crate) const SUPERHEROES: Phrase = phrase("Superqahramonlar", "Супергерои", "Superheroes");
pub(crate) const AMBULANCE: Phrase = phrase("Tez yordam", "Скорая помощь", "Ambulance");
pub(crate) const TAXI: Phrase = phrase("Taksi", "Такси", "Taxi");

// Benefit sentences.

pub(crate) const FINE_MOTOR: Phrase = phrase(
    "Mayda motorika va diqqatni rivojlantiradi.",
    "Развивает мелкую моторику и внимательность.",
    "Develops fine motor skills and attention.",
);
pub(crate) const LOGIC: Phrase = phrase(
    "Mantiqiy fikrlash va sabr-toqatni o‘stiradi.",
    "Тренирует логическое мышление и усидчивость.",
    "Trains logical thinking and patience.",
);
pub(crate) const IMAGINATION: Phrase = phrase(
    "Tasavvur va ijodkorlikni rivojlantiradi.",
    "Развивает воображение и творческие способности.",
    "Sparks imagination and creativity.",
);
pub(crate) const PRETEND_PLAY: Phrase = phrase(
    "Syujetli-rolli o‘yinlar uchun juda mos.",
    "Отлично подходит для сюжетно-ролевых игр.",
    "Perfect for pretend play.",
);
pub(crate) const SOCIAL: Phrase = phrase(
    "Muloqot ko‘nikmalarini rivojlantiradi.",
    "Развивает навыки общения.",
    "Builds social skills.",
);
pub(crate) const WHOLE_FAMILY: Phrase = phrase(
    "Butun oila bilan o‘ynash uchun qiziqarli o‘yin.",
    "Увлекательная игра для всей семьи.",
    "A fun game for the whole family.",
);
pub(crate) const SIMPLE_RULES: Phrase = phrase(
    "Qoidalari oddiy, bir o‘yin 20–30 daqiqa davom etadi.",
    "Простые правила, партия длится 20–30 минут.",
    "Simple rules; a game takes 20–30 minutes.",
);
pub(crate) const SPATIAL: Phrase = phrase(
    "Fazoviy tasavvurni rivojlantiradi.",
    "Развивает пространственное мышление.",
    "Builds spatial reasoning.",
);
pub(crate) const TRAVEL_FRIENDLY: Phrase = phrase(
    "Yo‘lda ham o‘ynash qulay.",
    "Удобно брать с собой в дорогу.",
    "Easy to take on trips.",
);
pub(crate) const LOVE_OF_READING: Phrase = phrase(
    "Kitob o‘qishga bo‘lgan qiziqishni uyg‘otadi.",
    "Прививает любовь к чтению.",
    "Builds a love of reading.",
);
pub(crate) const ILLUSTRATIONS: Phrase = phrase(
    "Yorqin rasmlar va yirik harflar bilan.",
    "Яркие иллюстрации и крупный шрифт.",
    "Bright illustrations and large print.",
);
pub(crate) const BEDTIME: Phrase = phrase(
    "Kechqurun birga o‘qish uchun ajoyib.",
    "Отлично подходит для чтения перед сном.",
    "Perfect for bedtime reading.",
);
pub(crate) const FIRST_WORDS: Phrase = phrase(
    "Birinchi so‘zlarni o‘rganishga yordam beradi.",
    "Помогает выучить первые слова.",
    "Helps learn first words.",
);
pub(crate) const TEAR_PROOF: Phrase = phrase(
    "Burchaklari yumaloq, varaqlari yirtilmaydi.",
    "Закруглённые углы, страницы не рвутся.",
    "Rounded corners and tear-proof pages.",
);
pub(crate) const HORIZONS: Phrase = phrase(
    "Dunyoqarashni kengaytiradi.",
    "Расширяет кругозор.",
    "Broadens horizons.",
);
pub(crate) const FACTS: Phrase = phrase(
    "Savollarga qiziqarli javoblar va 500 dan ortiq rasm.",
    "Ответы на детские вопросы и более 500 иллюстраций.",
    "Fascinating answers and over 500 illustrations.",
);
pub(crate) const SAFE_PAINT: Phrase = phrase(
    "Bolalar uchun xavfsiz bo‘yoqlar bilan bo‘yalgan.",
    "Использованы безопасные для детей краски.",
    "Painted with child-safe paints.",
);
pub(crate) const ORTHOPAEDIC_BACK: Phrase = phrase(
    "Ortopedik orqa qismi umurtqa pog‘onasiga tushadigan yukni kamaytiradi.",
    "Ортопедическая спинка снижает нагрузку на позвоночник.",
    "The orthopaedic back reduces strain on the spine.",
);
pub(crate) const REFLECTIVE: Phrase = phrase(
    "Suv o‘tkazmaydigan mato va yorug‘lik qaytaruvchi elementlar.",
    "Водоотталкивающая ткань и светоотражающие элементы.",
    "Water-repellent fabric and reflective details.",
);
pub(crate) const ROOMY: Phrase = phrase(
    "Kitob va daftarlar uchun keng bo‘limlar.",
    "Вместительные отделения для книг и тетрадей.",
    "Roomy compartments for books and notebooks.",
);
pub(crate) const EVERYTHING_IN_PLACE: Phrase = phrase(
    "Hamma narsa o‘z joyida: ruchka, o‘chirg‘ich va chizg‘ich uchun alohida joylar.",
    "Всё на своих местах: отделения для ручек, ластика и линейки.",
    "Everything in its place: slots for pens, an eraser and a ruler.",
);
pub(crate) const NO_BLEED: Phrase = phrase(
    "Oq qog‘oz siyohni o‘tkazmaydi.",
    "Белая бумага не пропускает чернила.",
    "Bright white paper that doesn't bleed.",
);
pub(crate) const LAMINATED: Phrase = phrase(
    "Mustahkam laminatlangan muqova.",
    "Прочная ламинированная обложка.",
    "Sturdy laminated cover.",
);
pub(crate) const BRIGHT_COLOURS: Phrase = phrase(
    "Yorqin ranglar qog‘ozga oson tushadi.",
    "Яркие цвета легко ложатся на бумагу.",
    "Bright colours glide onto paper easily.",
);
pub(crate) const GRIP: Phrase = phrase(
    "Qulay ushlash uchun uchburchak shakl.",
    "Трёхгранная форма для удобного захвата.",
    "Triangular shape for a comfortable grip.",
);
pub(crate) const SCHOOL_AND_HOME: Phrase = phrase(
    "Maktab va uy uchun zarur buyumlar.",
    "Всё необходимое для школы и дома.",
    "Everything you need for school and home.",
);
pub(crate) const ENGINEERING: Phrase = phrase(
    "Muhandislik tafakkurini rivojlantiradi.",
    "Развивает инженерное мышление.",
    "Builds engineering thinking.",
);
pub(crate) const INSTRUCTIONS: Phrase = phrase(
    "To‘plamda o‘zbek va rus tillarida rangli ko‘rsatma bor.",
    "В комплекте цветная инструкция на узбекском и русском языках.",
    "Includes colour instructions in Uzbek and Russian.",
);
pub(crate) const NEEDS_BATTERIES: Phrase = phrase(
    "Batareyalar kerak (to‘plamga kirmaydi).",
    "Для работы нужны батарейки (не входят в комплект).",
    "Requires batteries (not included).",
);
pub(crate) const CODING: Phrase = phrase(
    "Dasturlash asoslarini o‘yin orqali o‘rgatadi.",
    "Обучает основам программирования в игровой форме.",
    "Teaches coding basics through play.",
);
pub(crate) const APP_CONTROL: Phrase = phrase(
    "Smartfondan ⟦Bluetooth⟧ orqali boshqariladi.",
    "Управление со смартфона по Bluetooth.",
    "Controlled from a smartphone via Bluetooth.",
);
pub(crate) const EXPERIMENTS: Phrase = phrase(
    "Bola uyda xavfsiz tajribalar o‘tkazishni o‘rganadi.",
    "Ребёнок научится проводить безопасные опыты дома.",
    "Your child learns to run safe experiments at home.",
);
pub(crate) const ADULT_SUPERVISION: Phrase = phrase(
    "Kattalar nazorati ostida foydalaning.",
    "Использовать под присмотром взрослых.",
    "Use under adult supervision.",
);
pub(crate) const EARLY_CONCEPTS: Phrase = phrase(
    "Ranglar, shakllar va raqamlarni o‘rganishga yordam beradi.",
    "Помогает изучить цвета, формы и цифры.",
    "Helps learn colours, shapes and numbers.",
);
pub(crate) const MONTESSORI: Phrase = phrase(
    "Montessori metodikasi asosida.",
    "По методике Монтессори.",
    "Based on the Montessori method.",
);
pub(crate) const WASHES_OFF: Phrase = phrase(
    "Izlari qo‘ldan va kiyimdan oson yuviladi.",
    "Следы легко смываются с рук и одежды.",
    "Marks wash off hands and clothes easily.",
);
pub(crate) const NOT_STICKY: Phrase = phrase(
    "Qo‘lga yopishmaydi va tez qurib qolmaydi.",
    "Не липнет к рукам и не засыхает быстро.",
    "Doesn't stick to hands or dry out quickly.",
);
pub(crate) const STEP_BY_STEP: Phrase = phrase(
    "Bosqichma-bosqich ko‘rsatma to‘plamda.",
    "Пошаговая инструкция в комплекте.",
    "Step-by-step instructions included.",
);
pub(crate) const SELF_FEEDING: Phrase = phrase(
    "Chaqaloqni mustaqil ovqatlanishga o‘rgatadi.",
    "Помогает приучить малыша к самостоятельному питанию.",
    "Helps your little one learn to eat independently.",
);
pub(crate) const BPA_FREE: Phrase = phrase("Tarkibida BPA yo‘q.", "Не содержит BPA.", "BPA-free.");
pub(crate) const DISHWASHER: Phrase = phrase(
    "Idish yuvish mashinasida yuvish mumkin.",
    "Можно мыть в посудомоечной машине.",
    "Dishwasher safe.",
);
pub(crate) const ANTI_COLIC_VALVE: Phrase = phrase(
    "Antikolik klapan havo yutishni kamaytiradi.",
    "Антиколиковый клапан уменьшает заглатывание воздуха.",
    "The anti-colic valve reduces swallowed air.",
);
pub(crate) const SOOTHES_GUMS: Phrase = phrase(
    "Tish chiqayotganda milklarni tinchlantiradi.",
    "Успокаивает дёсны при прорезывании зубов.",
    "Soothes gums during teething.",
);
pub(crate) const SMOOTH_RIDE: Phrase = phrase(
    "Yengil rama va katta g‘ildiraklar har qanday yo‘lda silliq yurishni ta’minlaydi.",
    "Лёгкая рама и большие колёса обеспечивают плавный ход.",
    "A light frame and large wheels give a smooth ride.",
);
pub(crate) const FOLDS_FLAT: Phrase = phrase(
    "Yig‘ma dizayn joyni tejaydi.",
    "Складная конструкция экономит место.",
    "Foldable design saves space.",
);
pub(crate) const CANOPY: Phrase = phrase(
    "Soyabon quyosh va shamoldan himoya qiladi.",
    "Капюшон защищает от солнца и ветра.",
    "The canopy shields from sun and wind.",
);
pub(crate) const DRY_NIGHTS: Phrase = phrase(
    "12 soatgacha quruqlik, nozik teriga mos.",
    "До 12 часов сухости, подходит для чувствительной кожи.",
    "Up to 12 hours of dryness, suitable for sensitive skin.",
);
pub(crate) const WETNESS_INDICATOR: Phrase = phrase(
    "Namlik indikatori bor.",
    "Есть индикатор наполнения.",
    "Wetness indicator included.",
);
pub(crate) const GENTLE_ON_SKIN: Phrase = phrase(
    "Gipoallergen material terini ta’sirlamaydi.",
    "Гипоаллергенный материал не раздражает кожу.",
    "Hypoallergenic material is gentle on the skin.",
);
pub(crate) const BATH_FUN: Phrase = phrase(
    "Cho‘miltirishni quvonchli jarayonga aylantiradi.",
    "Превращает купание в радость.",
    "Turns bath time into fun.",
);
pub(crate) const SEAT_STANDARD: Phrase = phrase(
    "ECE R44/04 standartiga mos keladi.",
    "Соответствует стандарту ECE R44/04.",
    "Meets the ECE R44/04 standard.",
);
pub(crate) const HEADREST: Phrase = phrase(
    "Bosh tayanchi balandligi sozlanadi.",
    "Регулируемый по высоте подголовник.",
    "Height-adjustable headrest.",
);
pub(crate) const WASHABLE_COVER: Phrase = phrase(
    "G‘ilofini yechib yuvish mumkin.",
    "Чехол снимается для стирки.",
    "Removable, washable cover.",
);
pub(crate) const MACHINE_WASHABLE: Phrase = phrase(
    "Kir yuvish mashinasida yuvish mumkin.",
    "Можно стирать в стиральной машине.",
    "Machine washable.",
);
pub(crate) const ALL_DAY_COMFORT: Phrase = phrase(
    "Harakatni cheklamaydi, kun bo‘yi qulay.",
    "Не сковывает движений, удобно носить весь день.",
    "Comfortable to wear all day.",
);
pub(crate) const WIND_AND_RAIN: Phrase = phrase(
    "Shamol va yomg‘irdan himoya qiladi.",
    "Защищает от ветра и дождя.",
    "Protects from wind and rain.",
);
pub(crate) const KEEPS_SHAPE: Phrase = phrase(
    "G‘ijimlanmaydi va shaklini yo‘qotmaydi.",
    "Не мнётся и держит форму.",
    "Crease-resistant and holds its shape.",
);
pub(crate) const BREATHES: Phrase = phrase(
    "Nafas oluvchi material va ortopedik ichki taglik.",
    "Дышащий материал и ортопедическая стелька.",
    "Breathable material and an orthopaedic insole.",
);
pub(crate) const NON_SLIP: Phrase = phrase(
    "Sirpanmaydigan taglik.",
    "Нескользящая подошва.",
    "Non-slip sole.",
);
pub(crate) const HOOK_AND_LOOP: Phrase = phrase(
    "Qulay yopishqoq tasma.",
    "Удобная застёжка-липучка.",
    "Easy hook-and-loop fastening.",
);
pub(crate) const ACTIVE: Phrase = phrase(
    "Muvozanat va harakat koordinatsiyasini rivojlantiradi.",
    "Развивает равновесие и координацию движений.",
    "Builds balance and coordination.",
);
pub(crate) const YARD: Phrase = phrase(
    "Hovli va dala hovli uchun ajoyib.",
    "Отлично подойдёт для двора и дачи.",
    "Great for the yard or a summer house.",
);
pub(crate) const BRAKES: Phrase = phrase(
    "Ishonchli tormoz va qo‘shimcha g‘ildiraklar.",
    "Надёжные тормоза и страховочные колёса.",
    "Reliable brakes and stabiliser wheels.",
);
pub(crate) const ADJUSTABLE: Phrase = phrase(
    "Rul va o‘rindiq balandligi sozlanadi.",
    "Руль и сиденье регулируются по высоте.",
    "Adjustable handlebar and seat height.",
);
pub(crate) const GLOWING_WHEELS: Phrase = phrase(
    "G‘ildiraklari yorug‘lik chiqaradi.",
    "Светящиеся колёса.",
    "Light-up wheels.",
);
pub(crate) const MAX_LOAD: Phrase = phrase(
    "Maksimal yuklama 60 kg.",
    "Максимальная нагрузка 60 кг.",
    "Maximum load 60 kg.",
);
pub(crate) const HEALTHY: Phrase = phrase(
    "Sog‘lom turmush tarziga o‘rgatadi.",
    "Приучает к здоровому образу жизни.",
    "Encourages a healthy lifestyle.",
);
pub(crate) const PICNIC: Phrase = phrase(
    "Oilaviy sayohat va piknik uchun qulay.",
    "Удобно брать в походы и на пикник.",
    "Handy for family trips and picnics.",
);
pub(crate) const PACKS_SMALL: Phrase = phrase(
    "Ryukzakka oson sig‘adi.",
    "Компактно помещается в рюкзак.",
    "Packs compactly into a backpack.",
);
pub(crate) const WATER_PLAY: Phrase = phrase(
    "Issiq kunlarda hovlida suv o‘yinlari uchun.",
    "Для игр с водой во дворе в жаркие дни.",
    "For water play in the yard on hot days.",
);
pub(crate) const GPS_SOS: Phrase = phrase(
    "GPS-kuzatuv va SOS tugmasi ota-onalarni xotirjam qiladi.",
    "GPS-трекер и кнопка SOS — спокойствие для родителей.",
    "GPS tracking and an SOS button give parents peace of mind.",
);
pub(crate) const BATTERY_DAYS: Phrase = phrase(
    "Akkumulyator bir marta quvvatlanganda 5 kungacha ishlaydi.",
    "Аккумулятора хватает до 5 дней работы.",
    "The battery lasts up to 5 days on a charge.",
);
pub(crate) const VIDEO_CALLS: Phrase = phrase(
    "Video qo‘ng‘iroq va SIM-karta qo‘llab-quvvatlanadi.",
    "Поддержка видеозвонков и SIM-карты.",
    "Supports video calls and a SIM card.",
);
pub(crate) const PARENTAL_CONTROL: Phrase = phrase(
    "Ota-ona nazorati va bolalar ilovalari o‘rnatilgan.",
    "Встроенный родительский контроль и детские приложения.",
    "Built-in parental controls and kids' apps.",
);
pub(crate) const EYE_CARE: Phrase = phrase(
    "Ko‘zni asraydigan ekran.",
    "Экран с защитой зрения.",
    "Eye-care display.",
);
pub(crate) const VOLUME_LIMIT: Phrase = phrase(
    "Ovoz balandligi 85 dB bilan cheklangan — eshitish uchun xavfsiz.",
    "Громкость ограничена 85 дБ — бережно к слуху.",
    "Volume limited to 85 dB to protect hearing.",
);
pub(crate) const LED_LIGHTS: Phrase = phrase(
    "Yorqin LED chiroqlar.",
    "Яркая LED-подсветка.",
    "Bright LED lights.",
);
pub(crate) const OWN_PHOTOS: Phrase = phrase(
    "Bola o‘zi suratga olishni o‘rganadi.",
    "Ребёнок сам научится фотографировать.",
    "Lets kids take their own photos.",
);
pub(crate) const MEMORY_CARD: Phrase = phrase(
    "Xotira kartasi to‘plamda.",
    "Карта памяти в комплекте.",
    "Memory card included.",
);
pub(crate) const CALM_SLEEP: Phrase = phrase(
    "Yumshoq yorug‘lik bolaning tinch uxlashiga yordam beradi.",
    "Мягкий свет помогает ребёнку спокойно засыпать.",
    "Soft light helps your child fall asleep calmly.",
);
pub(crate) const USB_POWERED: Phrase = phrase(
    "USB orqali quvvatlanadi.",
    "Питание от USB.",
    "USB powered.",
);
pub(crate) const AUTO_OFF: Phrase = phrase(
    "30 daqiqadan keyin o‘zi o‘chadi.",
    "Таймер автоматического отключения через 30 минут.",
    "Switches itself off after 30 minutes.",
);
pub(crate) const MUSIC_EAR: Phrase = phrase(
    "Musiqiy eshitish va ritm hissini rivojlantiradi.",
    "Развивает музыкальный слух и чувство ритма.",
    "Develops an ear for music and a sense of rhythm.",
);
pub(crate) const VOLUME_CONTROL: Phrase = phrase(
    "Ovoz balandligini sozlash mumkin.",
    "Есть регулировка громкости.",
    "Adjustable volume.",
);
pub(crate) const KINDERGARTEN_PARTY: Phrase = phrase(
    "Bog‘chadagi bayram va tug‘ilgan kunlar uchun.",
    "Для утренников в детском саду и дней рождения.",
    "For kindergarten parties and birthdays.",
);
pub(crate) const BRIGHT_PARTY: Phrase = phrase(
    "Bayramni yorqin va unutilmas qiladi.",
    "Сделает праздник ярким и запоминающимся.",
    "Makes any party bright and memorable.",
);
pub(crate) const GIFT_BOX: Phrase = phrase(
    "Chiroyli sovg‘a qutisida.",
    "В красивой подарочной упаковке.",
    "Comes in a beautiful gift box.",
);
pub(crate) const ANY_OCCASION: Phrase = phrase(
    "Har qanday bayram uchun ajoyib sovg‘a.",
    "Прекрасный подарок к любому празднику.",
    "A lovely present for any occasion.",
);
pub(crate) const NO_ARTIFICIAL: Phrase = phrase(
    "Tabiiy tarkib, sun’iy bo‘yoqlarsiz.",
    "Натуральный состав, без искусственных красителей.",
    "Natural ingredients, no artificial colours.",
);
pub(crate) const HALAL: Phrase = phrase(
    "Halol sertifikatiga ega.",
    "Имеет сертификат халяль.",
    "Halal certified.",
);
pub(crate) const DOLL_HAIR: Phrase = phrase(
    "Qo‘g‘irchoqning sochini tarash va kiyimini almashtirish mumkin.",
    "Кукле можно расчёсывать волосы и менять наряды.",
    "Her hair can be brushed and outfits changed.",
);
pub(crate) const CARING: Phrase = phrase(
    "G‘amxo‘rlik qilishni o‘rgatadi.",
    "Учит заботиться о близких.",
    "Teaches caring for others.",
);
pub(crate) const REALISTIC: Phrase = phrase(
    "Eshiklari ochiladi, g‘ildiraklari aylanadi.",
    "Открываются двери, крутятся колёса.",
    "Opening doors and free-spinning wheels.",
);
pub(crate) const REMOTE_RANGE: Phrase = phrase(
    "Pult 30 metrgacha masofada ishlaydi.",
    "Пульт работает на расстоянии до 30 метров.",
    "The remote works up to 30 metres away.",
);
pub(crate) const BATTERY_INCLUDED: Phrase = phrase(
    "Akkumulyator va USB quvvatlash kabeli to‘plamda.",
    "Аккумулятор и USB-кабель для зарядки в комплекте.",
    "Battery and USB charging cable included.",
);
pub(crate) const COLLECT_ALL: Phrase = phrase(
    "Seriyaning barcha figurkalarini to‘plang.",
    "Соберите всю коллекцию фигурок серии.",
    "Collect every figure in the series.",
);
pub(crate) const COMPATIBLE: Phrase = phrase(
    "Seriyaning boshqa to‘plamlari bilan mos keladi.",
    "Совместим с другими наборами серии.",
    "Compatible with other sets in the series.",
);
pub(crate) const SOFT_TO_TOUCH: Phrase = phrase(
    "Yumshoq, teginishga yoqimli mato.",
    "Приятный на ощупь мягкий ворс.",
    "Soft, cuddly plush fabric.",
);
pub(crate) const RATTLE_SOUNDS: Phrase = phrase(
    "Yorqin ranglar va yoqimli tovushlar chaqaloq e’tiborini tortadi.",
    "Яркие цвета и приятные звуки привлекают внимание малыша.",
    "Bright colours and gentle sounds catch baby's attention.",
);
pub(crate) const ECO_NO_CORNERS: Phrase = phrase(
    "Ekologik toza material, o‘tkir qirralari yo‘q.",
    "Экологичный материал, без острых углов.",
    "Eco-friendly material with no sharp edges.",
);
pub(crate) const LIKE_GROWN_UPS: Phrase = phrase(
    "Plastik choynak, piyolalar va qoshiqlar — hammasi haqiqiydek.",
    "Пластиковый чайник, чашки и ложки — всё как у взрослых.",
    "Plastic teapot, cups and spoons, just like the real thing.",
);

// Sentences any listing may add.

pub(crate) const EXTRAS: &[Phrase] = &[
    phrase(
        "Sovg‘a uchun ajoyib tanlov.",
        "Отличный вариант для подарка.",
        "A great gift idea.",
    ),
    phrase(
        "Mahsulot sertifikatlangan va bolalar uchun xavfsiz.",
        "Товар сертифицирован и безопасен для детей.",
        "Certified and safe for children.",
    ),
    phrase(
        "Butun O‘zbekiston bo‘ylab yetkazib beramiz.",
        "Доставим по всему Узбекистану.",
        "We deliver across Uzbekistan.",
    ),
    phrase(
        "Original mahsulot.",
        "Оригинальная продукция.",
        "Genuine product.",
    ),
    phrase(
        "Rangi va o‘lchami suratdagidek.",
        "Цвет и размер соответствуют фото.",
        "Colour and size as shown in the photo.",
    ),
];

/// Added only by sellers based in Tashkent.
pub(crate) const TASHKENT_DELIVERY: Phrase = phrase(
    "Toshkent bo‘ylab ertasi kuni yetkazamiz.",
    "По Ташкенту доставим на следующий день.",
    "Next-day delivery in Tashkent.",
);
