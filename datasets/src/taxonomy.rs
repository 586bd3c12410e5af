//! The category tree: twelve roots and their leaf categories, with what each leaf sells.
//!
//! A leaf lists the kinds of product it holds (a noun plus optional overrides), the adjectives,
//! materials, themes and benefit sentences its listings draw on, the size tiers that fix age
//! range and price, and how its variants differ. Category identifiers follow the tree in
//! pre-order: a root, then its leaves, then the next root.

use crate::art::Motif;
use crate::brands::brands;
use crate::model::{Category, Localized, Taxonomy};
use crate::sellers::sellers;
use crate::uzbek_script::latin_to_cyrillic;
use crate::vocab::*;

/// A trade group that brands and sellers declare; each root has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Group {
    Toys,
    Games,
    Books,
    School,
    Learning,
    Arts,
    Baby,
    Clothing,
    Shoes,
    Sport,
    Electronics,
    Party,
}

/// How the variants of a product differ.
#[derive(Debug, Clone, Copy)]
pub(crate) enum VariantAxis {
    /// One variant with no options.
    Single,
    /// One to four colours.
    Colour,
    /// Clothing sizes in centimetres of height, optionally in two colours.
    ClothingSize {
        sizes: &'static [u16],
        colours: &'static [Phrase],
    },
    /// EU shoe sizes, inclusive.
    ShoeSize { from: u16, to: u16 },
    /// Adjacent tiers of the leaf, sold as one product (`250`, `500`, `900` pieces).
    Pieces,
    /// Bottle volumes in millilitres.
    Volume(&'static [u16]),
    /// Book editions by language, and by cover when `covers`.
    Edition { covers: bool },
    /// Workbooks for successive one-year age bands.
    AgeOption,
    /// Diaper sizes by weight.
    DiaperSize,
    /// Bike wheel diameters in inches.
    WheelSize(&'static [u8]),
    /// Squared or lined paper.
    Ruling,
    /// Liquid or tobacco flavours.
    Flavour,
    /// Adult clothing sizes S–XL.
    AdultSize,
}

/// A kind of product a leaf sells: a noun, plus whatever differs from the leaf's defaults.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    pub(crate) noun: Noun,
    /// Whether the title may carry a «theme».
    pub(crate) themed: bool,
    pub(crate) adjectives: Option<&'static [Adjective]>,
    pub(crate) materials: Option<&'static [Material]>,
    pub(crate) benefits: Option<&'static [Phrase]>,
    pub(crate) tiers: Option<&'static [Tier]>,
    /// Price range in so‘m replacing the tier's.
    pub(crate) price: Option<(u32, u32)>,
    pub(crate) axis: Option<VariantAxis>,
}

const fn kind(noun: Noun) -> Kind {
    Kind {
        noun,
        themed: true,
        adjectives: None,
        materials: None,
        benefits: None,
        tiers: None,
        price: None,
        axis: None,
    }
}

impl Kind {
    const fn unthemed(self) -> Kind {
        Kind {
            themed: false,
            ..self
        }
    }
    const fn adjectives(self, adjectives: &'static [Adjective]) -> Kind {
        Kind {
            adjectives: Some(adjectives),
            ..self
        }
    }
    const fn materials(self, materials: &'static [Material]) -> Kind {
        Kind {
            materials: Some(materials),
            ..self
        }
    }
    const fn benefits(self, benefits: &'static [Phrase]) -> Kind {
        Kind {
            benefits: Some(benefits),
            ..self
        }
    }
    const fn tiers(self, tiers: &'static [Tier]) -> Kind {
        Kind {
            tiers: Some(tiers),
            ..self
        }
    }
    const fn price(self, min: u32, max: u32) -> Kind {
        Kind {
            price: Some((min, max)),
            ..self
        }
    }
    const fn axis(self, axis: VariantAxis) -> Kind {
        Kind {
            axis: Some(axis),
            ..self
        }
    }
}

/// A leaf category and the vocabulary of its listings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Leaf {
    pub(crate) slug: &'static str,
    pub(crate) name: Phrase,
    /// Relative share of the catalogue.
    pub(crate) weight: u32,
    pub(crate) motif: Motif,
    /// Trade group when it differs from the root's (games listed under toys).
    pub(crate) group: Option<Group>,
    /// Brands selling in this leaf; empty for every brand of its group.
    pub(crate) brands: &'static [&'static str],
    pub(crate) kinds: &'static [Kind],
    pub(crate) adjectives: &'static [Adjective],
    pub(crate) materials: &'static [Material],
    pub(crate) themes: &'static [Phrase],
    pub(crate) benefits: &'static [Phrase],
    pub(crate) unit: Option<Unit>,
    pub(crate) tiers: &'static [Tier],
    pub(crate) axis: VariantAxis,
}

const fn leaf(slug: &'static str, name: Phrase, weight: u32, motif: Motif) -> Leaf {
    Leaf {
        slug,
        name,
        weight,
        motif,
        group: None,
        brands: &[],
        kinds: &[],
        adjectives: &[],
        materials: &[QUALITY_MATERIALS],
        themes: &[],
        benefits: &[],
        unit: None,
        tiers: &[],
        axis: VariantAxis::Single,
    }
}

impl Leaf {
    const fn group(self, group: Group) -> Leaf {
        Leaf {
            group: Some(group),
            ..self
        }
    }
    const fn brands(self, brands: &'static [&'static str]) -> Leaf {
        Leaf { brands, ..self }
    }
    const fn kinds(self, kinds: &'static [Kind]) -> Leaf {
        Leaf { kinds, ..self }
    }
    const fn adjectives(self, adjectives: &'static [Adjective]) -> Leaf {
        Leaf { adjectives, ..self }
    }
    const fn materials(self, materials: &'static [Material]) -> Leaf {
        Leaf { materials, ..self }
    }
    const fn themes(self, themes: &'static [Phrase]) -> Leaf {
        Leaf { themes, ..self }
    }
    const fn benefits(self, benefits: &'static [Phrase]) -> Leaf {
        Leaf { benefits, ..self }
    }
    const fn unit(self, unit: Unit) -> Leaf {
        Leaf {
            unit: Some(unit),
            ..self
        }
    }
    const fn tiers(self, tiers: &'static [Tier]) -> Leaf {
        Leaf { tiers, ..self }
    }
    const fn axis(self, axis: VariantAxis) -> Leaf {
        Leaf { axis, ..self }
    }
}

/// A root category.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Root {
    pub(crate) slug: &'static str,
    pub(crate) name: Phrase,
    pub(crate) group: Group,
    pub(crate) motif: Motif,
    pub(crate) leaves: &'static [Leaf],
}

/// A leaf with its place in the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlacedLeaf {
    pub(crate) category_id: u64,
    pub(crate) group: Group,
    pub(crate) leaf: &'static Leaf,
}

/// Returns the full category tree, brands and sellers.
pub fn taxonomy() -> Taxonomy {
    let mut categories = Vec::new();
    let mut next_id = 1;
    for root in ROOTS {
        let root_id = next_id;
        categories.push(category(root_id, None, root.slug, &root.name));
        next_id += 1;
        for leaf in root.leaves {
            categories.push(category(next_id, Some(root_id), leaf.slug, &leaf.name));
            next_id += 1;
        }
    }
    Taxonomy {
        categories,
        brands: brands(),
        sellers: sellers(),
    }
}

/// Returns every leaf with its category identifier, in tree order.
pub(crate) fn placed_leaves() -> Vec<PlacedLeaf> {
    let mut placed = Vec::new();
    let mut next_id = 1;
    for root in ROOTS {
        next_id += 1;
        for leaf in root.leaves {
            placed.push(PlacedLeaf {
                category_id: next_id,
                group: leaf.group.unwrap_or(root.group),
                leaf,
            });
            next_id += 1;
        }
    }
    placed
}

/// Returns the art motif of a root or leaf category.
pub(crate) fn motif_of(slug: &str) -> Option<Motif> {
    ROOTS.iter().find_map(|root| {
        if root.slug == slug {
            Some(root.motif)
        } else {
            root.leaves
                .iter()
                .find(|leaf| leaf.slug == slug)
                .map(|leaf| leaf.motif)
        }
    })
}

fn category(id: u64, parent_id: Option<u64>, slug: &str, name: &Phrase) -> Category {
    Category {
        id,
        parent_id,
        slug: slug.to_owned(),
        names: Localized {
            uz: Some(name.uz.to_owned()),
            uz_cyrl: Some(latin_to_cyrillic(name.uz)),
            ru: Some(name.ru.to_owned()),
            en: Some(name.en.to_owned()),
        },
    }
}

use Gender::{Feminine as F, Masculine as M, Neuter as N, Plural as P};

// Toys.

const CONSTRUCTION_SETS: Leaf = leaf(
    "construction-sets",
    phrase("Konstruktorlar", "Конструкторы", "Construction sets"),
    9,
    Motif::Bricks,
)
.brands(&[
    "LEGO",
    "Melissa & Doug",
    "Hape",
    "Kichkintoy",
    "Играем вместе",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["konstruktor", "konstruktorlar"],
        ["конструктор", "конструкторы"],
        M,
        ["construction set", "construction sets"],
    )),
    kind(noun(
        ["magnitli konstruktor", "magnitli konstruktorlar"],
        ["магнитный конструктор", "магнитные конструкторы"],
        M,
        ["magnetic building set", "magnetic building sets"],
    )),
    kind(noun(
        ["bloklar to‘plami", "bloklar to‘plamlari"],
        ["набор блоков", "наборы блоков"],
        M,
        ["building block set", "building block sets"],
    )),
])
.materials(&[DURABLE_PLASTIC, ABS_PLASTIC])
.themes(&[
    phrase("Kosmik stansiya", "Космическая станция", "Space Station"),
    phrase(
        "Politsiya uchastkasi",
        "Полицейский участок",
        "Police Station",
    ),
    FARM,
    phrase("Qasr", "Замок", "Castle"),
    phrase("Aeroport", "Аэропорт", "Airport"),
    phrase("Dinozavrlar parki", "Парк динозавров", "Dinosaur Park"),
    phrase("O‘t o‘chirish bo‘limi", "Пожарная часть", "Fire Station"),
    phrase("Qaroqchilar kemasi", "Пиратский корабль", "Pirate Ship"),
    phrase("Poyga mashinasi", "Гоночная машина", "Race Car"),
    phrase("Shahar markazi", "Центр города", "City Centre"),
])
.benefits(&[FINE_MOTOR, IMAGINATION, COMPATIBLE, INSTRUCTIONS])
.unit(PIECES)
.tiers(&[
    tier(60, (36, 72), (90_000, 180_000)),
    tier(120, (48, 96), (150_000, 320_000)),
    tier(250, (60, 120), (250_000, 550_000)),
    tier(500, (72, 144), (450_000, 950_000)),
    tier(900, (96, 168), (800_000, 1_600_000)),
    tier(1500, (108, 216), (1_400_000, 3_200_000)),
])
.axis(VariantAxis::Pieces);

const DOLLS: Leaf = leaf(
    "dolls",
    phrase("Qo‘g‘irchoqlar", "Куклы", "Dolls"),
    7,
    Motif::Doll,
)
.brands(&[
    "Barbie",
    "Mattel",
    "Hasbro",
    "Играем вместе",
    "Kichkintoy",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["qo‘g‘irchoq", "qo‘g‘irchoqlar"],
        ["кукла", "куклы"],
        F,
        ["doll", "dolls"],
    )),
    kind(noun(
        ["chaqaloq qo‘g‘irchoq", "chaqaloq qo‘g‘irchoqlar"],
        ["кукла-пупс", "куклы-пупсы"],
        F,
        ["baby doll", "baby dolls"],
    )),
    kind(noun(
        ["qo‘g‘irchoq uyi", "qo‘g‘irchoq uylari"],
        ["кукольный домик", "кукольные домики"],
        M,
        ["dollhouse", "dollhouses"],
    ))
    .unthemed()
    .materials(&[NATURAL_WOOD, DURABLE_PLASTIC])
    .adjectives(&[LARGE])
    .benefits(&[PRETEND_PLAY, IMAGINATION])
    .tiers(&[tier(0, (36, 120), (350_000, 1_900_000))]),
])
.adjectives(&[INTERACTIVE, TALKING])
.materials(&[SOFT_VINYL, QUALITY_PLASTIC])
.themes(&[
    PRINCESS,
    phrase("Balerina", "Балерина", "Ballerina"),
    phrase("Shifokor", "Доктор", "Doctor"),
    phrase("Sayohatchi", "Путешественница", "Traveller"),
    phrase("Oshpaz", "Повар", "Chef"),
    phrase(
        "Milliy libosda",
        "В национальном костюме",
        "In National Dress",
    ),
])
.benefits(&[DOLL_HAIR, PRETEND_PLAY, CARING])
.unit(CM)
.tiers(&[
    tier(25, (36, 96), (60_000, 180_000)),
    tier(30, (36, 120), (120_000, 350_000)),
    tier(45, (36, 96), (200_000, 650_000)),
])
.axis(VariantAxis::Colour);

const TOY_VEHICLES: Leaf = leaf(
    "toy-vehicles",
    phrase(
        "O‘yinchoq mashinalar",
        "Машинки и транспорт",
        "Toy cars and vehicles",
    ),
    8,
    Motif::Car,
)
.brands(&[
    "Hot Wheels",
    "Bburago",
    "Polesie",
    "Играем вместе",
    "Kichkintoy",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["mashina", "mashinalar"],
        ["машинка", "машинки"],
        F,
        ["toy car", "toy cars"],
    )),
    kind(noun(
        ["yuk mashinasi", "yuk mashinalari"],
        ["грузовик", "грузовики"],
        M,
        ["toy truck", "toy trucks"],
    )),
    kind(noun(
        ["poyezd", "poyezdlar"],
        ["поезд", "поезда"],
        M,
        ["toy train", "toy trains"],
    )),
    kind(noun(
        ["vertolyot", "vertolyotlar"],
        ["вертолёт", "вертолёты"],
        M,
        ["toy helicopter", "toy helicopters"],
    )),
    kind(noun(
        ["avtobus", "avtobuslar"],
        ["автобус", "автобусы"],
        M,
        ["toy bus", "toy buses"],
    )),
    kind(noun(
        ["ekskavator", "ekskavatorlar"],
        ["экскаватор", "экскаваторы"],
        M,
        ["toy excavator", "toy excavators"],
    )),
])
.adjectives(&[FRICTION, LARGE, MUSICAL])
.materials(&[DURABLE_PLASTIC, METAL_AND_PLASTIC])
.themes(&[
    POLICE,
    AMBULANCE,
    FIREFIGHTERS,
    CONSTRUCTION_SITE,
    RACING,
    TAXI,
    CITY,
])
.benefits(&[REALISTIC, PRETEND_PLAY, FINE_MOTOR])
.tiers(&[
    tier(0, (36, 96), (30_000, 120_000)),
    tier(0, (36, 120), (90_000, 280_000)),
])
.axis(VariantAxis::Colour);

