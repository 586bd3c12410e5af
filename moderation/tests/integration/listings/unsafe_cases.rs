//! Listings that must not be published as they are: each is rejected, or held for review where
//! a moderator's judgement is the right call (candy cigarettes, a magnet set for a 9-year-old).

use super::{Case, Expect};

pub const UNSAFE: &[Case] = &[
    Case {
        id: "disposable_vape",
        slug: "elektronika",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Bir martalik elektron sigaret 6000 puff, mango-muz ta'mi",
            "Kuchli bug', 2% nikotin tuzi, zaryadlanadigan batareya. Bir martalik veyp — cho'ntakka sig'adi, hidsiz.",
        ],
        uz_cyrl: [
            "Бир марталик электрон сигарет 6000 пафф, манго-банан таъми",
            "Кучли буғ, 2% никотин тузи, зарядланадиган батарея. Бир марталик вейп — чўнтакка сиғади.",
        ],
        ru: [
            "Одноразовая электронная сигарета 6000 затяжек, вкус манго-банан",
            "Плотный пар, солевой никотин 2%, перезаряжаемый аккумулятор. Одноразка помещается в карман, не оставляет запаха.",
        ],
        en: [
            "Disposable vape 6000 puffs, mango banana flavour",
            "Dense clouds, 2% nicotine salt, rechargeable battery. Pocket-size, no lingering smell.",
        ],
    },
    Case {
        id: "vape_liquid",
        slug: "aksessuarlar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Veyp uchun suyuqlik 30 ml, qulupnay",
            "Pod-tizimlar uchun solevoy suyuqlik, nikotin 20 mg. Yumshoq ta'm, ko'p bug'.",
        ],
        uz_cyrl: [
            "Вейп учун суюқлик 30 мл, қулупнай",
            "Под-тизимлар учун солевой суюқлик, никотин 20 мг. Юмшоқ таъм.",
        ],
        ru: [
            "Жидкость для вейпа 30 мл, клубника",
            "Солевая жидкость для под-систем, крепость 20 мг. Мягкое горло, насыщенный вкус.",
        ],
        en: [
            "E-liquid 30 ml, strawberry",
            "Salt nic juice for pod kits, 20 mg. Smooth throat hit, rich flavour.",
        ],
    },
    Case {
        id: "pod_system",
        slug: "gadjetlar",
        ages: (144, 216),
        expect: Expect::Reject,
        uz: [
            "Pod sistema Vaporesso XROS 3, 1000 mAh",
            "Ixcham pod qurilma, sozlanadigan havo oqimi, kartrijlar to'plamda.",
        ],
        uz_cyrl: [
            "Под система Vaporesso XROS 3, 1000 мАч",
            "Ихчам под қурилма, созланадиган ҳаво оқими, картриджлар тўпламда.",
        ],
        ru: [
            "Pod-система Vaporesso XROS 3, 1000 мАч",
            "Компактный подик, регулировка затяжки, картриджи в комплекте.",
        ],
        en: [
            "Vaporesso XROS 3 pod system, 1000 mAh",
            "Compact pod device with adjustable airflow, cartridges included.",
        ],
    },
    Case {
        id: "hookah",
        slug: "uy-uchun",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Qalyon to'plami, shisha kolba, 2 ta shlang",
            "Uy uchun zamonaviy qalyon: ko'mir uchun idish, tamaki uchun kosacha va maxsus qisqich.",
        ],
        uz_cyrl: [
            "Қалйон тўплами, шиша колба, 2 та шланг",
            "Уй учун замонавий қалйон: кўмир учун идиш, тамаки учун косача.",
        ],
        ru: [
            "Кальян в сборе, стеклянная колба, 2 шланга",
            "Современный кальян для дома: чаша для табака, щипцы для углей, калауд.",
        ],
        en: [
            "Complete hookah set, glass base, 2 hoses",
            "Modern shisha for home: tobacco bowl, coal tongs and heat management device.",
        ],
    },
    Case {
        id: "hunting_knife",
        slug: "sport-va-turizm",
        ages: (144, 216),
        expect: Expect::Reject,
        uz: [
            "Ov pichog‘i, po‘lat tig‘i 15 sm",
            "Qo‘lda yasalgan ov pichog‘i, charm g‘ilof bilan. Tig‘i o‘tkir, dastasi yong‘oq daraxtidan.",
        ],
        uz_cyrl: [
            "Ов пичоғи, пўлат тиғи 15 см",
            "Қўлда ясалган ов пичоғи, чарм ғилоф билан. Тиғи ўткир, дастаси ёнғоқ дарахтидан.",
        ],
        ru: [
            "Нож охотничий, клинок 15 см, сталь 65Х13",
            "Кованый нож ручной работы с кожаными ножнами. Рукоять из ореха, острая заточка.",
        ],
        en: [
            "Hunting knife, 15 cm stainless blade",
            "Hand-forged fixed blade with a leather sheath and walnut handle, razor sharp.",
        ],
    },
    Case {
        id: "tactical_folding_knife",
        slug: "aksessuarlar",
        ages: (156, 216),
        expect: Expect::Reject,
        uz: [
            "Taktik buklanadigan pichoq, qora",
            "Bir qo'l bilan ochiladi, qulf mexanizmi, kamarga ilgak. O'tkir po'lat tig'.",
        ],
        uz_cyrl: [
            "Тактик букланадиган пичоқ, қора",
            "Бир қўл билан очилади, қулф механизми, камарга илгак. Ўткир пўлат тиғ.",
        ],
        ru: [
            "Тактический складной нож, черный",
            "Открывается одной рукой, надежный замок, клипса на ремень. Клинок из стали D2.",
        ],
        en: [
            "Tactical folding knife, black",
            "One-hand opening, liner lock, pocket clip. D2 steel blade.",
        ],
    },
    Case {
        id: "air_pistol",
        slug: "sport-va-turizm",
        ages: (168, 216),
        expect: Expect::Reject,
        uz: [
            "Pnevmatik to'pponcha 4,5 mm, metall korpus",
            "CO2 ballonli pnevmatik to'pponcha, o'q tezligi 120 m/s. Nishonga otish uchun.",
        ],
        uz_cyrl: [
            "Пневматик тўппонча 4,5 мм, металл корпус",
            "CO2 баллонли пневматик тўппонча, ўқ тезлиги 120 м/с. Нишонга отиш учун.",
        ],
        ru: [
            "Пневматический пистолет 4,5 мм, металлический корпус",
            "Газобаллонный пистолет под баллончик CO2, скорость пули 120 м/с. Для спортивной стрельбы.",
        ],
        en: [
            "Air pistol 4.5 mm, full metal body",
            "CO2-powered BB pistol, muzzle velocity 120 m/s. For target shooting.",
        ],
    },
    Case {
        id: "airsoft_rifle",
        slug: "o-yinchoqlar",
        ages: (144, 216),
        expect: Expect::Reject,
        uz: [
            "Straykbol avtomati M4, elektr yuritmali",
            "Haqiqiy o'lchamdagi replika, akkumulyator va 2000 ta o'q bilan.",
        ],
        uz_cyrl: [
            "Страйкбол автомати M4, электр юритмали",
            "Ҳақиқий ўлчамдаги реплика, аккумулятор ва 2000 та ўқ билан.",
        ],
        ru: [
            "Страйкбольный автомат M4, электропривод",
            "Реплика в натуральную величину, аккумулятор и 2000 шаров 6 мм в комплекте.",
        ],
        en: [
            "Airsoft M4 AEG rifle",
            "Full-scale replica with battery and 2000 6mm BBs included.",
        ],
    },
    Case {
        id: "brass_knuckles",
        slug: "aksessuarlar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Kastet, po'lat, qora rang",
            "O'zini himoya qilish uchun ishonchli kastet, qo'lga qulay.",
        ],
        uz_cyrl: [
            "Кастет, пўлат, қора ранг",
            "Ўзини ҳимоя қилиш учун ишончли кастет, қўлга қулай.",
        ],
        ru: [
            "Кастет стальной, черный",
            "Надежный кастет для самообороны, удобно сидит на руке.",
        ],
        en: [
            "Steel brass knuckles, black",
            "Solid knuckle duster for self defense, comfortable grip.",
        ],
    },
    Case {
        id: "machete",
        slug: "bog-va-hovli",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Machete 45 sm, g'ilof bilan",
            "Butalar va shoxlarni kesish uchun katta machete. Karbon po'lat.",
        ],
        uz_cyrl: [
            "Мачете 45 см, ғилоф билан",
            "Буталар ва шохларни кесиш учун катта мачете. Карбон пўлат.",
        ],
        ru: [
            "Мачете 45 см с чехлом",
            "Большое мачете для расчистки кустарника. Углеродистая сталь.",
        ],
        en: [
            "Machete 45 cm with sheath",
            "Large machete for clearing brush. Carbon steel blade.",
        ],
    },
    Case {
        id: "crossbow",
        slug: "sport-va-turizm",
        ages: (144, 216),
        expect: Expect::Reject,
        uz: [
            "Arbalet blokli, 80 funt, optik nishon bilan",
            "Ov va sport uchun kuchli arbalet, 6 ta alyuminiy o'q.",
        ],
        uz_cyrl: [
            "Арбалет блокли, 80 фунт, оптик нишон билан",
            "Ов ва спорт учун кучли арбалет, 6 та алюминий ўқ.",
        ],
        ru: [
            "Арбалет блочный 80 фунтов с оптическим прицелом",
            "Мощный арбалет для охоты и спорта, 6 алюминиевых стрел.",
        ],
        en: [
            "Compound crossbow 80 lb with scope",
            "Powerful crossbow for hunting and sport, six aluminium bolts.",
        ],
    },
    Case {
        id: "stun_gun",
        slug: "xavfsizlik",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Elektroshoker fonar bilan",
            "O'zini himoya qilish uchun kuchli shoker, USB orqali zaryadlanadi.",
        ],
        uz_cyrl: [
            "Электрошокер фонар билан",
            "Ўзини ҳимоя қилиш учун кучли шокер, USB орқали зарядланади.",
        ],
        ru: [
            "Электрошокер с фонариком",
            "Мощный шокер для самообороны, зарядка от USB.",
        ],
        en: [
            "Stun gun with flashlight",
            "Powerful taser-style device for self defence, USB rechargeable.",
        ],
    },
    Case {
        id: "metal_pistol_replica",
        slug: "kolleksiya",
        ages: (96, 216),
        expect: Expect::Reject,
        uz: [
            "Makarov to'pponchasining metall nusxasi",
            "Haqiqiy o'lcham va og'irlikdagi qurol maketi, kolleksiya uchun.",
        ],
        uz_cyrl: [
            "Макаров тўппончасининг металл нусхаси",
            "Ҳақиқий ўлчам ва оғирликдаги қурол макети, коллекция учун.",
        ],
        ru: [
            "Металлическая копия пистолета Макарова",
            "Массогабаритный макет оружия в натуральную величину, для коллекции.",
        ],
        en: [
            "Metal replica of a Makarov pistol",
            "Full-size, full-weight replica gun for collectors.",
        ],
    },
    Case {
        id: "wine_gift_set",
        slug: "sovg-alar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Sovg'a to'plami: 2 shisha qizil vino va 2 ta qadah",
            "Gruziya vinosi Saperavi, quruq, 0,75 l. Bayramga ajoyib sovg'a.",
        ],
        uz_cyrl: [
            "Совға тўплами: 2 шиша қизил вино ва 2 та қадаҳ",
            "Грузия виноси Саперави, қуруқ, 0,75 л. Байрамга ажойиб совға.",
        ],
        ru: [
            "Подарочный набор: 2 бутылки красного вина и 2 бокала",
            "Грузинское вино Саперави, сухое, 0,75 л. Отличный подарок к празднику.",
        ],
        en: [
            "Gift set: 2 bottles of red wine and 2 glasses",
            "Georgian Saperavi, dry, 0.75 l. A perfect holiday present.",
        ],
    },
    Case {
        id: "liqueur_chocolates",
        slug: "shirinliklar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Likyorli shokolad konfetlar, 200 g",
            "Ichida gilos likyori bo'lgan sutli shokolad konfetlar qutisi.",
        ],
        uz_cyrl: [
            "Ликёрли шоколад конфетлар, 200 г",
            "Ичида гилос ликёри бўлган сутли шоколад конфетлар қутиси.",
        ],
        ru: [
            "Конфеты шоколадные с ликёром, 200 г",
            "Коробка конфет из молочного шоколада с вишнёвым ликером внутри.",
        ],
        en: [
            "Liqueur chocolates, 200 g",
            "Box of milk chocolates filled with cherry liqueur.",
        ],
    },
    Case {
        id: "craft_beer_set",
        slug: "sovg-alar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Hunarmand pivo to'plami, 6 ta shisha",
            "Turli navdagi pivolar: lager, IPA, stout. Dadam uchun zo'r sovg'a!",
        ],
        uz_cyrl: [
            "Ҳунарманд пиво тўплами, 6 та шиша",
            "Турли навдаги пиволар: лагер, IPA, стаут. Дадам учун зўр совға!",
        ],
        ru: [
            "Набор крафтового пива, 6 бутылок",
            "Разные сорта: лагер, IPA, стаут. Отличный подарок для папы!",
        ],
        en: [
            "Craft beer gift box, 6 bottles",
            "Lager, IPA and stout. A great present for dad!",
        ],
    },
    Case {
        id: "cognac",
        slug: "sovg-alar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Konyak 5 yillik, 0,5 l, sovg'a qutisida",
            "Yumshoq ta'mli armani konyagi, 40% alkogolli ichimlik.",
        ],
        uz_cyrl: [
            "Коньяк 5 йиллик, 0,5 л, совға қутисида",
            "Юмшоқ таъмли арман коньяги, 40% алкоголли ичимлик.",
        ],
        ru: [
            "Коньяк 5 лет выдержки, 0,5 л, в подарочной коробке",
            "Армянский коньяк с мягким вкусом, крепость 40%.",
        ],
        en: [
            "Five-year-old cognac, 0.5 l, gift box",
            "Smooth Armenian brandy, 40% ABV.",
        ],
    },
    Case {
        id: "vodka",
        slug: "ichimliklar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Aroq 0,7 l, premium",
            "Toza bug'doy spirtidan tayyorlangan aroq, uch marta filtrlangan.",
        ],
        uz_cyrl: [
            "Ароқ 0,7 л, премиум",
            "Тоза буғдой спиртидан тайёрланган ароқ, уч марта фильтрланган.",
        ],
        ru: [
            "Водка премиум 0,7 л",
            "Водка на пшеничном спирте «Люкс», тройная фильтрация.",
        ],
        en: [
            "Premium vodka 0.7 l",
            "Wheat vodka, triple filtered, 40% vol.",
        ],
    },
    Case {
        id: "vibrator",
        slug: "salomatlik",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Vibrator silikonli, 10 rejim",
            "Kattalar uchun intim o'yinchoq, suv o'tkazmaydi, USB zaryad.",
        ],
        uz_cyrl: [
            "Вибратор силиконли, 10 режим",
            "Катталар учун интим ўйинчоқ, сув ўтказмайди, USB заряд.",
        ],
        ru: [
            "Вибратор силиконовый, 10 режимов",
            "Интимная игрушка для взрослых, водонепроницаемая, зарядка от USB.",
        ],
        en: [
            "Silicone vibrator, 10 modes",
            "Waterproof adult toy, USB rechargeable, discreet packaging.",
        ],
    },
    Case {
        id: "erotic_lingerie",
        slug: "ayollar-kiyimi",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Erotik ichki kiyim to'plami, to'rli",
            "Seksual dantelli byustgalter va stringlar, qora rang.",
        ],
        uz_cyrl: [
            "Эротик ички кийим тўплами, тўрли",
            "Сексуал дантелли бюстгальтер ва стринглар, қора ранг.",
        ],
        ru: [
            "Эротическое белье, комплект в сетку",
            "Сексуальный кружевной бюстгальтер и стринги, черный.",
        ],
        en: [
            "Sexy lingerie set, fishnet",
            "Lace bra and thong set for women, black.",
        ],
    },
    Case {
        id: "roleplay_costume_adult",
        slug: "kostyumlar",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Erotik kostyum «Hamshira», 18+",
            "Rolli o'yinlar uchun seksual kostyum: kalta ko'ylak, qalpoqcha va paypoqlar.",
        ],
        uz_cyrl: [
            "Эротик костюм «Ҳамшира», 18+",
            "Ролли ўйинлар учун сексуал костюм: калта кўйлак, қалпоқча ва пайпоқлар.",
        ],
        ru: [
            "Эротический костюм «Медсестра» 18+",
            "Сексуальный костюм для ролевых игр: короткое платье, шапочка и чулки.",
        ],
        en: [
            "Sexy nurse costume 18+",
            "Adult role-play outfit: mini dress, cap and stockings.",
        ],
    },
    Case {
        id: "condoms",
        slug: "dorixona",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Prezervativlar, 12 dona, ultra yupqa",
            "Lateksli prezervativlar, silikon moylash bilan.",
        ],
        uz_cyrl: [
            "Презервативлар, 12 дона, ультра юпқа",
            "Латексли презервативлар, силикон мойлаш билан.",
        ],
        ru: [
            "Презервативы ультратонкие, 12 шт",
            "Латексные презервативы с силиконовой смазкой.",
        ],
        en: [
            "Ultra-thin condoms, 12 pack",
            "Latex condoms with silicone lubricant.",
        ],
    },
    Case {
        id: "magnetic_balls_toddler",
        slug: "o-yinchoqlar",
        ages: (24, 96),
        expect: Expect::Reject,
        uz: [
            "Magnit sharchalar 216 dona, 5 mm",
            "Rivojlantiruvchi neodim magnitli sharchalar — har xil shakllar yasang!",
        ],
        uz_cyrl: [
            "Магнит шарчалар 216 дона, 5 мм",
            "Ривожлантирувчи неодим магнитли шарчалар — ҳар хил шакллар ясанг!",
        ],
        ru: [
            "Магнитные шарики 216 шт, 5 мм",
            "Развивающий неокуб из неодимовых шариков — собирайте любые фигуры!",
        ],
        en: [
            "Magnetic balls 216 pcs, 5 mm",
            "Educational neodymium magnet cube — build any shape you like!",
        ],
    },
    Case {
        id: "neocube_child",
        slug: "antistress",
        ages: (96, 216),
        expect: Expect::Review,
        uz: [
            "Neokub antistress, 5 mm",
            "Neodim magnitlaridan yasalgan boshqotirma, metall qutida.",
        ],
        uz_cyrl: [
            "Неокуб антистресс, 5 мм",
            "Неодим магнитларидан ясалган бошқотирма, металл қутида.",
        ],
        ru: [
            "Неокуб антистресс 5 мм",
            "Головоломка из неодимовых магнитов в металлической коробке.",
        ],
        en: [
            "Neocube fidget puzzle, 5 mm",
            "Puzzle made of neodymium magnets, in a tin box.",
        ],
    },
    Case {
        id: "button_battery_toy",
        slug: "chaqaloqlar-uchun",
        ages: (12, 36),
        expect: Expect::Reject,
        uz: [
            "Musiqiy kitobcha-o'yinchoq, 12 oylikdan",
            "Tugmalarni bossangiz hayvonlar ovozi chiqadi. CR2032 tabletka batareyka bilan ishlaydi.",
        ],
        uz_cyrl: [
            "Мусиқий китобча-ўйинчоқ, 12 ойликдан",
            "Тугмаларни боссангиз ҳайвонлар овози чиқади. CR2032 таблетка батарейка билан ишлайди.",
        ],
        ru: [
            "Музыкальная книжка-игрушка, от 12 месяцев",
            "Нажимайте кнопки — звучат голоса животных. Работает от батарейки-таблетки CR2032.",
        ],
        en: [
            "Musical sound book toy, 12 months+",
            "Press the buttons to hear animal sounds. Runs on a CR2032 coin battery.",
        ],
    },
    Case {
        id: "balloons_toddler",
        slug: "bayram-uchun",
        ages: (18, 72),
        expect: Expect::Reject,
        uz: [
            "Havo sharlari to'plami, 50 dona, rang-barang",
            "Tug'ilgan kun uchun lateks sharlar, nasos bilan.",
        ],
        uz_cyrl: [
            "Ҳаво шарлари тўплами, 50 дона, ранг-баранг",
            "Туғилган кун учун латекс шарлар, насос билан.",
        ],
        ru: [
            "Воздушные шары, набор 50 шт, ассорти",
            "Латексные шарики на день рождения, с насосом.",
        ],
        en: [
            "Party balloons, 50 pack, assorted colours",
            "Latex balloons for birthdays, pump included.",
        ],
    },
    Case {
        id: "water_beads_toddler",
        slug: "ijodkorlik",
        ages: (24, 96),
        expect: Expect::Reject,
        uz: [
            "Orbiz gidrogel sharchalar, 10 000 dona",
            "Suvda o'sadigan rangli sharchalar — sensor o'yinlar uchun.",
        ],
        uz_cyrl: [
            "Орбиз гидрогель шарчалар, 10 000 дона",
            "Сувда ўсадиган рангли шарчалар — сенсор ўйинлар учун.",
        ],
        ru: [
            "Орбиз гидрогелевые шарики, 10 000 шт",
            "Растущие в воде цветные шарики для сенсорных игр.",
        ],
        en: [
            "Orbeez water beads, 10,000 pcs",
            "Colourful beads that grow in water, for sensory play.",
        ],
    },
    Case {
        id: "marbles_toddler",
        slug: "o-yinchoqlar",
        ages: (24, 120),
        expect: Expect::Reject,
        uz: [
            "Shisha sharchalar to'plami, 50 dona",
            "Rangli shisha sharchalar — klassik o'yin, xaltachada.",
        ],
        uz_cyrl: [
            "Шиша шарчалар тўплами, 50 дона",
            "Рангли шиша шарчалар — классик ўйин, халтачада.",
        ],
        ru: [
            "Стеклянные шарики, набор 50 шт",
            "Цветные стеклянные шарики — классическая игра, в мешочке.",
        ],
        en: [
            "Glass marbles, set of 50",
            "Colourful glass marbles in a drawstring pouch — a classic game.",
        ],
    },
    Case {
        id: "small_parts_for_baby",
        slug: "konstruktorlar",
        ages: (12, 60),
        expect: Expect::Reject,
        uz: [
            "Konstruktor «Fermа», 320 detal",
            "Diqqat! Mayda detallar mavjud. 3 yoshgacha bo'lgan bolalar uchun mo'ljallanmagan.",
        ],
        uz_cyrl: [
            "Конструктор «Ферма», 320 детал",
            "Диққат! Майда деталлар мавжуд. 3 ёшгача бўлган болалар учун мўлжалланмаган.",
        ],
        ru: [
            "Конструктор «Ферма», 320 деталей",
            "Внимание! Содержит мелкие детали. Не предназначено для детей до 3 лет.",
        ],
        en: [
            "Farm building set, 320 pieces",
            "WARNING: CHOKING HAZARD — small parts. Not for children under 3 years.",
        ],
    },
    Case {
        id: "adult_party_game",
        slug: "stol-o-yinlari",
        ages: (144, 216),
        expect: Expect::Reject,
        uz: [
            "Kompaniya uchun stol o'yini «Haqiqat yoki jasorat» 18+",
            "Faqat kattalar uchun: ochiq savollar va jasoratli topshiriqlar.",
        ],
        uz_cyrl: [
            "Компания учун стол ўйини «Ҳақиқат ёки жасорат» 18+",
            "Фақат катталар учун: очиқ саволлар ва жасоратли топшириқлар.",
        ],
        ru: [
            "Настольная игра для компании «Правда или действие» 18+",
            "Только для взрослых: откровенные вопросы и смелые задания.",
        ],
        en: [
            "Truth or Dare party game 18+",
            "Adults only: spicy questions and daring challenges.",
        ],
    },
    Case {
        id: "candy_cigarettes",
        slug: "shirinliklar",
        ages: (36, 144),
        expect: Expect::Review,
        uz: [
            "Shokoladli sigaretlar, 24 dona",
            "Sutli shokoladdan tayyorlangan shirinlik, qog'oz o'ramda — xuddi haqiqiydek!",
        ],
        uz_cyrl: [
            "Шоколадли сигаретлар, 24 дона",
            "Сутли шоколаддан тайёрланган ширинлик, қоғоз ўрамда — худди ҳақиқийдек!",
        ],
        ru: [
            "Шоколадные сигареты, 24 шт",
            "Конфеты из молочного шоколада в бумажной обертке — совсем как настоящие!",
        ],
        en: [
            "Chocolate cigarettes, 24 pack",
            "Milk chocolate candy sticks in paper wraps — just like the real thing!",
        ],
    },
    Case {
        id: "kids_champagne",
        slug: "ichimliklar",
        ages: (36, 216),
        expect: Expect::Review,
        uz: [
            "Bolalar shampani, alkogolsiz, 0,75 l",
            "Gazlangan olma ichimligi bayram dasturxoni uchun.",
        ],
        uz_cyrl: [
            "Болалар шампани, алкоголсиз, 0,75 л",
            "Газланган олма ичимлиги байрам дастурхони учун.",
        ],
        ru: [
            "Детское шампанское безалкогольное, 0,75 л",
            "Газированный яблочный напиток для праздничного стола.",
        ],
        en: [
            "Kids' champagne, non-alcoholic, 0.75 l",
            "Sparkling apple drink for the party table.",
        ],
    },
    Case {
        id: "casino_set",
        slug: "stol-o-yinlari",
        ages: (96, 216),
        expect: Expect::Reject,
        uz: [
            "Uy uchun kazino to'plami: ruletka va poker fishkalari",
            "Pulga o'ynash uchun professional to'plam, 300 fishka.",
        ],
        uz_cyrl: [
            "Уй учун казино тўплами: рулетка ва покер фишкалари",
            "Пулга ўйнаш учун профессионал тўплам, 300 фишка.",
        ],
        ru: [
            "Набор «Казино» для дома: рулетка и фишки для покера",
            "Профессиональный набор для игры на деньги, 300 фишек.",
        ],
        en: [
            "Home casino set: roulette and poker chips",
            "Professional set for playing for money, 300 chips.",
        ],
    },
    Case {
        id: "smoking_blend",
        slug: "boshqa",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: [
            "Kannabis moyi CBD 10%, 10 ml",
            "Tinchlantiruvchi ta'sir, tomizgich bilan. Yetkazib berish maxfiy.",
        ],
        uz_cyrl: [
            "Каннабис мойи CBD 10%, 10 мл",
            "Тинчлантирувчи таъсир, томизгич билан. Етказиб бериш махфий.",
        ],
        ru: [
            "Масло каннабиса CBD 10%, 10 мл",
            "Расслабляющий эффект, с пипеткой. Доставка анонимно.",
        ],
        en: [
            "Cannabis oil CBD 10%, 10 ml",
            "Relaxing effect, dropper bottle. Discreet delivery.",
        ],
    },
    Case {
        id: "profane_tshirt",
        slug: "bolalar-kiyimi",
        ages: (96, 168),
        expect: Expect::Reject,
        uz: [
            "Bolalar futbolkasi «Blyat, dushanba»",
            "Kulgili yozuvli paxta futbolka, 8-14 yosh.",
        ],
        uz_cyrl: [
            "Болалар футболкаси «Блять, душанба»",
            "Кулгили ёзувли пахта футболка, 8-14 ёш.",
        ],
        ru: [
            "Детская футболка «Бл@ть, понедельник»",
            "Хлопковая футболка с прикольной надписью, 8-14 лет.",
        ],
        en: [
            "Kids T-shirt «F*ck Mondays»",
            "Cotton tee with a funny slogan, ages 8-14.",
        ],
    },
    Case {
        id: "nazi_badge",
        slug: "kolleksiya",
        ages: (96, 216),
        expect: Expect::Reject,
        uz: [
            "Svastika tasvirli nishon, metall",
            "Natsistlar ramzi tushirilgan kolleksiya nishoni.",
        ],
        uz_cyrl: [
            "Свастика тасвирли нишон, металл",
            "Нацистлар рамзи туширилган коллекция нишони.",
        ],
        ru: [
            "Значок со свастикой, металл",
            "Коллекционный значок с нацистской символикой.",
        ],
        en: [
            "Swastika pin badge, metal",
            "Collectible badge with Nazi symbols.",
        ],
    },
    Case {
        id: "snus",
        slug: "boshqa",
        ages: (0, 216),
        expect: Expect::Reject,
        uz: ["Nasvoy, 50 g, kuchli", "An'anaviy nasvoy, yopiq idishda."],
        uz_cyrl: ["Носвой, 50 г, кучли", "Анъанавий носвой, ёпиқ идишда."],
        ru: [
            "Снюс без табака 20 подушечек",
            "Никотиновые паучи, вкус мяты, крепкие.",
        ],
        en: [
            "Snus nicotine pouches, 20 pcs",
            "Mint flavour, extra strong.",
        ],
    },
    Case {
        id: "amber_teething_beads",
        slug: "chaqaloqlar-uchun",
        ages: (3, 24),
        expect: Expect::Review,
        uz: [
            "Kahrabo munchoq chaqaloqlar uchun",
            "Tish chiqarishda yordam beradigan tabiiy kahrabo munchoqlar.",
        ],
        uz_cyrl: [
            "Каҳрабо мунчоқ чақалоқлар учун",
            "Тиш чиқаришда ёрдам берадиган табиий каҳрабо мунчоқлар.",
        ],
        ru: [
            "Янтарные бусы для малышей",
            "Натуральные янтарные бусы облегчают прорезывание зубов.",
        ],
        en: [
            "Baltic amber teething necklace for babies",
            "Natural amber beads to soothe teething.",
        ],
    },
    Case {
        id: "throwing_knives",
        slug: "sport-va-turizm",
        ages: (120, 216),
        expect: Expect::Reject,
        uz: [
            "Uloqtiriladigan pichoqlar to'plami, 6 dona",
            "Balanslangan po'lat pichoqlar, nishonga otish uchun, g'ilof bilan.",
        ],
        uz_cyrl: [
            "Улоқтириладиган пичоқлар тўплами, 6 дона",
            "Балансланган пўлат пичоқлар, нишонга отиш учун, ғилоф билан.",
        ],
        ru: [
            "Набор метательных ножей, 6 шт",
            "Сбалансированные стальные ножи для метания в мишень, в чехле.",
        ],
        en: [
            "Throwing knives set, 6 pcs",
            "Balanced steel knives for target throwing, with sheath.",
        ],
    },
    // Adult-audience wording with sexualised cues on a listing tagged for teenagers (the blind
    // check's planted adult role-play costume, product 194, rewritten).
    Case {
        id: "adult_flight_attendant_costume",
        slug: "karnaval-kostyumlari",
        ages: (144, 216),
        expect: Expect::Reject,
        uz: [
            "Kattalar uchun «Styuardessa» rolli kostyumi",
            "Kalta ko‘ylak, pilotka va kapron paypoqlar. Elastik mato qomatga yopishadi.",
        ],
        uz_cyrl: [
            "Катталар учун «Стюардесса» ролли костюми",
            "Калта кўйлак, пилотка ва капрон пайпоқлар. Эластик мато қоматга ёпишади.",
        ],
        ru: [
            "Костюм стюардессы для взрослых, размеры S–L",
            "Мини-платье, пилотка и чулки для ролевых игр. Ткань облегает фигуру.",
        ],
        en: [
            "Adult flight attendant costume, sizes S–L",
            "Mini dress, cap and stockings for role-play. Figure-hugging stretch fabric.",
        ],
    },
    // Adult-audience wording alone on a listing tagged for children: held for a moderator.
    Case {
        id: "adult_colouring_book_child_tagged",
        slug: "kitoblar",
        ages: (96, 216),
        expect: Expect::Review,
        uz: [
            "Kattalar uchun antistress rang berish kitobi «Mandalalar»",
            "48 sahifa murakkab naqshlar, qalin qog‘oz.",
        ],
        uz_cyrl: [
            "Катталар учун антистресс ранг бериш китоби «Мандалалар»",
            "48 саҳифа мураккаб нақшлар, қалин қоғоз.",
        ],
        ru: [
            "Раскраска-антистресс для взрослых «Мандалы»",
            "48 страниц сложных узоров, плотная бумага.",
        ],
        en: [
            "Adult colouring book “Mandalas”, anti-stress",
            "48 pages of intricate patterns on thick paper.",
        ],
    },
    // Nano blocks a few millimetres across, hundreds of them, tagged and labelled from 2 years
    // (the blind check's planted micro-block set, product 1936, rewritten).
    Case {
        id: "nano_blocks_toddler_tagged",
        slug: "konstruktorlar",
        ages: (24, 144),
        expect: Expect::Reject,
        uz: [
            "Nanobloklar «Panda», 380 dona",
            "Har bir g‘isht 5 mm. 2 yoshdan katta bolalar uchun.",
        ],
        uz_cyrl: [
            "Наноблоклар «Панда», 380 дона",
            "Ҳар бир ғишт 5 мм. 2 ёшдан катта болалар учун.",
        ],
        ru: [
            "Наноблоки «Панда», 380 деталей",
            "Каждый кирпичик 5 мм. Для детей от 2 лет.",
        ],
        en: [
            "Nano blocks “Panda”, 380 pieces",
            "Each brick is 5 mm. For kids aged 2 and up.",
        ],
    },
    // A set of hundreds of pieces tagged for toddlers, with no small-parts wording at all.
    Case {
        id: "many_pieces_toddler_tagged",
        slug: "konstruktorlar",
        ages: (18, 96),
        expect: Expect::Review,
        uz: [
            "Konstruktor «Qal’a», 650 detal",
            "Minoralar, ko‘prik va 4 ta figura. Sovg‘a uchun ajoyib tanlov.",
        ],
        uz_cyrl: [
            "Конструктор «Қалъа», 650 детал",
            "Миноралар, кўприк ва 4 та фигура. Совға учун ажойиб танлов.",
        ],
        ru: [
            "Конструктор «Замок», 650 деталей",
            "Башни, мост и 4 фигурки. Отличный подарок.",
        ],
        en: [
            "Castle building set, 650 pieces",
            "Towers, a bridge and 4 figures. A great gift.",
        ],
    },
    // Tagged from 3 years, but its text labels a mini set with 6 mm parts for 2-year-olds.
    Case {
        id: "mini_set_labelled_below_tagged_age",
        slug: "konstruktorlar",
        ages: (36, 120),
        expect: Expect::Reject,
        uz: [
            "Mini-konstruktor «Robot», 240 dona",
            "Detallari atigi 6 mm. 2 yoshdan katta bolalar uchun mos.",
        ],
        uz_cyrl: [
            "Мини-конструктор «Робот», 240 дона",
            "Деталлари атиги 6 мм. 2 ёшдан катта болалар учун мос.",
        ],
        ru: [
            "Мини-конструктор «Робот», 240 деталей",
            "Детали всего 6 мм. Подходит детям от 2 лет.",
        ],
        en: [
            "Mini building set “Robot”, 240 pieces",
            "Parts are only 6 mm. Suitable for ages 2+.",
        ],
    },
];
