//! Listings that must never reach children, planted among ordinary products as ground truth
//! for moderation.
//!
//! Each one is written the way a seller trying to slip it past review would write it: a real
//! or plausible brand, a believable price, variants, a normal marketing tone, and a category
//! where it could pass at a glance (a vape among kids' electronics, a knife under camping, a
//! wine set among gift sets). Small-parts items are ordinary goods mislabelled for children
//! under three. Moderation code must not read this module: it is the answer key.

use crate::model::UnsafeKind;
use crate::taxonomy::VariantAxis;
use crate::vocab::{Phrase, phrase};

/// A template of an unsafe listing. `{brand}` in a title stands for the chosen brand.
pub(crate) struct Listing {
    pub(crate) kind: UnsafeKind,
    /// Slug of the leaf category it is listed under.
    pub(crate) category: &'static str,
    pub(crate) brands: &'static [&'static str],
    pub(crate) title: Phrase,
    /// The first sentence always opens the description; the others may follow.
    pub(crate) sentences: &'static [Phrase],
    /// Age range in months the seller tagged it with.
    pub(crate) ages: (u16, u16),
    /// Price range in so‘m.
    pub(crate) price: (u32, u32),
    pub(crate) axis: VariantAxis,
}

const DISCREET: Phrase = phrase(
    "Anonim qadoqda yetkazamiz.",
    "Доставляем в анонимной упаковке.",
    "Ships in discreet packaging.",
);
const NO_LICENCE: Phrase = phrase(
    "Litsenziyasiz sotiladi, nishonga otish uchun.",
    "Продаётся без лицензии, для стрельбы по мишеням.",
    "No licence needed, for target shooting.",
);
const FESTIVE_TABLE: Phrase = phrase(
    "Bayram dasturxoni uchun ajoyib sovg‘a.",
    "Отличный подарок к праздничному столу.",
    "A lovely gift for a festive table.",
);
const FINE_MOTOR: Phrase = phrase(
    "Mayda motorika va tasavvurni rivojlantiradi.",
    "Развивает мелкую моторику и воображение.",
    "Develops fine motor skills and imagination.",
);