const RC_TOYS: Leaf = leaf(
    "rc-toys",
    phrase(
        "Radio boshqaruvli o‘yinchoqlar",
        "Радиоуправляемые игрушки",
        "Remote-control toys",
    ),
    5,
    Motif::Car,
)
.brands(&["Spin Master", "Hot Wheels", "Играем вместе", "Noname"])
.kinds(&[
    kind(noun(
        ["radio boshqaruvli mashina", "radio boshqaruvli mashinalar"],
        ["машинка на радиоуправлении", "машинки на радиоуправлении"],
        F,
        ["remote-control car", "remote-control cars"],
    )),
    kind(noun(
        ["kvadrokopter", "kvadrokopterlar"],
        ["квадрокоптер", "квадрокоптеры"],
        M,
        ["mini drone", "mini drones"],
    ))
    .unthemed(),
    kind(noun(
        [
            "radio boshqaruvli vertolyot",
            "radio boshqaruvli vertolyotlar",
        ],
        [
            "вертолёт на радиоуправлении",
            "вертолёты на радиоуправлении",
        ],
        M,
        ["remote-control helicopter", "remote-control helicopters"],
    ))
    .unthemed(),
])
.adjectives(&[HIGH_SPEED])
.materials(&[IMPACT_PLASTIC])
.themes(&[RACING, POLICE])
.benefits(&[REMOTE_RANGE, BATTERY_INCLUDED, ACTIVE])
.tiers(&[
    tier(0, (72, 168), (180_000, 650_000)),
    tier(0, (96, 216), (450_000, 1_800_000)),
])
.axis(VariantAxis::Colour);

const PLUSH_TOYS: Leaf = leaf(
    "plush-toys",
    phrase("Yumshoq o‘yinchoqlar", "Мягкие игрушки", "Plush toys"),
    7,
    Motif::Bear,
)
.brands(&[
    "Fisher-Price",
    "Kichkintoy",
    "Умка",
    "Samarqand Hunarmand",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["yumshoq o‘yinchoq", "yumshoq o‘yinchoqlar"],
        ["мягкая игрушка", "мягкие игрушки"],
        F,
        ["plush toy", "plush toys"],
    )),
    kind(noun(
        ["yostiq-o‘yinchoq", "yostiq-o‘yinchoqlar"],
        ["игрушка-подушка", "игрушки-подушки"],
        F,
        ["cuddle pillow", "cuddle pillows"],
    )),
])
.adjectives(&[MUSICAL, INTERACTIVE])
.materials(&[PLUSH, SOFT_FABRIC])
.themes(&[
    phrase("Ayiqcha", "Мишка", "Teddy Bear"),
    phrase("Mushukcha", "Котик", "Kitten"),
    phrase("Quyoncha", "Зайка", "Bunny"),
    UNICORN,
    phrase("Dinozavr", "Динозавр", "Dinosaur"),
    phrase("Kuchukcha", "Щенок", "Puppy"),
    phrase("Panda", "Панда", "Panda"),
    phrase("Tulkicha", "Лисичка", "Little Fox"),
])
.benefits(&[SOFT_TO_TOUCH, MACHINE_WASHABLE, GENTLE_ON_SKIN])
.unit(CM)
.tiers(&[
    tier(20, (0, 216), (40_000, 90_000)),
    tier(30, (0, 216), (70_000, 160_000)),
    tier(45, (12, 216), (120_000, 280_000)),
    tier(70, (24, 216), (220_000, 480_000)),
    tier(100, (36, 216), (350_000, 750_000)),
])
.axis(VariantAxis::Colour);

const RATTLES: Leaf = leaf(
    "rattles-teethers",
    phrase(
        "Shaqildoqlar va tishlagichlar",
        "Погремушки и прорезыватели",
        "Rattles and teethers",
    ),
    5,
    Motif::Rattle,
)
.brands(&[
    "Fisher-Price",
    "Bright Starts",
    "Chicco",
    "Kichkintoy",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["shaqildoq", "shaqildoqlar"],
        ["погремушка", "погремушки"],
        F,
        ["rattle", "rattles"],
    )),
    kind(noun(
        ["tishlagich", "tishlagichlar"],
        ["прорезыватель", "прорезыватели"],
        M,
        ["teether", "teethers"],
    ))
    .adjectives(&[BRIGHT])
    .benefits(&[SOOTHES_GUMS, BPA_FREE]),
    kind(noun(
        ["shaqildoqlar to‘plami", "shaqildoqlar to‘plamlari"],
        ["набор погремушек", "наборы погремушек"],
        M,
        ["rattle set", "rattle sets"],
    )),
])
.adjectives(&[BRIGHT, MUSICAL])
.materials(&[FOOD_SILICONE, SAFE_PLASTIC, NATURAL_WOOD])
.themes(&[ANIMALS, FOREST_FRIENDS, RAINBOW])
.benefits(&[RATTLE_SOUNDS, BPA_FREE, FINE_MOTOR])
.tiers(&[
    tier(0, (0, 24), (25_000, 90_000)),
    tier(0, (3, 24), (40_000, 150_000)),
    tier(0, (6, 24), (50_000, 180_000)),
])
.axis(VariantAxis::Colour);

const ACTION_FIGURES: Leaf = leaf(
    "action-figures",
    phrase(
        "Figurkalar va o‘yin to‘plamlari",
        "Фигурки и игровые наборы",
        "Action figures and playsets",
    ),
    5,
    Motif::Robot,
)
.brands(&["Hasbro", "Mattel", "Spin Master", "Playmobil", "Noname"])
.kinds(&[
    kind(noun(
        ["figurka", "figurkalar"],
        ["фигурка", "фигурки"],
        F,
        ["action figure", "action figures"],
    )),
    kind(noun(
        ["o‘yin to‘plami", "o‘yin to‘plamlari"],
        ["игровой набор", "игровые наборы"],
        M,
        ["playset", "playsets"],
    )),
    kind(noun(
        ["blaster", "blasterlar"],
        ["бластер", "бластеры"],
        M,
        ["foam dart blaster", "foam dart blasters"],
    ))
    .unthemed()
    .adjectives(&[])
    .benefits(&[
        ACTIVE,
        phrase(
            "Yumshoq ko‘pik o‘qlar bilan xavfsiz o‘yin.",
            "Безопасная игра с мягкими поролоновыми патронами.",
            "Safe play with soft foam darts.",
        ),
    ]),
    kind(noun(
        ["transformer robot", "transformer robotlar"],
        ["робот-трансформер", "роботы-трансформеры"],
        M,
        ["transforming robot", "transforming robots"],
    )),
])
.adjectives(&[COLLECTIBLE])
.materials(&[DURABLE_PLASTIC])
.themes(&[DINOSAURS, SPACE, ROBOTS, PIRATES, SUPERHEROES])
.benefits(&[COLLECT_ALL, IMAGINATION, PRETEND_PLAY])
.tiers(&[
    tier(0, (48, 144), (60_000, 220_000)),
    tier(0, (72, 168), (150_000, 600_000)),
])
.axis(VariantAxis::Single);

const PRETEND_PLAY_SETS: Leaf = leaf(
    "pretend-play",
    phrase(
        "Syujetli-rolli o‘yinlar",
        "Сюжетно-ролевые игры",
        "Pretend play",
    ),
    5,
    Motif::Cup,
)
.brands(&[
    "Melissa & Doug",
    "Hape",
    "Smoby",
    "Little Tikes",
    "Играем вместе",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["oshxona to‘plami", "oshxona to‘plamlari"],
        ["игровая кухня", "игровые кухни"],
        F,
        ["play kitchen", "play kitchens"],
    )),
    kind(noun(
        ["shifokor to‘plami", "shifokor to‘plamlari"],
        ["набор доктора", "наборы доктора"],
        M,
        ["doctor's kit", "doctor's kits"],
    )),
    kind(noun(
        ["asboblar to‘plami", "asboblar to‘plamlari"],
        ["набор инструментов", "наборы инструментов"],
        M,
        ["toy tool set", "toy tool sets"],
    )),
    kind(noun(
        ["idish-tovoq to‘plami", "idish-tovoq to‘plamlari"],
        ["набор посуды", "наборы посуды"],
        M,
        ["tea set", "tea sets"],
    ))
    .benefits(&[LIKE_GROWN_UPS, PRETEND_PLAY]),
    kind(noun(
        ["supermarket kassasi", "supermarket kassalari"],
        ["игровая касса", "игровые кассы"],
        F,
        ["toy cash register", "toy cash registers"],
    )),
])
.adjectives(&[KIDS, LARGE])
.materials(&[SAFE_PLASTIC, NATURAL_WOOD])
.benefits(&[PRETEND_PLAY, SOCIAL, IMAGINATION])
.unit(ITEMS)
.tiers(&[
    tier(12, (36, 96), (60_000, 180_000)),
    tier(24, (36, 96), (120_000, 350_000)),
    tier(40, (36, 120), (250_000, 900_000)),
]);

const MUSICAL_TOYS: Leaf = leaf(
    "musical-toys",
    phrase(
        "Musiqiy o‘yinchoqlar",
        "Музыкальные игрушки",
        "Musical toys",
    ),
    4,
    Motif::Note,
)
.brands(&["VTech", "Fisher-Price", "Hape", "Умка", "Noname"])
.kinds(&[
    kind(noun(
        ["ksilofon", "ksilofonlar"],
        ["ксилофон", "ксилофоны"],
        M,
        ["xylophone", "xylophones"],
    )),
    kind(noun(
        ["baraban", "barabanlar"],
        ["барабан", "барабаны"],
        M,
        ["toy drum", "toy drums"],
    )),
    kind(noun(
        ["sintezator", "sintezatorlar"],
        ["синтезатор", "синтезаторы"],
        M,
        ["keyboard", "keyboards"],
    )),
    kind(noun(
        ["gitara", "gitaralar"],
        ["гитара", "гитары"],
        F,
        ["toy guitar", "toy guitars"],
    )),
    kind(noun(
        ["doira", "doiralar"],
        ["дойра", "дойры"],
        F,
        ["doira frame drum", "doira frame drums"],
    )),
    kind(noun(
        ["mikrofon", "mikrofonlar"],
        ["микрофон", "микрофоны"],
        M,
        ["toy microphone", "toy microphones"],
    )),
])
.adjectives(&[KIDS])
.materials(&[SAFE_MATERIALS])
.benefits(&[MUSIC_EAR, VOLUME_CONTROL])
.tiers(&[
    tier(0, (12, 72), (50_000, 160_000)),
    tier(0, (36, 120), (150_000, 600_000)),
])
.axis(VariantAxis::Colour);

const WOODEN_TOYS: Leaf = leaf(
    "wooden-toys",
    phrase("Yog‘och o‘yinchoqlar", "Деревянные игрушки", "Wooden toys"),
    4,
    Motif::Blocks,
)
.brands(&[
    "Hape",
    "Melissa & Doug",
    "Janod",
    "Мир деревянных игрушек",
    "Samarqand Hunarmand",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["kubiklar to‘plami", "kubiklar to‘plamlari"],
        ["набор кубиков", "наборы кубиков"],
        M,
        ["block set", "block sets"],
    )),
    kind(noun(
        ["sorter", "sorterlar"],
        ["сортер", "сортеры"],
        M,
        ["shape sorter", "shape sorters"],
    )),
    kind(noun(
        ["piramidka", "piramidkalar"],
        ["пирамидка", "пирамидки"],
        F,
        ["stacking tower", "stacking towers"],
    )),
    kind(noun(
        ["labirint", "labirintlar"],
        ["лабиринт", "лабиринты"],
        M,
        ["bead maze", "bead mazes"],
    )),
    kind(noun(
        ["baliq ovlash o‘yini", "baliq ovlash o‘yinlari"],
        ["магнитная рыбалка", "магнитные рыбалки"],
        F,
        ["magnetic fishing game", "magnetic fishing games"],
    )),
])
.adjectives(&[COLOURFUL])
.materials(&[NATURAL_WOOD, BIRCH])
.themes(&[ANIMALS, FARM, FOREST_FRIENDS, RAINBOW])
.benefits(&[ECO_NO_CORNERS, FINE_MOTOR, EARLY_CONCEPTS, SAFE_PAINT])
.tiers(&[
    tier(0, (12, 48), (45_000, 150_000)),
    tier(0, (24, 72), (80_000, 260_000)),
    tier(0, (36, 96), (120_000, 400_000)),
]);

// Games and puzzles (listed under toys).

const PUZZLES: Leaf = leaf(
    "puzzles",
    phrase("Pazllar", "Пазлы", "Jigsaw puzzles"),
    7,
    Motif::Puzzle,
)
.brands(&[
    "Ravensburger",
    "Clementoni",
    "Janod",
    "Djeco",
    "Десятое королевство",
    "Zukko",
    "Noname",
])
.group(Group::Games)
.kinds(&[
    kind(noun(
        ["pazl", "pazllar"],
        ["пазл", "пазлы"],
        M,
        ["jigsaw puzzle", "jigsaw puzzles"],
    )),
    kind(noun(
        ["3D pazl", "3D pazllar"],
        ["3D-пазл", "3D-пазлы"],
        M,
        ["3D puzzle", "3D puzzles"],
    )),
])
.materials(&[NATURAL_WOOD, THICK_CARDBOARD])
.themes(&[
    ANIMALS,
    DINOSAURS,
    SPACE,
    UNDER_THE_SEA,
    FARM,
    CITY,
    SAMARKAND,
    SILK_ROAD,
    FAIRY_TALE,
    PRINCESS,
    TRANSPORT,
    BUTTERFLIES,
])
.benefits(&[LOGIC, FINE_MOTOR, WHOLE_FAMILY])
.unit(PIECES)
.tiers(&[
    tier(24, (36, 84), (25_000, 70_000)),
    tier(48, (48, 96), (35_000, 90_000)),
    tier(104, (60, 144), (45_000, 120_000)),
    tier(260, (84, 168), (60_000, 160_000)),
    tier(500, (108, 216), (80_000, 220_000)),
    tier(1000, (144, 216), (110_000, 320_000)),
])
.axis(VariantAxis::Pieces);

const BOARD_GAMES: Leaf = leaf(
    "board-games",
    phrase("Stol o‘yinlari", "Настольные игры", "Board games"),
    6,
    Motif::Dice,
)
.brands(&[
    "Hasbro",
    "Mattel",
    "Djeco",
    "Десятое королевство",
    "Zukko",
    "Noname",
])
.group(Group::Games)
.kinds(&[
    kind(noun(
        ["stol o‘yini", "stol o‘yinlari"],
        ["настольная игра", "настольные игры"],
        F,
        ["board game", "board games"],
    )),
    kind(noun(
        ["karta o‘yini", "karta o‘yinlari"],
        ["карточная игра", "карточные игры"],
        F,
        ["card game", "card games"],
    ))
    .materials(&[THICK_CARDBOARD]),
    kind(noun(
        ["shashka", "shashkalar"],
        ["шашки", "шашки"],
        P,
        ["draughts", "draughts"],
    ))
    .unthemed(),
    kind(noun(
        ["shaxmat", "shaxmatlar"],
        ["шахматы", "шахматы"],
        P,
        ["chess set", "chess sets"],
    ))
    .unthemed(),
])
.adjectives(&[FAMILY, EDUCATIONAL, GIFT])
.materials(&[THICK_CARDBOARD, NATURAL_WOOD])
.themes(&[
    phrase("Sayohat", "Путешествие", "Journey"),
    phrase("Xazina izlab", "В поисках сокровищ", "Treasure Hunt"),
    phrase(
        "Kosmik sarguzasht",
        "Космическое приключение",
        "Space Adventure",
    ),
    phrase("Zukkolar", "Умники и умницы", "Bright Sparks"),
    SILK_ROAD,
])
.benefits(&[WHOLE_FAMILY, SIMPLE_RULES, LOGIC])
.tiers(&[
    tier(0, (48, 144), (60_000, 200_000)),
    tier(0, (72, 216), (120_000, 380_000)),
    tier(0, (96, 216), (200_000, 650_000)),
]);

const LOGIC_GAMES: Leaf = leaf(
    "logic-games",
    phrase(
        "Mantiqiy o‘yinlar va boshqotirmalar",
        "Логические игры и головоломки",
        "Logic games and brain teasers",
    ),
    4,
    Motif::Cube,
)
.brands(&[
    "Spin Master",
    "Djeco",
    "Мир деревянных игрушек",
    "Zukko",
    "Noname",
])
.group(Group::Games)
.kinds(&[
    kind(noun(
        ["kubik-boshqotirma", "kubik-boshqotirmalar"],
        ["кубик-головоломка", "кубики-головоломки"],
        M,
        ["puzzle cube", "puzzle cubes"],
    ))
    .unthemed(),
    kind(noun(
        ["boshqotirma", "boshqotirmalar"],
        ["головоломка", "головоломки"],
        F,
        ["brain teaser", "brain teasers"],
    )),
    kind(noun(
        ["tangram", "tangramlar"],
        ["танграм", "танграмы"],
        M,
        ["tangram", "tangrams"],
    )),
    kind(noun(
        ["labirint o‘yini", "labirint o‘yinlari"],
        ["игра-лабиринт", "игры-лабиринты"],
        F,
        ["maze game", "maze games"],
    )),
    kind(noun(
        ["domino", "dominolar"],
        ["домино", "домино"],
        N,
        ["dominoes set", "dominoes sets"],
    ))
    .unthemed(),
])
.materials(&[NATURAL_WOOD, DURABLE_PLASTIC])
.themes(&[
    ANIMALS,
    SPACE,
    phrase("Aql charxi", "Мозговой штурм", "Brainstorm"),
])
.benefits(&[LOGIC, SPATIAL, TRAVEL_FRIENDLY])
.tiers(&[
    tier(0, (60, 216), (30_000, 120_000)),
    tier(0, (84, 216), (60_000, 250_000)),
]);

// Books.

const BOOK_MATERIALS: &[Material] = &[THICK_PAPER, OFFSET_PAPER];

const BOOKS_0_3: Leaf = leaf(
    "books-0-3",
    phrase(
        "Kitoblar 0–3 yosh",
        "Книги для малышей 0–3 лет",
        "Books for ages 0–3",
    ),
    4,
    Motif::Book,
)
.kinds(&[
    kind(noun(
        ["karton kitobcha", "karton kitobchalar"],
        ["книжка-картонка", "книжки-картонки"],
        F,
        ["board book", "board books"],
    )),
    kind(noun(
        ["kitobcha", "kitobchalar"],
        ["книжка", "книжки"],
        F,
        ["baby book", "baby books"],
    )),
])
.adjectives(&[ILLUSTRATED, SOUND])
.materials(&[THICK_CARDBOARD])
.themes(&[
    phrase(
        "Mening birinchi so‘zlarim",
        "Мои первые слова",
        "My First Words",
    ),
    phrase(
        "Kim qanday ovoz chiqaradi?",
        "Кто как говорит?",
        "Who Says What?",
    ),
    phrase("Ranglar", "Цвета", "Colours"),
    phrase(
        "Uxla, jajji ayiqcha",
        "Спи, медвежонок",
        "Sleep, Little Bear",
    ),
    ANIMALS,
    phrase("Mening uyim", "Мой дом", "My Home"),
])
.benefits(&[ILLUSTRATIONS, FIRST_WORDS, TEAR_PROOF, LOVE_OF_READING])
.unit(PAGES)
.tiers(&[
    tier(10, (0, 36), (25_000, 60_000)),
    tier(12, (6, 36), (30_000, 80_000)),
    tier(16, (12, 36), (35_000, 95_000)),
])
.axis(VariantAxis::Edition { covers: false });

const BOOKS_3_6: Leaf = leaf(
    "books-3-6",
    phrase(
        "Kitoblar 3–6 yosh",
        "Книги для детей 3–6 лет",
        "Books for ages 3–6",
    ),
    5,
    Motif::Book,
)
.kinds(&[
    kind(noun(
        ["ertak kitobi", "ertak kitoblari"],
        ["книга сказок", "книги сказок"],
        F,
        ["storybook", "storybooks"],
    )),
    kind(noun(
        ["rasmli kitob", "rasmli kitoblar"],
        ["книжка с картинками", "книжки с картинками"],
        F,
        ["picture book", "picture books"],
    )),
    kind(noun(
        ["stikerli kitob", "stikerli kitoblar"],
        ["книжка с наклейками", "книжки с наклейками"],
        F,
        ["sticker book", "sticker books"],
    )),
    kind(noun(
        ["ish daftari", "ish daftarlari"],
        ["рабочая тетрадь", "рабочие тетради"],
        F,
        ["activity workbook", "activity workbooks"],
    ))
    .unthemed()
    .benefits(&[EARLY_CONCEPTS, FINE_MOTOR])
    .axis(VariantAxis::AgeOption),
])
.adjectives(&[ILLUSTRATED, GIFT])
.materials(BOOK_MATERIALS)
.themes(&[
    phrase("Bo‘g‘irsoq", "Колобок", "The Runaway Bun"),
    phrase("Sholg‘om", "Репка", "The Giant Turnip"),
    phrase("Uch ayiq", "Три медведя", "The Three Bears"),
    phrase(
        "Bo‘ri va yetti uloqcha",
        "Волк и семеро козлят",
        "The Wolf and the Seven Little Goats",
    ),
    phrase("Zumrad va Qimmat", "Зумрад и Киммат", "Zumrad and Qimmat"),
    phrase(
        "Qizil qalpoqcha",
        "Красная Шапочка",
        "Little Red Riding Hood",
    ),
    phrase("Alifbo", "Азбука", "ABC"),
])
.benefits(&[LOVE_OF_READING, ILLUSTRATIONS, BEDTIME])
.unit(PAGES)
.tiers(&[
    tier(16, (36, 72), (25_000, 55_000)),
    tier(24, (36, 72), (30_000, 70_000)),
    tier(32, (48, 84), (35_000, 85_000)),
    tier(48, (48, 84), (45_000, 110_000)),
])
.axis(VariantAxis::Edition { covers: true });

const BOOKS_6_9: Leaf = leaf(
    "books-6-9",
    phrase(
        "Kitoblar 6–9 yosh",
        "Книги для детей 6–9 лет",
        "Books for ages 6–9",
    ),
    5,
    Motif::Book,
)
.kinds(&[kind(noun(
    ["kitob", "kitoblar"],
    ["книга", "книги"],
    F,
    ["book", "books"],
))])
.adjectives(&[ILLUSTRATED, GIFT])
.materials(BOOK_MATERIALS)
.themes(&[
    phrase(
        "Alisa mo‘jizalar mamlakatida",
        "Алиса в Стране чудес",
        "Alice in Wonderland",
    ),
    phrase("Pinokkio", "Пиноккио", "Pinocchio"),
    phrase(
        "Nasriddin Afandi latifalari",
        "Рассказы о Ходже Насреддине",
        "Tales of Nasreddin Afandi",
    ),
    phrase(
        "Aladdin va sehrli chiroq",
        "Аладдин и волшебная лампа",
        "Aladdin and the Magic Lamp",
    ),
    phrase(
        "Chipollino sarguzashtlari",
        "Приключения Чиполлино",
        "The Adventures of Cipollino",
    ),
    phrase(
        "Bremen musiqachilari",
        "Бременские музыканты",
        "The Town Musicians of Bremen",
    ),
    phrase("Kichkina shahzoda", "Маленький принц", "The Little Prince"),
])
.benefits(&[LOVE_OF_READING, ILLUSTRATIONS, HORIZONS])
.unit(PAGES)
.tiers(&[
    tier(48, (72, 108), (40_000, 90_000)),
    tier(64, (72, 108), (45_000, 110_000)),
    tier(96, (72, 108), (55_000, 140_000)),
    tier(128, (72, 108), (65_000, 160_000)),
])
.axis(VariantAxis::Edition { covers: true });

const BOOKS_9_12: Leaf = leaf(
    "books-9-12",
    phrase(
        "Kitoblar 9–12 yosh",
        "Книги для детей 9–12 лет",
        "Books for ages 9–12",
    ),
    4,
    Motif::Book,
)
.kinds(&[
    kind(noun(
        ["kitob", "kitoblar"],
        ["книга", "книги"],
        F,
        ["book", "books"],
    )),
    kind(noun(
        ["sarguzasht romani", "sarguzasht romanlari"],
        ["приключенческий роман", "приключенческие романы"],
        M,
        ["adventure novel", "adventure novels"],
    )),
])
.adjectives(&[GIFT])
.materials(BOOK_MATERIALS)
.themes(&[
    phrase("Robinzon Kruzo", "Робинзон Крузо", "Robinson Crusoe"),
    phrase(
        "Tom Soyerning sarguzashtlari",
        "Приключения Тома Сойера",
        "The Adventures of Tom Sawyer",
    ),
    phrase(
        "Gulliverning sayohatlari",
        "Путешествия Гулливера",
        "Gulliver's Travels",
    ),
    phrase("Xazina oroli", "Остров сокровищ", "Treasure Island"),
    phrase("Shum bola", "Озорник", "The Mischievous Boy"),
    phrase("Oltin kalitcha", "Золотой ключик", "The Golden Key"),
])
.benefits(&[LOVE_OF_READING, HORIZONS])
.unit(PAGES)
.tiers(&[
    tier(160, (108, 144), (50_000, 120_000)),
    tier(224, (108, 144), (60_000, 150_000)),
    tier(320, (108, 144), (70_000, 180_000)),
])
.axis(VariantAxis::Edition { covers: true });

const BOOKS_TEEN: Leaf = leaf(
    "books-teen",
    phrase(
        "O‘smirlar uchun kitoblar",
        "Книги для подростков",
        "Books for teens",
    ),
    4,
    Motif::Book,
)
.kinds(&[
    kind(noun(
        ["kitob", "kitoblar"],
        ["книга", "книги"],
        F,
        ["book", "books"],
    )),
    kind(noun(
        ["roman", "romanlar"],
        ["роман", "романы"],
        M,
        ["novel", "novels"],
    )),
])
.adjectives(&[GIFT])
.materials(BOOK_MATERIALS)
.themes(&[
    phrase("O‘tkan kunlar", "Минувшие дни", "Bygone Days"),
    phrase(
        "Mehrobdan chayon",
        "Скорпион из алтаря",
        "Scorpion from the Altar",
    ),
    phrase("Yulduzli tunlar", "Звёздные ночи", "Starry Nights"),
    phrase(
        "Sherlok Xolms sarguzashtlari",
        "Приключения Шерлока Холмса",
        "The Adventures of Sherlock Holmes",
    ),
    phrase("Oq kema", "Белый пароход", "The White Ship"),
    phrase("Jamila", "Джамиля", "Jamila"),
])
.benefits(&[LOVE_OF_READING, HORIZONS])
.unit(PAGES)
.tiers(&[
    tier(256, (144, 216), (60_000, 140_000)),
    tier(352, (144, 216), (75_000, 170_000)),
    tier(480, (144, 216), (90_000, 210_000)),
])
.axis(VariantAxis::Edition { covers: true });

const COLOURING_BOOKS: Leaf = leaf(
    "colouring-books",
    phrase("Rang berish kitoblari", "Раскраски", "Colouring books"),
    4,
    Motif::Book,
)
.kinds(&[
    kind(noun(
        ["rang berish kitobi", "rang berish kitoblari"],
        ["раскраска", "раскраски"],
        F,
        ["colouring book", "colouring books"],
    )),
    kind(noun(
        ["suvli raskraska", "suvli raskraskalar"],
        ["водная раскраска", "водные раскраски"],
        F,
        ["water colouring book", "water colouring books"],
    )),
    kind(noun(
        ["stikerli raskraska", "stikerli raskraskalar"],
        ["раскраска с наклейками", "раскраски с наклейками"],
        F,
        [
            "colouring book with stickers",
            "colouring books with stickers",
        ],
    )),
])
.materials(&[THICK_PAPER])
.themes(&[
    ANIMALS,
    PRINCESS,
    TRANSPORT,
    DINOSAURS,
    UNICORN,
    UNDER_THE_SEA,
])
.benefits(&[FINE_MOTOR, IMAGINATION])
.unit(PAGES)
.tiers(&[
    tier(16, (36, 96), (12_000, 30_000)),
    tier(32, (48, 120), (18_000, 45_000)),
    tier(64, (60, 144), (25_000, 60_000)),
]);

const ENCYCLOPEDIAS: Leaf = leaf(
    "encyclopedias",
    phrase("Ensiklopediyalar", "Энциклопедии", "Encyclopedias"),
    3,
    Motif::Book,
)
.kinds(&[
    kind(noun(
        ["ensiklopediya", "ensiklopediyalar"],
        ["энциклопедия", "энциклопедии"],
        F,
        ["encyclopedia", "encyclopedias"],
    )),
    kind(noun(
        ["atlas", "atlaslar"],
        ["атлас", "атласы"],
        M,
        ["atlas", "atlases"],
    )),
])
.adjectives(&[ILLUSTRATED, LARGE])
.materials(&[OFFSET_PAPER])
.themes(&[
    SPACE,
    DINOSAURS,
    phrase("Inson tanasi", "Тело человека", "The Human Body"),
    phrase("Hayvonot olami", "Мир животных", "The Animal World"),
    phrase("Nima uchun?", "Почему?", "Why?"),
    phrase(
        "O‘zbekiston tarixi",
        "История Узбекистана",
        "History of Uzbekistan",
    ),
    phrase("Okean sirlari", "Тайны океана", "Secrets of the Ocean"),
])
.benefits(&[FACTS, HORIZONS, LOVE_OF_READING])
.unit(PAGES)
.tiers(&[
    tier(96, (72, 144), (80_000, 180_000)),
    tier(128, (84, 168), (100_000, 250_000)),
    tier(192, (96, 216), (150_000, 380_000)),
])
.axis(VariantAxis::Edition { covers: false });