pub(crate) const LISTINGS: &[Listing] = &[
    // Adult.
    Listing {
        kind: UnsafeKind::Adult,
        category: "clothing-134-164",
        brands: &["Noname"],
        title: phrase(
            "Dantelli ichki kiyim to‘plami, shaffof, ayollar uchun",
            "Кружевной комплект белья, прозрачный, женский",
            "Sheer lace lingerie set for women",
        ),
        sentences: &[
            phrase(
                "Nozik dantel va shaffof to‘r — romantik kechalar uchun.",
                "Нежное кружево и прозрачная сетка — для романтических вечеров.",
                "Delicate lace and sheer mesh for romantic evenings.",
            ),
            phrase(
                "To‘plamda byustgalter, trusik va paypoq ushlagich bor.",
                "В комплекте бюстгальтер, трусики и пояс для чулок.",
                "Set includes a bra, briefs and a garter belt.",
            ),
            phrase(
                "Chiroyli qutida, sovg‘a qilish qulay.",
                "В красивой коробке, удобно дарить.",
                "Comes in a pretty box, ready to gift.",
            ),
        ],
        ages: (144, 216),
        price: (150_000, 450_000),
        axis: VariantAxis::AdultSize,
    },
    Listing {
        kind: UnsafeKind::Adult,
        category: "bath-hygiene",
        brands: &["Noname"],
        title: phrase(
            "Intim massajyor, 10 rejim, USB orqali quvvatlanadi",
            "Интимный массажёр, 10 режимов, зарядка от USB",
            "Intimate massager, 10 modes, USB rechargeable",
        ),
        sentences: &[
            phrase(
                "Kattalar uchun shaxsiy massajyor, ovozsiz ishlaydi.",
                "Персональный массажёр для взрослых, работает бесшумно.",
                "Personal massager for adults, whisper-quiet.",
            ),
            phrase(
                "Tibbiy silikon, suv o‘tkazmaydi.",
                "Медицинский силикон, водонепроницаемый.",
                "Body-safe silicone, waterproof.",
            ),
            DISCREET,
        ],
        ages: (144, 216),
        price: (180_000, 600_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Adult,
        category: "bath-hygiene",
        brands: &["Durex"],
        title: phrase(
            "{brand} ⟦Classic⟧ prezervativlari, 12 dona",
            "Презервативы {brand} Classic, 12 шт.",
            "{brand} Classic condoms, 12 pcs",
        ),
        sentences: &[
            phrase(
                "Klassik prezervativlar, silikon moylash bilan.",
                "Классические презервативы с силиконовой смазкой.",
                "Classic condoms with silicone lubricant.",
            ),
            phrase(
                "Har biri elektron tekshiruvdan o‘tgan.",
                "Каждый прошёл электронный контроль.",
                "Each one electronically tested.",
            ),
            DISCREET,
        ],
        ages: (0, 216),
        price: (45_000, 160_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Adult,
        category: "board-games",
        brands: &["Noname"],
        title: phrase(
            "Kattalar uchun karta o‘yini «Qaynoq kecha», 18+",
            "Игра для взрослых «Горячая ночь», 18+",
            "Adult card game “Hot Night”, 18+",
        ),
        sentences: &[
            phrase(
                "Juftliklar uchun 100 ta ochiq vazifa va savol.",
                "100 откровенных заданий и вопросов для пар.",
                "100 intimate dares and questions for couples.",
            ),
            phrase(
                "Bazmda yoki ikki kishilik kechada o‘ynang.",
                "Для вечеринки или вечера вдвоём.",
                "For parties or a night in for two.",
            ),
        ],
        ages: (96, 216),
        price: (60_000, 180_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Adult,
        category: "costumes",
        brands: &["Noname"],
        title: phrase(
            "«Hamshira» rolli o‘yin kostyumi, kattalar uchun",
            "Ролевой костюм «Медсестра» для взрослых",
            "Adult “Nurse” role-play costume",
        ),
        sentences: &[
            phrase(
                "Kalta ko‘ylak, qalpoqcha va paypoqlar — kechki rolli o‘yinlar uchun.",
                "Короткое платье, шапочка и чулки — для ролевых игр.",
                "Short dress, cap and stockings for role-play nights.",
            ),
            phrase(
                "Elastik mato qomatga chiroyli yopishadi.",
                "Эластичная ткань красиво облегает фигуру.",
                "Stretch fabric hugs the figure.",
            ),
        ],
        ages: (144, 216),
        price: (150_000, 380_000),
        axis: VariantAxis::AdultSize,
    },
    Listing {
        kind: UnsafeKind::Adult,
        category: "books-teen",
        brands: &["Noname"],
        title: phrase(
            "Erotik romanlar to‘plami, 18+",
            "Сборник эротических романов 18+",
            "Erotic novels collection, 18+",
        ),
        sentences: &[
            phrase(
                "Ehtirosli sevgi hikoyalari, ochiq sahnalar bilan.",
                "Страстные истории любви с откровенными сценами.",
                "Passionate love stories with explicit scenes.",
            ),
            phrase(
                "Qattiq muqova, 384 bet.",
                "Твёрдый переплёт, 384 страницы.",
                "Hardcover, 384 pages.",
            ),
        ],
        ages: (144, 216),
        price: (70_000, 160_000),
        axis: VariantAxis::Single,
    },
    // Weapons.
    Listing {
        kind: UnsafeKind::Weapon,
        category: "camping",
        brands: &["Ganzo", "Victorinox"],
        title: phrase(
            "{brand} buklanadigan pichog‘i, tig‘i 9 sm",
            "Складной нож {brand}, клинок 9 см",
            "{brand} folding knife, 9 cm blade",
        ),
        sentences: &[
            phrase(
                "Zanglamaydigan po‘lat tig‘, ishonchli qulf.",
                "Клинок из нержавеющей стали, надёжный замок.",
                "Stainless steel blade with a reliable lock.",
            ),
            phrase(
                "Baliq ovi, ov va sayohat uchun ajoyib.",
                "Отлично подходит для рыбалки, охоты и походов.",
                "Great for fishing, hunting and camping.",
            ),
            phrase(
                "Kamar uchun g‘ilof sovg‘a.",
                "Чехол на пояс в подарок.",
                "Free belt sheath.",
            ),
        ],
        ages: (144, 216),
        price: (120_000, 650_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Weapon,
        category: "camping",
        brands: &["Noname"],
        title: phrase(
            "Ov pichog‘i, g‘ilofi bilan, 28 sm",
            "Охотничий нож с ножнами, 28 см",
            "Hunting knife with sheath, 28 cm",
        ),
        sentences: &[
            phrase(
                "Qalin po‘lat tig‘ va yog‘och dasta.",
                "Толстый стальной клинок и деревянная рукоять.",
                "Thick steel blade with a wooden handle.",
            ),
            phrase(
                "Zavodda o‘tkir qilib charxlangan, darhol ishlatishga tayyor.",
                "Острая заводская заточка, готов к работе.",
                "Razor-sharp out of the box.",
            ),
        ],
        ages: (96, 216),
        price: (90_000, 380_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Weapon,
        category: "action-figures",
        brands: &["Noname"],
        title: phrase(
            "Karambit pichog‘i ⟦CS:GO⟧ uslubida, metall",
            "Нож-керамбит в стиле CS:GO, металл",
            "CS:GO-style karambit knife, metal",
        ),
        sentences: &[
            phrase(
                "O‘yindagidek haqiqiy metall pichoq, o‘tkir tig‘li.",
                "Настоящий металлический нож, как в игре, с заточкой.",
                "A real metal knife just like in the game, sharpened.",
            ),
            phrase(
                "G‘ilofi bilan, o‘smirga ajoyib sovg‘a.",
                "С чехлом, отличный подарок подростку.",
                "Comes with a case; a great gift for a teenager.",
            ),
        ],
        ages: (120, 216),
        price: (70_000, 250_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Weapon,
        category: "sports-equipment",
        brands: &["Gamo"],
        title: phrase(
            "{brand} pnevmatik miltig‘i, kalibr 4,5 mm",
            "Пневматическая винтовка {brand}, калибр 4,5 мм",
            "{brand} air rifle, 4.5 mm calibre",
        ),
        sentences: &[
            phrase(
                "O‘q tezligi 300 m/s gacha, optik nishon to‘plamda.",
                "Скорость пули до 300 м/с, оптический прицел в комплекте.",
                "Muzzle velocity up to 300 m/s, scope included.",
            ),
            NO_LICENCE,
        ],
        ages: (144, 216),
        price: (1_600_000, 3_500_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Weapon,
        category: "pretend-play",
        brands: &["Noname"],
        title: phrase(
            "Metall to‘pponcha-maket ⟦Glock 17⟧, 1:1, haqiqiysidek",
            "Металлический пистолет-макет Glock 17, 1:1, как настоящий",
            "Metal Glock 17 replica pistol, 1:1, looks real",
        ),
        sentences: &[
            phrase(
                "Og‘irligi va o‘lchami asl nusxadagidek, zatvori harakatlanadi.",
                "Вес и размеры как у оригинала, затвор подвижный.",
                "Weight and size of the original, working slide.",
            ),
            phrase(
                "Kolleksiya yoki straykbol uchun.",
                "Для коллекции или страйкбола.",
                "For collectors or airsoft.",
            ),
        ],
        ages: (72, 216),
        price: (180_000, 450_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Weapon,
        category: "gift-sets",
        brands: &["Noname"],
        title: phrase(
            "Kastet-brelok, po‘lat, esdalik sovg‘a",
            "Кастет-брелок стальной, сувенир",
            "Steel brass-knuckle keychain, souvenir",
        ),
        sentences: &[
            phrase(
                "Barmoqlar uchun to‘rt halqa, mustahkam po‘latdan.",
                "Четыре кольца под пальцы, прочная сталь.",
                "Four finger rings, solid steel.",
            ),
            phrase(
                "O‘zini himoya qilish uchun ham yaraydi.",
                "Подойдёт и для самообороны.",
                "Also handy for self-defence.",
            ),
        ],
        ages: (96, 216),
        price: (40_000, 120_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Weapon,
        category: "sports-equipment",
        brands: &["Baikal"],
        title: phrase(
            "{brand} ⟦MP-654K⟧ pnevmatik to‘pponchasi (Makarov)",
            "Пневматический пистолет {brand} МР-654К (Макаров)",
            "{brand} MP-654K air pistol (Makarov)",
        ),
        sentences: &[
            phrase(
                "⟦CO2⟧ ballonchada ishlaydi, metall korpus, 4,5 mm sharchalar.",
                "Работает на баллончиках CO2, металлический корпус, шарики 4,5 мм.",
                "CO2 powered, metal body, 4.5 mm BBs.",
            ),
            NO_LICENCE,
        ],
        ages: (144, 216),
        price: (1_400_000, 2_800_000),
        axis: VariantAxis::Single,
    },
    // Vapes and tobacco.
    Listing {
        kind: UnsafeKind::Vape,
        category: "headphones",
        brands: &["Elf Bar", "HQD"],
        title: phrase(
            "{brand} BC5000 bir martalik elektron sigareti, 5000 tortim",
            "Одноразовая электронная сигарета {brand} BC5000, 5000 затяжек",
            "{brand} BC5000 disposable vape, 5000 puffs",
        ),
        sentences: &[
            phrase(
                "Quvvatlanadigan batareya va 13 ml suyuqlik, nikotin 5%.",
                "Перезаряжаемый аккумулятор и 13 мл жидкости, никотин 5%.",
                "Rechargeable battery and 13 ml of e-liquid, 5% nicotine.",
            ),
            phrase(
                "Boy ta’m, ixcham — cho‘ntakka sig‘adi.",
                "Насыщенный вкус, компактный размер — помещается в карман.",
                "Rich flavour, pocket-sized.",
            ),
            phrase(
                "Ulgurji narxlar, tez yetkazib berish.",
                "Оптовые цены, быстрая доставка.",
                "Wholesale prices, fast delivery.",
            ),
        ],
        ages: (144, 216),
        price: (90_000, 220_000),
        axis: VariantAxis::Flavour,
    },
    Listing {
        kind: UnsafeKind::Vape,
        category: "tablets",
        brands: &["Smok"],
        title: phrase(
            "{brand} ⟦Nord 5⟧ pod-tizimi, 2000 ⟦mAh⟧",
            "Под-система {brand} Nord 5, 2000 мАч",
            "{brand} Nord 5 pod kit, 2000 mAh",
        ),
        sentences: &[
            phrase(
                "Quvvatni sozlash, OLED displey va tez quvvatlash.",
                "Регулировка мощности, OLED-дисплей и быстрая зарядка.",
                "Adjustable wattage, OLED display and fast charging.",
            ),
            phrase(
                "Har qanday suyuqlik, jumladan tuzli nikotin uchun mos.",
                "Подходит для любых жидкостей, включая солевой никотин.",
                "Works with any e-liquid, including nicotine salts.",
            ),
        ],
        ages: (144, 216),
        price: (250_000, 550_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Vape,
        category: "gift-sets",
        brands: &["Noname"],
        title: phrase(
            "Kalyan, 2 trubkali, shisha kolba, 55 sm",
            "Кальян на 2 трубки, стеклянная колба, 55 см",
            "Hookah with 2 hoses, glass base, 55 cm",
        ),
        sentences: &[
            phrase(
                "To‘liq to‘plam: chashka, qisqich, ko‘mir uchun likopcha.",
                "Полный комплект: чаша, щипцы, тарелка для углей.",
                "Complete set: bowl, tongs and coal tray.",
            ),
            phrase(
                "Do‘stlar bilan dam olish uchun ajoyib sovg‘a.",
                "Отличный подарок для отдыха с друзьями.",
                "A great gift for chilling with friends.",
            ),
        ],
        ages: (144, 216),
        price: (280_000, 950_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Vape,
        category: "party-supplies",
        brands: &["Darkside"],
        title: phrase(
            "Kalyan uchun tamaki {brand}, 100 g",
            "Табак для кальяна {brand}, 100 г",
            "{brand} hookah tobacco, 100 g",
        ),
        sentences: &[
            phrase(
                "Kuchli, boy ta’mli tamaki, uzoq chekiladi.",
                "Крепкий табак с насыщенным вкусом, долго курится.",
                "Strong tobacco with a rich flavour and long sessions.",
            ),
            phrase(
                "Germetik qadoqda.",
                "В герметичной упаковке.",
                "Sealed pack.",
            ),
        ],
        ages: (144, 216),
        price: (90_000, 200_000),
        axis: VariantAxis::Flavour,
    },
    Listing {
        kind: UnsafeKind::Vape,
        category: "stationery",
        brands: &["Noname"],
        title: phrase(
            "Ixcham bug‘latgich «⟦Pen⟧», USB orqali quvvatlanadi",
            "Компактный испаритель «Pen» с USB-зарядкой",
            "Compact vaporizer “Pen”, USB charging",
        ),
        sentences: &[
            phrase(
                "Ruchkaga o‘xshaydi, sumka yoki penalda bilinmaydi.",
                "Выглядит как ручка, незаметен в сумке или пенале.",
                "Looks like a pen, goes unnoticed in a bag or pencil case.",
            ),
            phrase(
                "Nikotinli suyuqlik 20 mg, 3 ta kartrij to‘plamda.",
                "Жидкость с никотином 20 мг, 3 картриджа в комплекте.",
                "20 mg nicotine liquid, 3 cartridges included.",
            ),
        ],
        ages: (120, 216),
        price: (80_000, 160_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::Vape,
        category: "smartwatches",
        brands: &["IQOS"],
        title: phrase(
            "{brand} ⟦Iluma⟧ qizdirish tizimi",
            "Система нагревания табака {brand} Iluma",
            "{brand} Iluma heated tobacco device",
        ),
        sentences: &[
            phrase(
                "Tamaki stiklari uchun, tutun va kulsiz.",
                "Для табачных стиков, без дыма и пепла.",
                "For tobacco sticks, no smoke or ash.",
            ),
            phrase(
                "Bir quvvatlashda 20 tagacha stik.",
                "До 20 стиков на одном заряде.",
                "Up to 20 sticks per charge.",
            ),
        ],
        ages: (144, 216),
        price: (550_000, 1_100_000),
        axis: VariantAxis::Colour,
    },
    // Alcohol.
    Listing {
        kind: UnsafeKind::Alcohol,
        category: "gift-sets",
        brands: &["Bagizagan"],
        title: phrase(
            "Sovg‘a to‘plami: {brand} qizil vinosi va 2 ta bokal",
            "Подарочный набор: красное вино {brand} и 2 бокала",
            "Gift set: {brand} red wine and 2 glasses",
        ),
        sentences: &[
            phrase(
                "Samarqand uzumidan tayyorlangan yarim shirin qizil vino, 0,75 l.",
                "Полусладкое красное вино из самаркандского винограда, 0,75 л.",
                "Semi-sweet red wine from Samarkand grapes, 0.75 L.",
            ),
            phrase(
                "Yog‘och qutida, bayram dasturxoni uchun.",
                "В деревянной коробке, к праздничному столу.",
                "In a wooden box, perfect for a festive table.",
            ),
        ],
        ages: (36, 216),
        price: (180_000, 550_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Alcohol,
        category: "sweets",
        brands: &["Mon Chéri"],
        title: phrase(
            "{brand} likyorli shokolad konfetlari, 315 g",
            "Конфеты {brand} с вишней в ликёре, 315 г",
            "{brand} cherry liqueur chocolates, 315 g",
        ),
        sentences: &[
            phrase(
                "Olcha va likyor to‘ldirilgan sutli shokolad.",
                "Молочный шоколад с начинкой из вишни и ликёра.",
                "Milk chocolate filled with cherry and liqueur.",
            ),
            phrase(
                "Har bir konfet alohida o‘ralgan.",
                "Каждая конфета в индивидуальной обёртке.",
                "Each chocolate individually wrapped.",
            ),
            FESTIVE_TABLE,
        ],
        ages: (36, 216),
        price: (70_000, 160_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Alcohol,
        category: "party-supplies",
        brands: &["Sarbast"],
        title: phrase(
            "{brand} pivosi, 0,5 l × 6 dona",
            "Пиво {brand} светлое, 0,5 л × 6 шт.",
            "{brand} lager, 0.5 L × 6",
        ),
        sentences: &[
            phrase(
                "Yengil och pivo, alkogol 4,5%.",
                "Светлое пиво, алкоголь 4,5%.",
                "Light lager, 4.5% ABV.",
            ),
            phrase(
                "Bayram va piknik uchun, sovutilgan holda yetkazamiz.",
                "Для праздника и пикника, доставим охлаждённым.",
                "For parties and picnics, delivered chilled.",
            ),
        ],
        ages: (0, 216),
        price: (60_000, 120_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Alcohol,
        category: "party-supplies",
        brands: &["Abrau-Durso"],
        title: phrase(
            "{brand} shampan vinosi, brut, 0,75 l",
            "Шампанское {brand} брют, 0,75 л",
            "{brand} brut sparkling wine, 0.75 L",
        ),
        sentences: &[
            phrase(
                "Yangi yil va to‘ylar uchun klassik shampan.",
                "Классическое игристое к Новому году и свадьбе.",
                "Classic bubbly for New Year and weddings.",
            ),
            phrase(
                "Alkogol 12,5%, sovg‘a qutisida.",
                "Крепость 12,5%, в подарочной коробке.",
                "12.5% ABV, in a gift box.",
            ),
        ],
        ages: (36, 216),
        price: (120_000, 300_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Alcohol,
        category: "gift-sets",
        brands: &["Noname"],
        title: phrase(
            "Olchali likyor, uy usulida, 0,5 l",
            "Вишнёвая наливка домашняя, 0,5 л",
            "Homemade cherry liqueur, 0.5 L",
        ),
        sentences: &[
            phrase(
                "Tabiiy olcha va shakar, alkogol 18%.",
                "Натуральная вишня и сахар, крепость 18%.",
                "Natural cherries and sugar, 18% ABV.",
            ),
            phrase(
                "Chiroyli shishada, sovg‘a uchun.",
                "В красивой бутылке, для подарка.",
                "In a pretty bottle, ready to gift.",
            ),
        ],
        ages: (36, 216),
        price: (110_000, 260_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::Alcohol,
        category: "sweets",
        brands: &["Рот Фронт"],
        title: phrase(
            "Konyakli shokolad konfetlar, 250 g",
            "Шоколадные конфеты с коньяком, 250 г",
            "Chocolates with brandy filling, 250 g",
        ),
        sentences: &[
            phrase(
                "Konyak qo‘shilgan nozik krem bilan to‘ldirilgan.",
                "С нежной начинкой с добавлением коньяка.",
                "Filled with a smooth brandy cream.",
            ),
            phrase(
                "Kattalar uchun ajoyib sovg‘a.",
                "Отличный подарок для взрослых.",
                "A lovely treat for grown-ups.",
            ),
        ],
        ages: (36, 216),
        price: (45_000, 120_000),
        axis: VariantAxis::Single,
    },
    // Small parts labelled for children under three.
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "logic-games",
        brands: &["Neocube"],
        title: phrase(
            "{brand} magnitli sharchalari, 216 dona, 5 mm",
            "Магнитные шарики {brand}, 216 шт., 5 мм",
            "{brand} magnetic balls, 216 pcs, 5 mm",
        ),
        sentences: &[
            phrase(
                "Cheksiz shakllar yasash uchun antistress boshqotirma.",
                "Головоломка-антистресс: собирайте бесконечные фигуры.",
                "Anti-stress puzzle for building endless shapes.",
            ),
            phrase(
                "Metall qutida saqlanadi.",
                "Хранится в металлической коробочке.",
                "Comes in a metal tin.",
            ),
            FINE_MOTOR,
        ],
        ages: (12, 216),
        price: (60_000, 180_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "logic-games",
        brands: &["Noname"],
        title: phrase(
            "Yorug‘lik chiqaruvchi spinner, LED, batareyalari bilan",
            "Светящийся спиннер с LED-подсветкой, с батарейками",
            "Light-up LED fidget spinner, batteries included",
        ),
        sentences: &[
            phrase(
                "Ichida uchta LR44 tabletka batareya, almashtirish oson.",
                "Внутри три батарейки-таблетки LR44, легко заменить.",
                "Runs on three LR44 button cells, easy to replace.",
            ),
            phrase(
                "Aylanganda rang-barang naqshlar hosil qiladi.",
                "При вращении создаёт разноцветные узоры.",
                "Creates colourful patterns as it spins.",
            ),
        ],
        ages: (24, 144),
        price: (15_000, 45_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "board-games",
        brands: &["Noname"],
        title: phrase(
            "Shisha sharchalar, 50 dona, 16 mm",
            "Стеклянные шарики, 50 шт., 16 мм",
            "Glass marbles, 50 pcs, 16 mm",
        ),
        sentences: &[
            phrase(
                "Rang-barang shisha sharchalar, xaltachada.",
                "Разноцветные стеклянные шарики в мешочке.",
                "Colourful glass marbles in a drawstring bag.",
            ),
            phrase(
                "Klassik o‘yin va bezak uchun.",
                "Для классической игры и декора.",
                "For classic games and decoration.",
            ),
        ],
        ages: (18, 144),
        price: (20_000, 60_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "construction-sets",
        brands: &["Noname"],
        title: phrase(
            "Mini-konstruktor «Yakkashox», 560 dona, mikrobloklar",
            "Мини-конструктор «Единорог», 560 деталей, микроблоки",
            "Micro-block building set “Unicorn”, 560 pieces",
        ),
        sentences: &[
            phrase(
                "Har bir blok atigi 4 mm, tayyor figura 10 sm.",
                "Каждый блок всего 4 мм, готовая фигурка 10 см.",
                "Each block is just 4 mm; the finished figure is 10 cm.",
            ),
            phrase(
                "Batafsil ko‘rsatma to‘plamda.",
                "Подробная инструкция в комплекте.",
                "Detailed instructions included.",
            ),
        ],
        ages: (24, 144),
        price: (60_000, 160_000),
        axis: VariantAxis::Single,
    },
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "party-supplies",
        brands: &["Gemar"],
        title: phrase(
            "{brand} havo sharlari to‘plami, 50 dona, 30 sm",
            "Набор воздушных шаров {brand}, 50 шт., 30 см",
            "{brand} latex balloon pack, 50 pcs, 30 cm",
        ),
        sentences: &[
            phrase(
                "Tabiiy lateksdan, geliy va havo uchun.",
                "Из натурального латекса, для гелия и воздуха.",
                "Natural latex, for helium or air.",
            ),
            phrase(
                "Chaqaloqning birinchi tug‘ilgan kuni uchun ajoyib bezak.",
                "Идеальный декор для первого дня рождения малыша.",
                "Perfect decor for baby's first birthday.",
            ),
        ],
        ages: (0, 216),
        price: (15_000, 60_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "craft-kits",
        brands: &["Spin Master"],
        title: phrase(
            "Suvda kattalashadigan sharchalar, 10 000 dona",
            "Растущие в воде шарики (орбизы), 10 000 шт.",
            "Water-growing gel beads, 10,000 pcs",
        ),
        sentences: &[
            phrase(
                "Suvga solinsa, bir necha soatda 1,5 sm gacha kattalashadi.",
                "В воде за несколько часов увеличиваются до 1,5 см.",
                "They grow up to 1.5 cm in water within hours.",
            ),
            phrase(
                "Sensor o‘yinlar va vaza bezagi uchun.",
                "Для сенсорных игр и декора ваз.",
                "For sensory play and vase decor.",
            ),
        ],
        ages: (12, 144),
        price: (25_000, 90_000),
        axis: VariantAxis::Colour,
    },
    Listing {
        kind: UnsafeKind::SmallPartsMislabelled,
        category: "craft-kits",
        brands: &["Noname"],
        title: phrase(
            "Termomozaika to‘plami, 3000 ta munchoq",
            "Термомозаика, 3000 бусин",
            "Fuse bead kit, 3000 beads",
        ),
        sentences: &[
            phrase(
                "Rasmni tering va dazmol bilan mahkamlang.",
                "Выложите картинку и закрепите утюгом.",
                "Lay out a picture and fuse it with an iron.",
            ),
            phrase(
                "Bir nechta shablon va qisqich to‘plamda.",
                "Несколько шаблонов и пинцет в комплекте.",
                "Several pegboards and tweezers included.",
            ),
            FINE_MOTOR,
        ],
        ages: (24, 120),
        price: (40_000, 120_000),
        axis: VariantAxis::Single,
    },
];

/// Returns the templates of one kind.
pub(crate) fn listings_of(kind: UnsafeKind) -> impl Iterator<Item = &'static Listing> {
    LISTINGS.iter().filter(move |listing| listing.kind == kind)
}