// School.

const PRINTS: &[Phrase] = &[
    DINOSAURS,
    SPACE,
    UNICORN,
    FOOTBALL,
    KITTENS,
    RACING,
    BUTTERFLIES,
];

const BACKPACKS: Leaf = leaf(
    "backpacks",
    phrase("Ryukzaklar", "Рюкзаки и ранцы", "School backpacks"),
    6,
    Motif::Backpack,
)
.brands(&["ErichKrause", "Brauberg", "Hatber", "Noname"])
.kinds(&[
    kind(noun(
        ["ryukzak", "ryukzaklar"],
        ["рюкзак", "рюкзаки"],
        M,
        ["backpack", "backpacks"],
    )),
    kind(noun(
        ["maktab ryukzagi", "maktab ryukzaklari"],
        ["школьный рюкзак", "школьные рюкзаки"],
        M,
        ["school backpack", "school backpacks"],
    )),
    kind(noun(
        ["ranets", "ranetslar"],
        ["ранец", "ранцы"],
        M,
        ["school satchel", "school satchels"],
    )),
])
.adjectives(&[ORTHOPAEDIC, LIGHTWEIGHT])
.materials(&[WATER_REPELLENT, POLYESTER])
.themes(PRINTS)
.benefits(&[ORTHOPAEDIC_BACK, REFLECTIVE, ROOMY])
.tiers(&[
    tier(0, (72, 120), (180_000, 420_000)),
    tier(0, (84, 168), (250_000, 650_000)),
    tier(0, (108, 216), (200_000, 550_000)),
])
.axis(VariantAxis::Colour);

const PENCIL_CASES: Leaf = leaf(
    "pencil-cases",
    phrase("Penallar", "Пеналы", "Pencil cases"),
    4,
    Motif::Pencil,
)
.brands(&["ErichKrause", "Brauberg", "Maped", "Deli", "Noname"])
.kinds(&[
    kind(noun(
        ["penal", "penallar"],
        ["пенал", "пеналы"],
        M,
        ["pencil case", "pencil cases"],
    )),
    kind(noun(
        ["penal-tubus", "penal-tubuslar"],
        ["пенал-тубус", "пеналы-тубусы"],
        M,
        ["pencil pouch", "pencil pouches"],
    )),
    kind(noun(
        ["to‘ldirilgan penal", "to‘ldirilgan penallar"],
        ["пенал с наполнением", "пеналы с наполнением"],
        M,
        ["filled pencil case", "filled pencil cases"],
    )),
])
.adjectives(&[TWO_COMPARTMENT, SOFT])
.materials(&[POLYESTER, FOOD_SILICONE])
.themes(PRINTS)
.benefits(&[EVERYTHING_IN_PLACE])
.tiers(&[
    tier(0, (72, 168), (35_000, 120_000)),
    tier(0, (72, 216), (60_000, 220_000)),
])
.axis(VariantAxis::Colour);

const NOTEBOOKS: Leaf = leaf(
    "notebooks",
    phrase("Daftarlar", "Тетради", "Notebooks"),
    5,
    Motif::Notebook,
)
.brands(&["Hatber", "ErichKrause", "Brauberg", "Deli", "Noname"])
.kinds(&[
    kind(noun(
        ["daftar", "daftarlar"],
        ["тетрадь", "тетради"],
        F,
        ["exercise book", "exercise books"],
    )),
    kind(noun(
        ["umumiy daftar", "umumiy daftarlar"],
        ["общая тетрадь", "общие тетради"],
        F,
        ["thick notebook", "thick notebooks"],
    )),
    kind(noun(
        ["daftarlar to‘plami", "daftarlar to‘plamlari"],
        ["набор тетрадей", "наборы тетрадей"],
        M,
        ["set of exercise books", "sets of exercise books"],
    )),
    kind(noun(
        ["bloknot", "bloknotlar"],
        ["блокнот", "блокноты"],
        M,
        ["notepad", "notepads"],
    )),
])
.materials(&[OFFSET_PAPER])
.themes(&[SPACE, KITTENS, FOOTBALL, ANIMALS, FLOWERS, SAMARKAND])
.benefits(&[NO_BLEED, LAMINATED])
.unit(SHEETS)
.tiers(&[
    tier(12, (72, 216), (8_000, 15_000)),
    tier(18, (72, 216), (8_000, 16_000)),
    tier(48, (72, 216), (12_000, 30_000)),
    tier(96, (96, 216), (20_000, 45_000)),
])
.axis(VariantAxis::Ruling);

const PENS_PENCILS: Leaf = leaf(
    "pens-pencils",
    phrase(
        "Ruchka va qalamlar",
        "Ручки и карандаши",
        "Pens and pencils",
    ),
    5,
    Motif::Pencil,
)
.brands(&[
    "Faber-Castell",
    "Crayola",
    "Staedtler",
    "Giotto",
    "Maped",
    "ErichKrause",
    "Deli",
])
.kinds(&[
    kind(noun(
        ["rangli qalamlar to‘plami", "rangli qalamlar to‘plamlari"],
        ["набор цветных карандашей", "наборы цветных карандашей"],
        M,
        ["coloured pencil set", "coloured pencil sets"],
    )),
    kind(noun(
        ["gelli ruchka", "gelli ruchkalar"],
        ["гелевая ручка", "гелевые ручки"],
        F,
        ["gel pen", "gel pens"],
    )),
    kind(noun(
        [
            "sharikli ruchkalar to‘plami",
            "sharikli ruchkalar to‘plamlari",
        ],
        ["набор шариковых ручек", "наборы шариковых ручек"],
        M,
        ["ballpoint pen set", "ballpoint pen sets"],
    )),
    kind(noun(
        ["flomasterlar to‘plami", "flomasterlar to‘plamlari"],
        ["набор фломастеров", "наборы фломастеров"],
        M,
        ["felt-tip pen set", "felt-tip pen sets"],
    )),
    kind(noun(
        ["oddiy qalam", "oddiy qalamlar"],
        ["чернографитный карандаш", "чернографитные карандаши"],
        M,
        ["graphite pencil", "graphite pencils"],
    )),
])
.adjectives(&[BRIGHT])
.benefits(&[BRIGHT_COLOURS, GRIP])
.unit(PCS)
.tiers(&[
    tier(6, (48, 216), (12_000, 35_000)),
    tier(12, (48, 216), (18_000, 60_000)),
    tier(24, (60, 216), (35_000, 120_000)),
    tier(36, (72, 216), (55_000, 180_000)),
]);

const STATIONERY: Leaf = leaf(
    "stationery",
    phrase("Kanselyariya tovarlari", "Канцтовары", "Stationery"),
    4,
    Motif::Pencil,
)
.brands(&[
    "Maped",
    "Faber-Castell",
    "Staedtler",
    "Brauberg",
    "Deli",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["qaychi", "qaychilar"],
        ["ножницы", "ножницы"],
        P,
        ["scissors", "scissors"],
    ))
    .unthemed(),
    kind(noun(
        ["chizg‘ich", "chizg‘ichlar"],
        ["линейка", "линейки"],
        F,
        ["ruler", "rulers"],
    )),
    kind(noun(
        ["o‘chirg‘ich", "o‘chirg‘ichlar"],
        ["ластик", "ластики"],
        M,
        ["eraser", "erasers"],
    )),
    kind(noun(
        ["qalam uchlagich", "qalam uchlagichlar"],
        ["точилка", "точилки"],
        F,
        ["pencil sharpener", "pencil sharpeners"],
    )),
    kind(noun(
        ["kanselyariya to‘plami", "kanselyariya to‘plamlari"],
        ["канцелярский набор", "канцелярские наборы"],
        M,
        ["stationery set", "stationery sets"],
    )),
    kind(noun(
        ["kley-qalam", "kley-qalamlar"],
        ["клей-карандаш", "клеи-карандаши"],
        M,
        ["glue stick", "glue sticks"],
    ))
    .unthemed(),
])
.adjectives(&[KIDS])
.themes(&[KITTENS, SPACE, UNICORN, FOOTBALL])
.benefits(&[SCHOOL_AND_HOME])
.tiers(&[
    tier(0, (48, 216), (8_000, 25_000)),
    tier(0, (60, 216), (15_000, 60_000)),
    tier(0, (72, 216), (40_000, 150_000)),
])
.axis(VariantAxis::Colour);

// Learning.

const STEM_KITS: Leaf = leaf(
    "stem-kits",
    phrase("STEM to‘plamlari", "STEM-наборы", "STEM kits"),
    4,
    Motif::Bricks,
)
.brands(&[
    "Clementoni",
    "Zukko",
    "Десятое королевство",
    "Akademnashr",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["STEM to‘plami", "STEM to‘plamlari"],
        ["STEM-набор", "STEM-наборы"],
        M,
        ["STEM kit", "STEM kits"],
    )),
    kind(noun(
        ["elektron konstruktor", "elektron konstruktorlar"],
        ["электронный конструктор", "электронные конструкторы"],
        M,
        ["electronics kit", "electronics kits"],
    )),
    kind(noun(
        ["muhandislik to‘plami", "muhandislik to‘plamlari"],
        ["инженерный набор", "инженерные наборы"],
        M,
        ["engineering kit", "engineering kits"],
    )),
])
.adjectives(&[EDUCATIONAL])
.materials(&[PLASTIC_METAL])
.themes(&[
    phrase(
        "Elektr zanjirlari",
        "Электрические цепи",
        "Electric Circuits",
    ),
    phrase("Quyosh energiyasi", "Солнечная энергия", "Solar Power"),
    phrase("Gidravlika", "Гидравлика", "Hydraulics"),
    phrase("Mexanizmlar", "Механизмы", "Mechanisms"),
    phrase("Shamol energiyasi", "Энергия ветра", "Wind Power"),
])
.benefits(&[ENGINEERING, INSTRUCTIONS, NEEDS_BATTERIES])
.unit(PIECES)
.tiers(&[
    tier(60, (72, 144), (150_000, 400_000)),
    tier(120, (96, 168), (280_000, 750_000)),
    tier(250, (108, 216), (500_000, 1_300_000)),
])
.axis(VariantAxis::Pieces);

const ROBOTICS: Leaf = leaf(
    "robotics",
    phrase("Robototexnika", "Робототехника", "Robotics kits"),
    3,
    Motif::Robot,
)
.brands(&["LEGO", "VTech", "Zukko", "Noname"])
.kinds(&[
    kind(noun(
        ["robot-konstruktor", "robot-konstruktorlar"],
        ["робот-конструктор", "роботы-конструкторы"],
        M,
        ["robot building kit", "robot building kits"],
    )),
    kind(noun(
        ["dasturlanadigan robot", "dasturlanadigan robotlar"],
        ["программируемый робот", "программируемые роботы"],
        M,
        ["programmable robot", "programmable robots"],
    )),
    kind(noun(
        ["robototexnika to‘plami", "robototexnika to‘plamlari"],
        ["набор по робототехнике", "наборы по робототехнике"],
        M,
        ["robotics kit", "robotics kits"],
    )),
])
.adjectives(&[EDUCATIONAL, INTERACTIVE])
.materials(&[IMPACT_PLASTIC])
.benefits(&[CODING, APP_CONTROL, INSTRUCTIONS])
.unit(PIECES)
.tiers(&[
    tier(80, (72, 144), (350_000, 900_000)),
    tier(200, (96, 168), (700_000, 1_800_000)),
    tier(400, (120, 216), (1_200_000, 3_400_000)),
]);

const SCIENCE_KITS: Leaf = leaf(
    "science-kits",
    phrase(
        "Tajribalar uchun to‘plamlar",
        "Наборы для опытов",
        "Science experiment kits",
    ),
    3,
    Motif::Flask,
)
.brands(&["Clementoni", "Zukko", "Десятое королевство", "Noname"])
.kinds(&[
    kind(noun(
        ["tajribalar to‘plami", "tajribalar to‘plamlari"],
        ["набор для опытов", "наборы для опытов"],
        M,
        ["science kit", "science kits"],
    )),
    kind(noun(
        ["mikroskop", "mikroskoplar"],
        ["микроскоп", "микроскопы"],
        M,
        ["microscope", "microscopes"],
    ))
    .unthemed(),
    kind(noun(
        ["teleskop", "teleskoplar"],
        ["телескоп", "телескопы"],
        M,
        ["telescope", "telescopes"],
    ))
    .unthemed(),
    kind(noun(
        [
            "kristall o‘stirish to‘plami",
            "kristall o‘stirish to‘plamlari",
        ],
        [
            "набор для выращивания кристаллов",
            "наборы для выращивания кристаллов",
        ],
        M,
        ["crystal growing kit", "crystal growing kits"],
    ))
    .unthemed(),
])
.adjectives(&[KIDS])
.materials(&[SAFE_MATERIALS])
.themes(&[
    phrase("Kimyo", "Химия", "Chemistry"),
    phrase("Vulqonlar", "Вулканы", "Volcanoes"),
    phrase("Yosh fizik", "Юный физик", "Young Physicist"),
    phrase("Yosh kimyogar", "Юный химик", "Young Chemist"),
    phrase("Yosh biolog", "Юный биолог", "Young Biologist"),
])
.benefits(&[EXPERIMENTS, INSTRUCTIONS, ADULT_SUPERVISION])
.tiers(&[
    tier(0, (72, 144), (120_000, 350_000)),
    tier(0, (96, 168), (250_000, 900_000)),
    tier(0, (108, 216), (500_000, 1_900_000)),
]);

const EARLY_LEARNING: Leaf = leaf(
    "early-learning",
    phrase("Erta rivojlanish", "Раннее развитие", "Early learning"),
    4,
    Motif::Blocks,
)
.brands(&[
    "Fisher-Price",
    "Melissa & Doug",
    "Hape",
    "VTech",
    "Умка",
    "Zukko",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["bizibord", "bizibordlar"],
        ["бизиборд", "бизиборды"],
        M,
        ["busy board", "busy boards"],
    )),
    kind(noun(
        ["rivojlantiruvchi gilamcha", "rivojlantiruvchi gilamchalar"],
        ["развивающий коврик", "развивающие коврики"],
        M,
        ["play mat", "play mats"],
    ))
    .materials(&[SOFT_FABRIC])
    .adjectives(&[MUSICAL, BRIGHT]),
    kind(noun(
        ["kartochkalar to‘plami", "kartochkalar to‘plamlari"],
        ["набор развивающих карточек", "наборы развивающих карточек"],
        M,
        ["flash card set", "flash card sets"],
    ))
    .materials(&[THICK_CARDBOARD])
    .axis(VariantAxis::AgeOption),
    kind(noun(
        ["Montessori ramkasi", "Montessori ramkalari"],
        ["рамка-вкладыш Монтессори", "рамки-вкладыши Монтессори"],
        F,
        ["Montessori inset board", "Montessori inset boards"],
    ))
    .materials(&[NATURAL_WOOD]),
])
.adjectives(&[BRIGHT])
.materials(&[SAFE_MATERIALS, NATURAL_WOOD])
.themes(&[
    ANIMALS,
    FARM,
    TRANSPORT,
    phrase("Raqamlar", "Цифры", "Numbers"),
    phrase("Alifbo", "Азбука", "Alphabet"),
])
.benefits(&[EARLY_CONCEPTS, MONTESSORI, FINE_MOTOR])
.tiers(&[
    tier(0, (6, 36), (90_000, 350_000)),
    tier(0, (12, 48), (120_000, 450_000)),
    tier(0, (24, 72), (60_000, 250_000)),
]);

// Arts and crafts.

const DRAWING: Leaf = leaf(
    "drawing-painting",
    phrase("Rasm chizish", "Рисование", "Drawing and painting"),
    4,
    Motif::Palette,
)
.brands(&[
    "Crayola",
    "Faber-Castell",
    "Giotto",
    "Maped",
    "Melissa & Doug",
    "Brauberg",
])
.kinds(&[
    kind(noun(
        ["bo‘yoqlar to‘plami", "bo‘yoqlar to‘plamlari"],
        ["набор красок", "наборы красок"],
        M,
        ["paint set", "paint sets"],
    )),
    kind(noun(
        ["molbert", "molbertlar"],
        ["мольберт", "мольберты"],
        M,
        ["easel", "easels"],
    ))
    .unthemed()
    .materials(&[NATURAL_WOOD, DURABLE_PLASTIC]),
    kind(noun(
        ["rasm chizish to‘plami", "rasm chizish to‘plamlari"],
        ["набор для рисования", "наборы для рисования"],
        M,
        ["art set", "art sets"],
    )),
    kind(noun(
        ["mum qalamlar to‘plami", "mum qalamlar to‘plamlari"],
        ["набор восковых мелков", "наборы восковых мелков"],
        M,
        ["crayon set", "crayon sets"],
    )),
    kind(noun(
        ["rasm albomi", "rasm albomlari"],
        ["альбом для рисования", "альбомы для рисования"],
        M,
        ["sketchbook", "sketchbooks"],
    ))
    .materials(&[THICK_PAPER]),
])
.adjectives(&[KIDS, LARGE])
.materials(&[SAFE_MATERIALS])
.themes(&[
    RAINBOW,
    UNICORN,
    SPACE,
    phrase("Yosh rassom", "Юный художник", "Young Artist"),
])
.benefits(&[BRIGHT_COLOURS, IMAGINATION, WASHES_OFF])
.tiers(&[
    tier(0, (36, 216), (25_000, 90_000)),
    tier(0, (48, 216), (60_000, 220_000)),
    tier(0, (60, 216), (150_000, 700_000)),
])
.axis(VariantAxis::Colour);

const MODELLING: Leaf = leaf(
    "modelling-clay",
    phrase("Plastilin va loy", "Лепка", "Modelling clay"),
    3,
    Motif::Palette,
)
.brands(&["Play-Doh", "Spin Master", "Giotto", "Crayola", "Noname"])
.kinds(&[
    kind(noun(
        ["plastilin to‘plami", "plastilin to‘plamlari"],
        ["набор пластилина", "наборы пластилина"],
        M,
        ["modelling clay set", "modelling clay sets"],
    )),
    kind(noun(
        ["loy to‘plami", "loy to‘plamlari"],
        ["набор массы для лепки", "наборы массы для лепки"],
        M,
        ["play dough set", "play dough sets"],
    )),
    kind(noun(
        ["kinetik qum to‘plami", "kinetik qum to‘plamlari"],
        ["набор кинетического песка", "наборы кинетического песка"],
        M,
        ["kinetic sand set", "kinetic sand sets"],
    )),
])
.adjectives(&[BRIGHT])
.materials(&[DOUGH])
.themes(&[
    ANIMALS,
    DINOSAURS,
    phrase("Shirinliklar do‘koni", "Кондитерская", "Sweet Shop"),
    UNDER_THE_SEA,
])
.benefits(&[NOT_STICKY, FINE_MOTOR, IMAGINATION])
.unit(COLOURS_UNIT)
.tiers(&[
    tier(6, (36, 120), (15_000, 40_000)),
    tier(12, (36, 144), (25_000, 70_000)),
    tier(24, (48, 216), (45_000, 130_000)),
]);

const CRAFT_KITS: Leaf = leaf(
    "craft-kits",
    phrase(
        "Qo‘l mehnati to‘plamlari",
        "Наборы для творчества",
        "Craft kits",
    ),
    4,
    Motif::Palette,
)
.brands(&[
    "Djeco",
    "Melissa & Doug",
    "Crayola",
    "Spin Master",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["ijodkorlik to‘plami", "ijodkorlik to‘plamlari"],
        ["набор для творчества", "наборы для творчества"],
        M,
        ["craft kit", "craft kits"],
    )),
    kind(noun(
        ["munchoqlar to‘plami", "munchoqlar to‘plamlari"],
        ["набор бусин", "наборы бусин"],
        M,
        ["bead kit", "bead kits"],
    )),
    kind(noun(
        ["kashta tikish to‘plami", "kashta tikish to‘plamlari"],
        ["набор для вышивания", "наборы для вышивания"],
        M,
        ["embroidery kit", "embroidery kits"],
    )),
    kind(noun(
        ["olmos mozaika", "olmos mozaikalar"],
        ["алмазная мозаика", "алмазные мозаики"],
        F,
        ["diamond painting kit", "diamond painting kits"],
    )),
    kind(noun(
        ["sovun tayyorlash to‘plami", "sovun tayyorlash to‘plamlari"],
        ["набор для мыловарения", "наборы для мыловарения"],
        M,
        ["soap-making kit", "soap-making kits"],
    )),
])
.materials(&[SAFE_MATERIALS])
.themes(&[UNICORN, BUTTERFLIES, FLOWERS, KITTENS, SPACE, SAMARKAND])
.benefits(&[IMAGINATION, FINE_MOTOR, STEP_BY_STEP])
.tiers(&[
    tier(0, (60, 144), (40_000, 150_000)),
    tier(0, (84, 216), (80_000, 280_000)),
]);

// Baby care.

const FEEDING: Leaf = leaf(
    "feeding",
    phrase("Ovqatlantirish", "Кормление", "Feeding"),
    4,
    Motif::Cup,
)
.brands(&[
    "Philips Avent",
    "Tommee Tippee",
    "Happy Baby",
    "Chicco",
    "Kichkintoy",
])
.kinds(&[
    kind(noun(
        [
            "bolalar idishlari to‘plami",
            "bolalar idishlari to‘plamlari",
        ],
        ["набор детской посуды", "наборы детской посуды"],
        M,
        ["baby tableware set", "baby tableware sets"],
    )),
    kind(noun(
        ["ko‘krakcha", "ko‘krakchalar"],
        ["нагрудник", "нагрудники"],
        M,
        ["bib", "bibs"],
    )),
    kind(noun(
        ["ichish idishi", "ichish idishlari"],
        ["поильник", "поильники"],
        M,
        ["sippy cup", "sippy cups"],
    )),
    kind(noun(
        ["so‘rg‘ichli likopcha", "so‘rg‘ichli likopchalar"],
        ["тарелка на присоске", "тарелки на присоске"],
        F,
        ["suction plate", "suction plates"],
    )),
])
.materials(&[FOOD_SILICONE, BAMBOO_FIBRE, POLYPROPYLENE])
.themes(&[ANIMALS, FOREST_FRIENDS, RAINBOW])
.benefits(&[SELF_FEEDING, BPA_FREE, DISHWASHER])
.tiers(&[
    tier(0, (4, 36), (30_000, 120_000)),
    tier(0, (6, 36), (50_000, 180_000)),
])
.axis(VariantAxis::Colour);

const BOTTLES: Leaf = leaf(
    "bottles-pacifiers",
    phrase(
        "Shishachalar va so‘rg‘ichlar",
        "Бутылочки и соски",
        "Bottles and pacifiers",
    ),
    4,
    Motif::Bottle,
)
.brands(&["Philips Avent", "Pigeon", "Tommee Tippee", "NUK", "Chicco"])
.kinds(&[
    kind(noun(
        ["shishacha", "shishachalar"],
        ["бутылочка", "бутылочки"],
        F,
        ["baby bottle", "baby bottles"],
    ))
    .adjectives(&[ANTI_COLIC])
    .benefits(&[ANTI_COLIC_VALVE, BPA_FREE, DISHWASHER])
    .axis(VariantAxis::Volume(&[125, 150, 240, 260, 330])),
    kind(noun(
        ["so‘rg‘ich", "so‘rg‘ichlar"],
        ["соска-пустышка", "соски-пустышки"],
        F,
        ["pacifier", "pacifiers"],
    ))
    .adjectives(&[ORTHODONTIC])
    .materials(&[FOOD_SILICONE])
    .benefits(&[BPA_FREE, SOOTHES_GUMS]),
])
.materials(&[FOOD_SILICONE, POLYPROPYLENE])
.themes(&[ANIMALS, RAINBOW])
.tiers(&[
    tier(0, (0, 24), (40_000, 140_000)),
    tier(0, (3, 36), (60_000, 220_000)),
    tier(0, (6, 36), (80_000, 260_000)),
])
.axis(VariantAxis::Colour);

const STROLLERS: Leaf = leaf(
    "strollers",
    phrase("Kolyaskalar", "Коляски", "Strollers"),
    3,
    Motif::Stroller,
)
.brands(&["Chicco", "Cybex", "Joie", "Happy Baby"])
.kinds(&[
    kind(noun(
        ["kolyaska", "kolyaskalar"],
        ["коляска", "коляски"],
        F,
        ["stroller", "strollers"],
    )),
    kind(noun(
        ["sayr kolyaskasi", "sayr kolyaskalari"],
        ["прогулочная коляска", "прогулочные коляски"],
        F,
        ["pushchair", "pushchairs"],
    ))
    .tiers(&[tier(0, (6, 48), (700_000, 2_200_000))]),
    kind(noun(
        ["kolyaska-transformer", "kolyaska-transformerlar"],
        ["коляска-трансформер", "коляски-трансформеры"],
        F,
        ["convertible stroller", "convertible strollers"],
    )),
])
.adjectives(&[LIGHTWEIGHT, FOLDABLE])
.materials(&[STROLLER_FABRIC])
.benefits(&[SMOOTH_RIDE, FOLDS_FLAT, CANOPY])
.tiers(&[tier(0, (0, 36), (1_200_000, 3_500_000))])
.axis(VariantAxis::Colour);

const DIAPERS: Leaf = leaf(
    "diapers",
    phrase("Tagliklar", "Подгузники", "Diapers"),
    5,
    Motif::Heart,
)
.brands(&["Pampers", "Huggies", "Kichkintoy"])
.kinds(&[
    kind(noun(
        ["taglik", "tagliklar"],
        ["подгузники", "подгузники"],
        P,
        ["diapers", "diapers"],
    )),
    kind(noun(
        ["taglik-trusik", "taglik-trusiklar"],
        ["трусики-подгузники", "трусики-подгузники"],
        P,
        ["pull-up diapers", "pull-up diapers"],
    ))
    .tiers(&[
        tier(44, (9, 36), (120_000, 230_000)),
        tier(56, (9, 36), (150_000, 280_000)),
    ]),
    kind(noun(
        ["ho‘l salfetka", "ho‘l salfetkalar"],
        ["влажные салфетки", "влажные салфетки"],
        P,
        ["baby wipes", "baby wipes"],
    ))
    .adjectives(&[HYPOALLERGENIC])
    .materials(&[BREATHABLE_SOFT])
    .benefits(&[GENTLE_ON_SKIN])
    .tiers(&[
        tier(72, (0, 36), (15_000, 35_000)),
        tier(120, (0, 36), (25_000, 45_000)),
    ])
    .axis(VariantAxis::Single),
])
.adjectives(&[ULTRA_THIN, HYPOALLERGENIC])
.materials(&[BREATHABLE_SOFT])
.benefits(&[DRY_NIGHTS, GENTLE_ON_SKIN, WETNESS_INDICATOR])
.unit(PCS)
.tiers(&[
    tier(36, (0, 36), (70_000, 150_000)),
    tier(52, (0, 36), (110_000, 210_000)),
    tier(72, (0, 36), (140_000, 260_000)),
    tier(96, (0, 36), (180_000, 320_000)),
])
.axis(VariantAxis::DiaperSize);

const BATH: Leaf = leaf(
    "bath-hygiene",
    phrase(
        "Cho‘miltirish va gigiyena",
        "Купание и гигиена",
        "Bath and hygiene",
    ),
    4,
    Motif::Duck,
)
.brands(&["Chicco", "Happy Baby", "Pigeon", "Kichkintoy", "Noname"])
.kinds(&[
    kind(noun(
        ["cho‘milish vannasi", "cho‘milish vannalari"],
        ["ванночка для купания", "ванночки для купания"],
        F,
        ["baby bath", "baby baths"],
    ))
    .unthemed(),
    kind(noun(
        [
            "cho‘milish o‘yinchoqlari to‘plami",
            "cho‘milish o‘yinchoqlari to‘plamlari",
        ],
        ["набор игрушек для ванны", "наборы игрушек для ванны"],
        M,
        ["bath toy set", "bath toy sets"],
    ))
    .price(30_000, 120_000),
    kind(noun(
        ["sochiq-poncho", "sochiq-poncholar"],
        ["полотенце-пончо", "полотенца-пончо"],
        N,
        ["hooded towel", "hooded towels"],
    ))
    .materials(&[COTTON])
    .benefits(&[GENTLE_ON_SKIN, MACHINE_WASHABLE])
    .price(60_000, 180_000),
    kind(noun(
        ["tuvak", "tuvaklar"],
        ["горшок", "горшки"],
        M,
        ["potty", "potties"],
    ))
    .unthemed()
    .price(45_000, 220_000),
    kind(noun(
        ["bolalar shampuni", "bolalar shampunlari"],
        ["детский шампунь", "детские шампуни"],
        M,
        ["baby shampoo", "baby shampoos"],
    ))
    .unthemed()
    .materials(&[GENTLE_FORMULA])
    .benefits(&[
        GENTLE_ON_SKIN,
        phrase(
            "Ko‘zni achishtirmaydi.",
            "Не щиплет глазки.",
            "No more tears.",
        ),
    ])
    .price(30_000, 90_000),
])
.materials(&[SAFE_PLASTIC])
.themes(&[ANIMALS, UNDER_THE_SEA])
.benefits(&[BATH_FUN, GENTLE_ON_SKIN])
.tiers(&[
    tier(0, (0, 36), (80_000, 250_000)),
    tier(0, (6, 48), (60_000, 180_000)),
])
.axis(VariantAxis::Colour);

const CAR_SEATS: Leaf = leaf(
    "car-seats",
    phrase("Avtokreslolar", "Автокресла", "Car seats"),
    2,
    Motif::Stroller,
)
.brands(&["Chicco", "Cybex", "Joie", "Happy Baby"])
.kinds(&[
    kind(noun(
        ["avtokreslo", "avtokreslolar"],
        ["автокресло", "автокресла"],
        N,
        ["car seat", "car seats"],
    ))
    .adjectives(&[SWIVEL])
    .tiers(&[
        tier(0, (9, 48), (1_100_000, 3_500_000)),
        tier(0, (0, 144), (1_500_000, 3_500_000)),
    ]),
    kind(noun(
        ["buster", "busterlar"],
        ["бустер", "бустеры"],
        M,
        ["booster seat", "booster seats"],
    ))
    .tiers(&[tier(0, (48, 144), (250_000, 700_000))]),
    kind(noun(
        ["avtolyulka", "avtolyulkalar"],
        ["автолюлька", "автолюльки"],
        F,
        ["infant car seat", "infant car seats"],
    ))
    .tiers(&[tier(0, (0, 15), (900_000, 2_500_000))]),
])
.materials(&[SEAT_SHELL])
.benefits(&[SEAT_STANDARD, HEADREST, WASHABLE_COVER])
.tiers(&[tier(0, (9, 48), (1_100_000, 3_500_000))])
.axis(VariantAxis::Colour);

// Clothing.

const CLOTHES: &[Kind] = &[
    kind(noun(
        ["futbolka", "futbolkalar"],
        ["футболка", "футболки"],
        F,
        ["T-shirt", "T-shirts"],
    ))
    .adjectives(&[SUMMER])
    .price(35_000, 120_000),
    kind(noun(
        ["ko‘ylak", "ko‘ylaklar"],
        ["платье", "платья"],
        N,
        ["dress", "dresses"],
    ))
    .adjectives(&[FESTIVE, SUMMER])
    .price(90_000, 350_000),
    kind(noun(
        ["shim", "shimlar"],
        ["брюки", "брюки"],
        P,
        ["trousers", "trousers"],
    ))
    .unthemed()
    .price(70_000, 220_000),
    kind(noun(
        ["jinsi shim", "jinsi shimlar"],
        ["джинсы", "джинсы"],
        P,
        ["jeans", "jeans"],
    ))
    .unthemed()
    .adjectives(&[])
    .materials(&[DENIM])
    .price(90_000, 260_000),
    kind(noun(
        ["pijama", "pijamalar"],
        ["пижама", "пижамы"],
        F,
        ["pyjamas", "pyjamas"],
    ))
    .price(80_000, 220_000),
    kind(noun(
        ["kurtka", "kurtkalar"],
        ["куртка", "куртки"],
        F,
        ["jacket", "jackets"],
    ))
    .unthemed()
    .adjectives(&[WARM, WINTER])
    .materials(&[WATER_REPELLENT])
    .benefits(&[WIND_AND_RAIN, ALL_DAY_COMFORT])
    .price(220_000, 750_000),
    kind(noun(
        ["shorti", "shortilar"],
        ["шорты", "шорты"],
        P,
        ["shorts", "shorts"],
    ))
    .unthemed()
    .adjectives(&[SUMMER])
    .price(40_000, 120_000),
    kind(noun(
        ["sport kostyumi", "sport kostyumlari"],
        ["спортивный костюм", "спортивные костюмы"],
        M,
        ["tracksuit", "tracksuits"],
    ))
    .price(150_000, 450_000),
    kind(noun(
        ["svitshot", "svitshotlar"],
        ["свитшот", "свитшоты"],
        M,
        ["sweatshirt", "sweatshirts"],
    ))
    .price(90_000, 260_000),
];

const CLOTHING_THEMES: &[Phrase] = &[
    DINOSAURS,
    SPACE,
    UNICORN,
    KITTENS,
    PUPPIES,
    FOOTBALL,
    RACING,
    FLOWERS,
    BUTTERFLIES,
];
const CLOTHING_BENEFITS: &[Phrase] = &[GENTLE_ON_SKIN, MACHINE_WASHABLE, ALL_DAY_COMFORT];

const CLOTHING_86_104: Leaf = leaf(
    "clothing-86-104",
    phrase(
        "Kiyimlar 86–104 sm",
        "Одежда 86–104 см",
        "Clothing 86–104 cm",
    ),
    5,
    Motif::Shirt,
)
.kinds(CLOTHES)
.adjectives(&[SUMMER, WARM])
.materials(&[COTTON, JERSEY, FLEECE])
.themes(CLOTHING_THEMES)
.benefits(CLOTHING_BENEFITS)
.tiers(&[tier(0, (12, 48), (35_000, 120_000))])
.axis(VariantAxis::ClothingSize {
    sizes: &[86, 92, 98, 104],
    colours: COLOURS,
});

const CLOTHING_110_128: Leaf = leaf(
    "clothing-110-128",
    phrase(
        "Kiyimlar 110–128 sm",
        "Одежда 110–128 см",
        "Clothing 110–128 cm",
    ),
    5,
    Motif::Shirt,
)
.kinds(CLOTHES)
.adjectives(&[SUMMER, WARM])
.materials(&[COTTON, JERSEY, FLEECE])
.themes(CLOTHING_THEMES)
.benefits(CLOTHING_BENEFITS)
.tiers(&[tier(0, (48, 96), (35_000, 120_000))])
.axis(VariantAxis::ClothingSize {
    sizes: &[110, 116, 122, 128],
    colours: COLOURS,
});

const CLOTHING_134_164: Leaf = leaf(
    "clothing-134-164",
    phrase(
        "Kiyimlar 134–164 sm",
        "Одежда 134–164 см",
        "Clothing 134–164 cm",
    ),
    5,
    Motif::Shirt,
)
.kinds(CLOTHES)
.adjectives(&[SUMMER, WARM])
.materials(&[COTTON, JERSEY, FLEECE])
.themes(CLOTHING_THEMES)
.benefits(CLOTHING_BENEFITS)
.tiers(&[tier(0, (96, 168), (35_000, 120_000))])
.axis(VariantAxis::ClothingSize {
    sizes: &[134, 140, 146, 152, 158, 164],
    colours: COLOURS,
});

const SCHOOL_UNIFORM: Leaf = leaf(
    "school-uniform",
    phrase("Maktab formasi", "Школьная форма", "School uniform"),
    4,
    Motif::Shirt,
)
.kinds(&[
    kind(noun(
        ["maktab kostyumi", "maktab kostyumlari"],
        ["школьный костюм", "школьные костюмы"],
        M,
        ["school suit", "school suits"],
    ))
    .price(250_000, 650_000),
    kind(noun(
        ["maktab ko‘ylagi", "maktab ko‘ylaklari"],
        ["школьная рубашка", "школьные рубашки"],
        F,
        ["school shirt", "school shirts"],
    ))
    .materials(&[COTTON])
    .price(60_000, 160_000),
    kind(noun(
        ["sarafan", "sarafanlar"],
        ["сарафан", "сарафаны"],
        M,
        ["pinafore dress", "pinafore dresses"],
    ))
    .price(120_000, 320_000),
    kind(noun(
        ["jilet", "jiletlar"],
        ["жилет", "жилеты"],
        M,
        ["school waistcoat", "school waistcoats"],
    ))
    .price(90_000, 220_000),
    kind(noun(
        ["maktab shimi", "maktab shimlari"],
        ["школьные брюки", "школьные брюки"],
        P,
        ["school trousers", "school trousers"],
    ))
    .price(90_000, 240_000),
])
.adjectives(&[CLASSIC])
.materials(&[SUITING])
.benefits(&[KEEPS_SHAPE, ALL_DAY_COMFORT])
.tiers(&[tier(0, (72, 204), (90_000, 450_000))])
.axis(VariantAxis::ClothingSize {
    sizes: &[122, 128, 134, 140, 146, 152, 158, 164],
    colours: UNIFORM_COLOURS,
});

// Shoes.

const SHOES: &[Kind] = &[
    kind(noun(
        ["krossovka", "krossovkalar"],
        ["кроссовки", "кроссовки"],
        P,
        ["sneakers", "sneakers"],
    ))
    .adjectives(&[LIGHT_UP, ORTHOPAEDIC, SUMMER])
    .price(150_000, 550_000),
    kind(noun(
        ["sandal", "sandallar"],
        ["сандалии", "сандалии"],
        P,
        ["sandals", "sandals"],
    ))
    .adjectives(&[SUMMER, ORTHOPAEDIC])
    .price(120_000, 380_000),
    kind(noun(
        ["botinka", "botinkalar"],
        ["ботинки", "ботинки"],
        P,
        ["boots", "boots"],
    ))
    .adjectives(&[WINTER, ORTHOPAEDIC])
    .price(250_000, 750_000),
    kind(noun(
        ["rezina etik", "rezina etiklar"],
        ["резиновые сапоги", "резиновые сапоги"],
        P,
        ["wellies", "wellies"],
    ))
    .adjectives(&[BRIGHT])
    .materials(&[NATURAL_RUBBER])
    .benefits(&[NON_SLIP, WIND_AND_RAIN])
    .price(90_000, 250_000),
    kind(noun(
        ["tapochka", "tapochkalar"],
        ["тапочки", "тапочки"],
        P,
        ["slippers", "slippers"],
    ))
    .adjectives(&[SOFT])
    .materials(&[SOFT_FABRIC])
    .price(45_000, 140_000),
    kind(noun(
        ["tufli", "tuflilar"],
        ["туфли", "туфли"],
        P,
        ["dress shoes", "dress shoes"],
    ))
    .adjectives(&[FESTIVE])
    .price(180_000, 520_000),
];

const SHOE_BENEFITS: &[Phrase] = &[BREATHES, NON_SLIP, HOOK_AND_LOOP];

const SHOES_19_24: Leaf = leaf(
    "shoes-19-24",
    phrase(
        "Poyabzal 19–24 o‘lcham",
        "Обувь 19–24 размера",
        "Shoes EU 19–24",
    ),
    4,
    Motif::Shoe,
)
.kinds(SHOES)
.materials(&[GENUINE_LEATHER, TEXTILE])
.benefits(SHOE_BENEFITS)
.tiers(&[tier(0, (9, 30), (120_000, 400_000))])
.axis(VariantAxis::ShoeSize { from: 19, to: 24 });

const SHOES_25_30: Leaf = leaf(
    "shoes-25-30",
    phrase(
        "Poyabzal 25–30 o‘lcham",
        "Обувь 25–30 размера",
        "Shoes EU 25–30",
    ),
    4,
    Motif::Shoe,
)
.kinds(SHOES)
.materials(&[GENUINE_LEATHER, TEXTILE])
.benefits(SHOE_BENEFITS)
.tiers(&[tier(0, (24, 84), (120_000, 400_000))])
.axis(VariantAxis::ShoeSize { from: 25, to: 30 });

const SHOES_31_38: Leaf = leaf(
    "shoes-31-38",
    phrase(
        "Poyabzal 31–38 o‘lcham",
        "Обувь 31–38 размера",
        "Shoes EU 31–38",
    ),
    4,
    Motif::Shoe,
)
.kinds(SHOES)
.materials(&[GENUINE_LEATHER, TEXTILE])
.benefits(SHOE_BENEFITS)
.tiers(&[tier(0, (72, 168), (120_000, 400_000))])
.axis(VariantAxis::ShoeSize { from: 31, to: 38 });

// Sports and outdoor.

const BIKES: Leaf = leaf(
    "bikes",
    phrase("Velosipedlar", "Велосипеды", "Bikes"),
    3,
    Motif::Bike,
)
.brands(&["Stels", "Forward", "Smoby", "Noname"])
.kinds(&[
    kind(noun(
        ["velosiped", "velosipedlar"],
        ["велосипед", "велосипеды"],
        M,
        ["bike", "bikes"],
    ))
    .benefits(&[BRAKES, ADJUSTABLE, ACTIVE])
    .axis(VariantAxis::WheelSize(&[12, 14, 16, 18, 20])),
    kind(noun(
        ["begovel", "begovellar"],
        ["беговел", "беговелы"],
        M,
        ["balance bike", "balance bikes"],
    ))
    .tiers(&[tier(0, (24, 60), (300_000, 900_000))]),
    kind(noun(
        ["uch g‘ildirakli velosiped", "uch g‘ildirakli velosipedlar"],
        ["трёхколёсный велосипед", "трёхколёсные велосипеды"],
        M,
        ["tricycle", "tricycles"],
    ))
    .tiers(&[tier(0, (18, 60), (350_000, 1_400_000))]),
])
.adjectives(&[LIGHTWEIGHT])
.materials(&[STEEL_AND_ALUMINIUM])
.themes(&[RACING, UNICORN, SPACE])
.benefits(&[ACTIVE, ADJUSTABLE])
.tiers(&[tier(0, (36, 144), (900_000, 2_800_000))])
.axis(VariantAxis::Colour);

const SCOOTERS: Leaf = leaf(
    "scooters",
    phrase("Samokatlar", "Самокаты", "Scooters"),
    3,
    Motif::Bike,
)
.brands(&["Micro", "Globber", "Noname"])
.kinds(&[
    kind(noun(
        ["samokat", "samokatlar"],
        ["самокат", "самокаты"],
        M,
        ["kick scooter", "kick scooters"],
    )),
    kind(noun(
        ["uch g‘ildirakli samokat", "uch g‘ildirakli samokatlar"],
        ["трёхколёсный самокат", "трёхколёсные самокаты"],
        M,
        ["three-wheel scooter", "three-wheel scooters"],
    ))
    .tiers(&[tier(0, (24, 72), (250_000, 700_000))]),
    kind(noun(
        ["elektrosamokat", "elektrosamokatlar"],
        ["электросамокат", "электросамокаты"],
        M,
        ["electric scooter", "electric scooters"],
    ))
    .unthemed()
    .benefits(&[BATTERY_INCLUDED, FOLDS_FLAT])
    .tiers(&[tier(0, (96, 216), (1_500_000, 3_500_000))]),
])
.adjectives(&[FOLDABLE])
.materials(&[ALUMINIUM])
.themes(&[RACING, UNICORN])
.benefits(&[ACTIVE, GLOWING_WHEELS, FOLDS_FLAT])
.tiers(&[tier(0, (60, 168), (300_000, 1_200_000))])
.axis(VariantAxis::Colour);

const SWINGS: Leaf = leaf(
    "swings-slides",
    phrase(
        "Arg‘imchoq va sirpanchiqlar",
        "Качели и горки",
        "Swings and slides",
    ),
    2,
    Motif::Sun,
)
.brands(&["Smoby", "Little Tikes", "Noname"])
.kinds(&[
    kind(noun(
        ["arg‘imchoq", "arg‘imchoqlar"],
        ["качели", "качели"],
        P,
        ["swing", "swings"],
    )),
    kind(noun(
        ["sirpanchiq", "sirpanchiqlar"],
        ["горка", "горки"],
        F,
        ["slide", "slides"],
    )),
    kind(noun(
        ["sport majmuasi", "sport majmualari"],
        [
            "детский спортивный комплекс",
            "детские спортивные комплексы",
        ],
        M,
        ["climbing frame", "climbing frames"],
    )),
    kind(noun(
        ["batut", "batutlar"],
        ["батут", "батуты"],
        M,
        ["trampoline", "trampolines"],
    )),
])
.materials(&[STURDY_PLASTIC_METAL])
.benefits(&[ACTIVE, YARD, MAX_LOAD])
.tiers(&[
    tier(0, (24, 96), (250_000, 1_200_000)),
    tier(0, (36, 144), (800_000, 3_500_000)),
])
.axis(VariantAxis::Colour);

const SPORTS_EQUIPMENT: Leaf = leaf(
    "sports-equipment",
    phrase(
        "Sport anjomlari",
        "Спортивный инвентарь",
        "Sports equipment",
    ),
    4,
    Motif::Ball,
)
.brands(&["Torres", "Noname"])
.kinds(&[
    kind(noun(
        ["futbol to‘pi", "futbol to‘plari"],
        ["футбольный мяч", "футбольные мячи"],
        M,
        ["football", "footballs"],
    )),
    kind(noun(
        ["basketbol to‘pi", "basketbol to‘plari"],
        ["баскетбольный мяч", "баскетбольные мячи"],
        M,
        ["basketball", "basketballs"],
    )),
    kind(noun(
        ["badminton to‘plami", "badminton to‘plamlari"],
        ["набор для бадминтона", "наборы для бадминтона"],
        M,
        ["badminton set", "badminton sets"],
    )),
    kind(noun(
        ["sakrash arqoni", "sakrash arqonlari"],
        ["скакалка", "скакалки"],
        F,
        ["skipping rope", "skipping ropes"],
    )),
    kind(noun(
        ["rolik konki", "rolik konkilar"],
        ["роликовые коньки", "роликовые коньки"],
        P,
        ["roller skates", "roller skates"],
    ))
    .price(350_000, 950_000),
    kind(noun(
        ["himoya to‘plami", "himoya to‘plamlari"],
        ["комплект защиты", "комплекты защиты"],
        M,
        ["protective gear set", "protective gear sets"],
    )),
    kind(noun(
        ["boks qo‘lqoplari", "boks qo‘lqoplari"],
        ["боксёрские перчатки", "боксёрские перчатки"],
        P,
        ["boxing gloves", "boxing gloves"],
    )),
])
.adjectives(&[KIDS])
.benefits(&[ACTIVE, HEALTHY])
.tiers(&[
    tier(0, (48, 216), (40_000, 250_000)),
    tier(0, (72, 216), (120_000, 650_000)),
])
.axis(VariantAxis::Colour);

const CAMPING: Leaf = leaf(
    "camping",
    phrase("Sayohat va piknik", "Туризм и пикник", "Camping and picnic"),
    2,
    Motif::Tent,
)
.brands(&["Tramp", "Noname"])
.kinds(&[
    kind(noun(
        ["chodir", "chodirlar"],
        ["палатка", "палатки"],
        F,
        ["tent", "tents"],
    )),
    kind(noun(
        ["uxlash xaltasi", "uxlash xaltalari"],
        ["спальный мешок", "спальные мешки"],
        M,
        ["sleeping bag", "sleeping bags"],
    )),
    kind(noun(
        ["qo‘l chirog‘i", "qo‘l chiroqlari"],
        ["фонарик", "фонарики"],
        M,
        ["torch", "torches"],
    ))
    .unthemed(),
    kind(noun(
        ["termos", "termoslar"],
        ["термос", "термосы"],
        M,
        ["flask", "flasks"],
    ))
    .unthemed(),
    kind(noun(
        ["piknik to‘plami", "piknik to‘plamlari"],
        ["набор для пикника", "наборы для пикника"],
        M,
        ["picnic set", "picnic sets"],
    )),
    kind(noun(
        ["durbin", "durbinlar"],
        ["бинокль", "бинокли"],
        M,
        ["binoculars", "binoculars"],
    ))
    .unthemed(),
])
.adjectives(&[KIDS, LIGHTWEIGHT])
.themes(&[SPACE, SAFARI, FOREST_FRIENDS])
.benefits(&[PICNIC, PACKS_SMALL])
.tiers(&[
    tier(0, (36, 216), (60_000, 450_000)),
    tier(0, (72, 216), (150_000, 900_000)),
])
.axis(VariantAxis::Colour);

const POOLS: Leaf = leaf(
    "pools-water",
    phrase(
        "Basseynlar va suv o‘yinlari",
        "Бассейны и игры с водой",
        "Pools and water play",
    ),
    3,
    Motif::Sun,
)
.brands(&["Intex", "Polesie", "Noname"])
.kinds(&[
    kind(noun(
        ["shishiriladigan basseyn", "shishiriladigan basseynlar"],
        ["надувной бассейн", "надувные бассейны"],
        M,
        ["paddling pool", "paddling pools"],
    ))
    .materials(&[PVC])
    .price(150_000, 900_000),
    kind(noun(
        ["suv to‘pponchasi", "suv to‘pponchalari"],
        ["водяной пистолет", "водяные пистолеты"],
        M,
        ["water pistol", "water pistols"],
    ))
    .price(25_000, 120_000),
    kind(noun(
        ["suzish jileti", "suzish jiletlari"],
        ["жилет для плавания", "жилеты для плавания"],
        M,
        ["swim vest", "swim vests"],
    ))
    .price(90_000, 260_000),
    kind(noun(
        ["qo‘l suzgichlari", "qo‘l suzgichlari"],
        ["нарукавники", "нарукавники"],
        P,
        ["armbands", "armbands"],
    ))
    .price(25_000, 80_000),
    kind(noun(
        ["qum to‘plami", "qum to‘plamlari"],
        ["набор для песочницы", "наборы для песочницы"],
        M,
        ["sandpit set", "sandpit sets"],
    ))
    .price(30_000, 120_000),
    kind(noun(
        ["sovun pufakchalari", "sovun pufakchalari"],
        ["мыльные пузыри", "мыльные пузыри"],
        P,
        ["soap bubbles", "soap bubbles"],
    ))
    .unthemed()
    .price(12_000, 60_000),
])
.materials(&[SAFE_PLASTIC])
.themes(&[
    UNDER_THE_SEA,
    phrase("Flamingo", "Фламинго", "Flamingo"),
    DINOSAURS,
])
.benefits(&[WATER_PLAY, ACTIVE])
.tiers(&[tier(0, (36, 144), (25_000, 180_000))])
.axis(VariantAxis::Colour);

// Kids' electronics.

const SMARTWATCHES: Leaf = leaf(
    "smartwatches",
    phrase("Aqlli soatlar", "Детские смарт-часы", "Kids' smartwatches"),
    3,
    Motif::Watch,
)
.brands(&["Elari", "Smart Baby Watch", "Xiaomi"])
.kinds(&[
    kind(noun(
        ["aqlli soat", "aqlli soatlar"],
        ["умные часы", "умные часы"],
        P,
        ["smartwatch", "smartwatches"],
    )),
    kind(noun(
        ["GPS soat", "GPS soatlar"],
        ["часы с GPS-трекером", "часы с GPS-трекером"],
        P,
        ["GPS watch", "GPS watches"],
    )),
    kind(noun(
        ["fitnes-bilaguzuk", "fitnes-bilaguzuklar"],
        ["фитнес-браслет", "фитнес-браслеты"],
        M,
        ["fitness band", "fitness bands"],
    ))
    .benefits(&[
        BATTERY_DAYS,
        phrase(
            "Qadamlar va uyquni hisoblaydi.",
            "Считает шаги и следит за сном.",
            "Counts steps and tracks sleep.",
        ),
    ])
    .price(150_000, 400_000),
])
.adjectives(&[WATERPROOF, KIDS])
.materials(&[PLASTIC_SILICONE])
.benefits(&[GPS_SOS, BATTERY_DAYS, VIDEO_CALLS])
.tiers(&[tier(0, (60, 168), (250_000, 950_000))])
.axis(VariantAxis::Colour);

const TABLETS: Leaf = leaf(
    "tablets",
    phrase("Bolalar planshetlari", "Детские планшеты", "Kids' tablets"),
    2,
    Motif::Screen,
)
.brands(&["VTech", "Xiaomi", "Noname"])
.kinds(&[
    kind(noun(
        ["bolalar plansheti", "bolalar planshetlari"],
        ["детский планшет", "детские планшеты"],
        M,
        ["kids' tablet", "kids' tablets"],
    )),
    kind(noun(
        ["ta’limiy planshet", "ta’limiy planshetlar"],
        ["обучающий планшет", "обучающие планшеты"],
        M,
        ["learning tablet", "learning tablets"],
    )),
    kind(noun(
        ["chizish plansheti", "chizish planshetlari"],
        ["планшет для рисования", "планшеты для рисования"],
        M,
        ["LCD drawing tablet", "LCD drawing tablets"],
    ))
    .benefits(&[
        IMAGINATION,
        phrase(
            "Bir tugma bilan tozalanadi.",
            "Стирается одной кнопкой.",
            "Wipes clean with one button.",
        ),
    ])
    .tiers(&[tier(0, (36, 144), (60_000, 250_000))]),
])
.adjectives(&[SHOCKPROOF])
.materials(&[IMPACT_PLASTIC])
.benefits(&[PARENTAL_CONTROL, EYE_CARE])
.tiers(&[tier(0, (36, 168), (800_000, 2_500_000))])
.axis(VariantAxis::Colour);

const HEADPHONES: Leaf = leaf(
    "headphones",
    phrase(
        "Quloqchinlar va kolonkalar",
        "Наушники и колонки",
        "Headphones and speakers",
    ),
    2,
    Motif::Headphones,
)
.brands(&["JBL", "Xiaomi", "Noname"])
.kinds(&[
    kind(noun(
        ["quloqchin", "quloqchinlar"],
        ["наушники", "наушники"],
        P,
        ["headphones", "headphones"],
    ))
    .benefits(&[VOLUME_LIMIT, LED_LIGHTS]),
    kind(noun(
        ["simsiz quloqchin", "simsiz quloqchinlar"],
        ["беспроводные наушники", "беспроводные наушники"],
        P,
        ["wireless headphones", "wireless headphones"],
    ))
    .benefits(&[VOLUME_LIMIT, BATTERY_DAYS]),
    kind(noun(
        ["karaoke mikrofon", "karaoke mikrofonlar"],
        ["караоке-микрофон", "караоке-микрофоны"],
        M,
        ["karaoke microphone", "karaoke microphones"],
    )),
    kind(noun(
        ["portativ kolonka", "portativ kolonkalar"],
        ["портативная колонка", "портативные колонки"],
        F,
        ["portable speaker", "portable speakers"],
    )),
])
.adjectives(&[KIDS])
.materials(&[SAFE_MATERIALS])
.themes(&[UNICORN, SPACE, KITTENS])
.benefits(&[LED_LIGHTS, BATTERY_DAYS])
.tiers(&[tier(0, (36, 216), (80_000, 450_000))])
.axis(VariantAxis::Colour);

const CAMERAS: Leaf = leaf(
    "cameras",
    phrase(
        "Bolalar fotoapparatlari",
        "Детские фотоаппараты",
        "Kids' cameras",
    ),
    2,
    Motif::Camera,
)
.brands(&["VTech", "Xiaomi", "Noname"])
.kinds(&[
    kind(noun(
        ["bolalar fotoapparati", "bolalar fotoapparatlari"],
        ["детский фотоаппарат", "детские фотоаппараты"],
        M,
        ["kids' camera", "kids' cameras"],
    )),
    kind(noun(
        [
            "tezkor chop etuvchi fotoapparat",
            "tezkor chop etuvchi fotoapparatlar",
        ],
        [
            "фотоаппарат мгновенной печати",
            "фотоаппараты мгновенной печати",
        ],
        M,
        ["instant print camera", "instant print cameras"],
    )),
])
.materials(&[IMPACT_PLASTIC])
.themes(&[KITTENS, DINOSAURS, UNICORN])
.benefits(&[OWN_PHOTOS, MEMORY_CARD])
.tiers(&[tier(0, (36, 168), (180_000, 650_000))])
.axis(VariantAxis::Colour);

const NIGHT_LIGHTS: Leaf = leaf(
    "night-lights",
    phrase("Tungi chiroqlar", "Ночники", "Night lights"),
    2,
    Motif::Moon,
)
.brands(&["Xiaomi", "Умка", "Noname"])
.kinds(&[
    kind(noun(
        ["tungi chiroq", "tungi chiroqlar"],
        ["ночник", "ночники"],
        M,
        ["night light", "night lights"],
    )),
    kind(noun(
        ["proyektor-chiroq", "proyektor-chiroqlar"],
        ["ночник-проектор", "ночники-проекторы"],
        M,
        ["star projector", "star projectors"],
    )),
])
.adjectives(&[MUSICAL])
.materials(&[SAFE_PLASTIC])
.themes(&[
    phrase("Yulduzli osmon", "Звёздное небо", "Starry Sky"),
    phrase("Oy", "Луна", "Moon"),
    ANIMALS,
    UNICORN,
    SPACE,
])
.benefits(&[CALM_SLEEP, USB_POWERED, AUTO_OFF])
.tiers(&[tier(0, (0, 216), (60_000, 350_000))])
.axis(VariantAxis::Colour);

// Party and gifts.

const COSTUMES: Leaf = leaf(
    "costumes",
    phrase("Karnaval kostyumlari", "Карнавальные костюмы", "Costumes"),
    3,
    Motif::Mask,
)
.brands(&["Samarqand Hunarmand", "Noname"])
.kinds(&[
    kind(noun(
        ["karnaval kostyumi", "karnaval kostyumlari"],
        ["карнавальный костюм", "карнавальные костюмы"],
        M,
        ["costume", "costumes"],
    )),
    kind(noun(
        ["niqob", "niqoblar"],
        ["маска", "маски"],
        F,
        ["party mask", "party masks"],
    ))
    .price(20_000, 70_000)
    .axis(VariantAxis::Colour),
    kind(noun(
        ["o‘yinchoq qilich", "o‘yinchoq qilichlar"],
        ["игрушечный меч", "игрушечные мечи"],
        M,
        ["toy sword", "toy swords"],
    ))
    .unthemed()
    .adjectives(&[])
    .materials(&[FOAM])
    .price(25_000, 90_000)
    .axis(VariantAxis::Colour),
])
.adjectives(&[FESTIVE])
.materials(&[LIGHT_FABRIC])
.themes(&[
    PRINCESS,
    phrase("Superqahramon", "Супергерой", "Superhero"),
    phrase("Qaroqchi", "Пират", "Pirate"),
    phrase("Kosmonavt", "Космонавт", "Astronaut"),
    phrase("Ayiqcha", "Медвежонок", "Little Bear"),
    phrase("Qorqiz", "Снегурочка", "Snow Maiden"),
    phrase("Kapalak", "Бабочка", "Butterfly"),
    phrase("Tulki", "Лиса", "Fox"),
])
.benefits(&[KINDERGARTEN_PARTY, ALL_DAY_COMFORT])
.tiers(&[tier(0, (36, 144), (120_000, 420_000))])
.axis(VariantAxis::ClothingSize {
    sizes: &[104, 110, 116, 122, 128, 134, 140, 146],
    colours: &[],
});

const PARTY_SUPPLIES: Leaf = leaf(
    "party-supplies",
    phrase("Bayram bezaklari", "Товары для праздника", "Party supplies"),
    3,
    Motif::Balloon,
)
.brands(&["Gemar", "Noname"])
.kinds(&[
    kind(noun(
        ["bayram to‘plami", "bayram to‘plamlari"],
        ["набор для праздника", "наборы для праздника"],
        M,
        ["party kit", "party kits"],
    )),
    kind(noun(
        ["girlyanda", "girlyandalar"],
        ["гирлянда", "гирлянды"],
        F,
        ["garland", "garlands"],
    )),
    kind(noun(
        [
            "bir martalik idishlar to‘plami",
            "bir martalik idishlar to‘plamlari",
        ],
        ["набор одноразовой посуды", "наборы одноразовой посуды"],
        M,
        ["party tableware set", "party tableware sets"],
    )),
    kind(noun(
        ["tort shamlari", "tort shamlari"],
        ["свечи для торта", "свечи для торта"],
        P,
        ["cake candles", "cake candles"],
    )),
    kind(noun(
        ["folga shar", "folga sharlar"],
        ["фольгированный шар", "фольгированные шары"],
        M,
        ["foil balloon", "foil balloons"],
    )),
])
.adjectives(&[BRIGHT])
.themes(&[
    phrase(
        "Tug‘ilgan kuning bilan!",
        "С днём рождения!",
        "Happy Birthday!",
    ),
    NAVRUZ,
    NEW_YEAR,
    UNICORN,
    SPACE,
])
.benefits(&[BRIGHT_PARTY, KINDERGARTEN_PARTY])
.tiers(&[
    tier(0, (36, 216), (15_000, 120_000)),
    tier(0, (36, 216), (60_000, 250_000)),
])
.axis(VariantAxis::Colour);

const GIFT_SETS: Leaf = leaf(
    "gift-sets",
    phrase("Sovg‘a to‘plamlari", "Подарочные наборы", "Gift sets"),
    3,
    Motif::Gift,
)
.brands(&[
    "Melissa & Doug",
    "Crayola",
    "Kinder",
    "Samarqand Hunarmand",
    "Noname",
])
.kinds(&[
    kind(noun(
        ["sovg‘a to‘plami", "sovg‘a to‘plamlari"],
        ["подарочный набор", "подарочные наборы"],
        M,
        ["gift set", "gift sets"],
    )),
    kind(noun(
        ["sovg‘a qutisi", "sovg‘a qutilari"],
        ["подарочная коробка", "подарочные коробки"],
        F,
        ["gift box", "gift boxes"],
    )),
    kind(noun(
        ["yangi yil sovg‘asi", "yangi yil sovg‘alari"],
        ["новогодний подарок", "новогодние подарки"],
        M,
        ["New Year gift", "New Year gifts"],
    )),
])
.themes(&[
    phrase(
        "Kichik ixtirochi",
        "Маленький изобретатель",
        "Little Inventor",
    ),
    phrase("Malika uchun", "Для принцессы", "For a Princess"),
    phrase("Yosh rassom", "Юный художник", "Young Artist"),
    phrase("Birinchi sinf", "Первоклассник", "First Grader"),
    NEW_YEAR,
])
.benefits(&[GIFT_BOX, ANY_OCCASION])
.tiers(&[tier(0, (36, 216), (120_000, 650_000))]);

const SWEETS: Leaf = leaf(
    "sweets",
    phrase("Shirinliklar", "Сладости", "Sweets"),
    3,
    Motif::Candy,
)
.brands(&["Kinder", "Crafers", "Рот Фронт"])
.kinds(&[
    kind(noun(
        ["shokolad konfetlar", "shokolad konfetlar"],
        ["шоколадные конфеты", "шоколадные конфеты"],
        P,
        ["chocolates", "chocolates"],
    )),
    kind(noun(
        ["shirinliklar to‘plami", "shirinliklar to‘plamlari"],
        ["набор сладостей", "наборы сладостей"],
        M,
        ["sweets box", "sweets boxes"],
    )),
    kind(noun(
        ["marmelad", "marmeladlar"],
        ["мармелад", "мармеладки"],
        M,
        ["jelly sweets", "jelly sweets"],
    )),
    kind(noun(
        [
            "sharq shirinliklari to‘plami",
            "sharq shirinliklari to‘plamlari",
        ],
        ["набор восточных сладостей", "наборы восточных сладостей"],
        M,
        ["oriental sweets box", "oriental sweets boxes"],
    )),
    kind(noun(
        ["bolalar shampani", "bolalar shampanlari"],
        ["детское шампанское", "детские игристые напитки"],
        N,
        ["kids' sparkling drink", "kids' sparkling drinks"],
    ))
    .unthemed()
    .benefits(&[
        phrase(
            "Alkogolsiz gazlangan ichimlik, bayram dasturxoni uchun.",
            "Безалкогольный газированный напиток к праздничному столу.",
            "An alcohol-free fizzy drink for the party table.",
        ),
        NO_ARTIFICIAL,
    ])
    .price(18_000, 45_000),
])
.materials(&[INGREDIENTS])
.themes(&[
    NEW_YEAR,
    NAVRUZ,
    phrase("Bayram", "Праздник", "Celebration"),
])
.benefits(&[NO_ARTIFICIAL, GIFT_BOX, HALAL])
.tiers(&[
    tier(0, (36, 216), (15_000, 60_000)),
    tier(0, (36, 216), (40_000, 160_000)),
]);

/// The category tree.
pub(crate) const ROOTS: &[Root] = &[
    Root {
        slug: "toys",
        name: phrase("O‘yinchoqlar", "Игрушки", "Toys"),
        group: Group::Toys,
        motif: Motif::Bear,
        leaves: &[
            CONSTRUCTION_SETS,
            DOLLS,
            TOY_VEHICLES,
            RC_TOYS,
            PLUSH_TOYS,
            RATTLES,
            ACTION_FIGURES,
            PRETEND_PLAY_SETS,
            MUSICAL_TOYS,
            WOODEN_TOYS,
            PUZZLES,
            BOARD_GAMES,
            LOGIC_GAMES,
        ],
    },
    Root {
        slug: "books",
        name: phrase("Bolalar kitoblari", "Детские книги", "Children's books"),
        group: Group::Books,
        motif: Motif::Book,
        leaves: &[
            BOOKS_0_3,
            BOOKS_3_6,
            BOOKS_6_9,
            BOOKS_9_12,
            BOOKS_TEEN,
            COLOURING_BOOKS,
            ENCYCLOPEDIAS,
        ],
    },
    Root {
        slug: "school-supplies",
        name: phrase("Maktab uchun", "Всё для школы", "School supplies"),
        group: Group::School,
        motif: Motif::Backpack,
        leaves: &[BACKPACKS, PENCIL_CASES, NOTEBOOKS, PENS_PENCILS, STATIONERY],
    },
    Root {
        slug: "educational-kits",
        name: phrase(
            "Ta’limiy to‘plamlar",
            "Обучающие наборы",
            "Educational kits",
        ),
        group: Group::Learning,
        motif: Motif::Flask,
        leaves: &[STEM_KITS, ROBOTICS, SCIENCE_KITS, EARLY_LEARNING],
    },
    Root {
        slug: "arts-and-crafts",
        name: phrase("Ijodkorlik", "Творчество", "Arts and crafts"),
        group: Group::Arts,
        motif: Motif::Palette,
        leaves: &[DRAWING, MODELLING, CRAFT_KITS],
    },
    Root {
        slug: "baby-care",
        name: phrase("Chaqaloqlar uchun", "Товары для малышей", "Baby care"),
        group: Group::Baby,
        motif: Motif::Bottle,
        leaves: &[FEEDING, BOTTLES, STROLLERS, DIAPERS, BATH, CAR_SEATS],
    },
    Root {
        slug: "clothing",
        name: phrase("Bolalar kiyimlari", "Детская одежда", "Kids' clothing"),
        group: Group::Clothing,
        motif: Motif::Shirt,
        leaves: &[
            CLOTHING_86_104,
            CLOTHING_110_128,
            CLOTHING_134_164,
            SCHOOL_UNIFORM,
        ],
    },
    Root {
        slug: "shoes",
        name: phrase("Bolalar poyabzali", "Детская обувь", "Kids' shoes"),
        group: Group::Shoes,
        motif: Motif::Shoe,
        leaves: &[SHOES_19_24, SHOES_25_30, SHOES_31_38],
    },
    Root {
        slug: "sports",
        name: phrase("Sport", "Спорт", "Sports"),
        group: Group::Sport,
        motif: Motif::Ball,
        leaves: &[SPORTS_EQUIPMENT, POOLS],
    },
    Root {
        slug: "outdoor",
        name: phrase("Ochiq havoda dam olish", "Активный отдых", "Outdoor"),
        group: Group::Sport,
        motif: Motif::Bike,
        leaves: &[BIKES, SCOOTERS, SWINGS, CAMPING],
    },
    Root {
        slug: "kids-electronics",
        name: phrase(
            "Bolalar elektronikasi",
            "Детская электроника",
            "Kids' electronics",
        ),
        group: Group::Electronics,
        motif: Motif::Screen,
        leaves: &[SMARTWATCHES, TABLETS, HEADPHONES, CAMERAS, NIGHT_LIGHTS],
    },
    Root {
        slug: "party-gifts",
        name: phrase(
            "Bayram va sovg‘alar",
            "Праздник и подарки",
            "Party and gifts",
        ),
        group: Group::Party,
        motif: Motif::Gift,
        leaves: &[COSTUMES, PARTY_SUPPLIES, GIFT_SETS, SWEETS],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brands::{BRANDS, brand_id};
    use crate::sellers::SELLERS;
    use crate::unsafe_listings::LISTINGS;
    use std::collections::HashSet;

    #[test]
    fn has_at_least_forty_leaves_under_ten_to_twelve_roots() {
        assert!((10..=12).contains(&ROOTS.len()), "{} roots", ROOTS.len());
        assert!(
            placed_leaves().len() >= 40,
            "{} leaves",
            placed_leaves().len()
        );
    }

    #[test]
    fn names_every_category_in_four_forms_with_unique_slugs() {
        let taxonomy = taxonomy();
        let mut slugs = HashSet::new();
        for category in &taxonomy.categories {
            let names = &category.names;
            for name in [&names.uz, &names.uz_cyrl, &names.ru, &names.en] {
                assert!(
                    name.as_deref().is_some_and(|name| !name.trim().is_empty()),
                    "{}",
                    category.slug
                );
            }
            let cyrillic = names.uz_cyrl.as_deref().unwrap_or_default();
            assert!(
                !cyrillic.chars().any(|c| c.is_ascii_lowercase()),
                "untransliterated {cyrillic}"
            );
            assert!(is_slug(&category.slug), "bad slug {}", category.slug);
            assert!(
                slugs.insert(category.slug.clone()),
                "duplicate slug {}",
                category.slug
            );
        }
        let ids: Vec<u64> = taxonomy
            .categories
            .iter()
            .map(|category| category.id)
            .collect();
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    }

    #[test]
    fn gives_every_leaf_what_a_listing_needs() {
        for placed in placed_leaves() {
            let leaf = placed.leaf;
            assert!(
                !leaf.kinds.is_empty() && !leaf.materials.is_empty() && !leaf.tiers.is_empty(),
                "{}",
                leaf.slug
            );
            assert!(leaf.weight > 0, "{}", leaf.slug);
            for kind in leaf.kinds {
                for tier in kind.tiers.unwrap_or(leaf.tiers) {
                    assert!(
                        tier.age_min <= tier.age_max && tier.age_max <= 216,
                        "{}",
                        leaf.slug
                    );
                    assert!(
                        tier.price_min <= tier.price_max && tier.price_min >= 8_000,
                        "{}",
                        leaf.slug
                    );
                    assert!(tier.price_max <= 3_500_000, "{}", leaf.slug);
                }
                assert!(
                    !kind.materials.unwrap_or(leaf.materials).is_empty(),
                    "{}",
                    leaf.slug
                );
            }
            for brand in leaf.brands {
                assert!(
                    brand_id(brand).is_some(),
                    "unknown brand {brand} in {}",
                    leaf.slug
                );
            }
        }
    }

    #[test]
    fn every_group_has_sellers_and_brands() {
        for placed in placed_leaves() {
            assert!(
                SELLERS
                    .iter()
                    .any(|seller| seller.groups.contains(&placed.group)),
                "no seller for {}",
                placed.leaf.slug
            );
            let has_brand = !placed.leaf.brands.is_empty()
                || BRANDS
                    .iter()
                    .any(|brand| brand.groups.contains(&placed.group));
            assert!(has_brand, "no brand for {}", placed.leaf.slug);
        }
        let slugs: HashSet<&str> = SELLERS.iter().map(|seller| seller.slug).collect();
        assert_eq!(slugs.len(), SELLERS.len());
        assert!(SELLERS.iter().all(|seller| is_slug(seller.slug)));
        let names: HashSet<&str> = BRANDS.iter().map(|brand| brand.name).collect();
        assert_eq!(names.len(), BRANDS.len());
    }

    #[test]
    fn unsafe_listings_point_at_real_leaves_and_brands() {
        let leaves: HashSet<&str> = placed_leaves()
            .iter()
            .map(|placed| placed.leaf.slug)
            .collect();
        for listing in LISTINGS {
            assert!(
                leaves.contains(listing.category),
                "unknown leaf {}",
                listing.category
            );
            for brand in listing.brands {
                assert!(brand_id(brand).is_some(), "unknown brand {brand}");
            }
            assert!(listing.ages.0 <= listing.ages.1 && listing.ages.1 <= 216);
            let has_placeholder = listing.title.uz.contains("{brand}");
            assert_eq!(has_placeholder, listing.title.ru.contains("{brand}"));
            assert_eq!(has_placeholder, listing.title.en.contains("{brand}"));
            if listing.kind == crate::UnsafeKind::SmallPartsMislabelled {
                assert!(listing.ages.0 < 36, "{}", listing.title.en);
            }
        }
    }

    fn is_slug(slug: &str) -> bool {
        !slug.is_empty()
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--")
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }
}
