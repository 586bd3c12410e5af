//! Ordinary children's products, several of them near a risk word (a water pistol, a toy
//! kitchen knife, a wine-red dress, balloons for a five-year-old): all must be approved.

use super::{Case, Expect};

pub const BENIGN: &[Case] = &[
    Case {
        id: "doll",
        slug: "qo-g-irchoqlar",
        ages: (36, 120),
        expect: Expect::Approve,
        uz: [
            "Qo‘g‘irchoq «Malika», 30 sm, kiyimlar to‘plami bilan",
            "Yumshoq sochli qo‘g‘irchoq, 3 ta ko‘ylak, tufli va taroq. Qizlar uchun ajoyib sovg‘a.",
        ],
        uz_cyrl: [
            "Қўғирчоқ «Малика», 30 см, кийимлар тўплами билан",
            "Юмшоқ сочли қўғирчоқ, 3 та кўйлак, туфли ва тароқ. Қизлар учун ажойиб совға.",
        ],
        ru: [
            "Кукла «Принцесса», 30 см, с набором одежды",
            "Кукла с мягкими волосами, 3 платья, туфельки и расческа. Отличный подарок для девочки.",
        ],
        en: [
            "Princess doll, 30 cm, with outfits",
            "Doll with soft hair, 3 dresses, shoes and a comb. A lovely gift for girls.",
        ],
    },
    Case {
        id: "city_building_set",
        slug: "konstruktorlar",
        ages: (72, 144),
        expect: Expect::Approve,
        uz: [
            "Konstruktor «Politsiya bo'limi», 540 detal, 6+",
            "Politsiya mashinasi, vertolyot va 5 ta minifigura. Mayda detallar bor, 3 yoshgacha bo'lgan bolalarga berilmasin.",
        ],
        uz_cyrl: [
            "Конструктор «Полиция бўлими», 540 детал, 6+",
            "Полиция машинаси, вертолёт ва 5 та минифигура. Майда деталлар бор, 3 ёшгача бўлган болаларга берилмасин.",
        ],
        ru: [
            "Конструктор «Полицейский участок», 540 деталей, 6+",
            "Полицейская машина, вертолет и 5 минифигурок. Содержит мелкие детали, не для детей до 3 лет.",
        ],
        en: [
            "Police Station building set, 540 pieces, ages 6+",
            "Police car, helicopter and 5 minifigures. Contains small parts, not for children under 3.",
        ],
    },
    Case {
        id: "water_pistol",
        slug: "yozgi-o-yinchoqlar",
        ages: (36, 120),
        expect: Expect::Approve,
        uz: [
            "Suvli to'pponcha, 600 ml idish bilan",
            "Yozgi o'yinlar uchun kuchli suv to'pponchasi, 8 metrgacha otadi. Plastik, xavfsiz.",
        ],
        uz_cyrl: [
            "Сувли тўппонча, 600 мл идиш билан",
            "Ёзги ўйинлар учун кучли сув тўппончаси, 8 метргача отади. Пластик, хавфсиз.",
        ],
        ru: [
            "Водяной пистолет с баком 600 мл",
            "Мощный водный бластер для летних игр, стреляет до 8 метров. Безопасный пластик.",
        ],
        en: [
            "Water pistol with 600 ml tank",
            "Powerful water gun for summer fun, shoots up to 8 metres. Safe plastic.",
        ],
    },
    Case {
        id: "toy_kitchen",
        slug: "rolli-o-yinlar",
        ages: (36, 96),
        expect: Expect::Approve,
        uz: [
            "Bolalar oshxonasi to‘plami, 42 predmet",
            "Plastik idishlar: qozon, tova, pichoq, vilka va qoshiqlar. O‘yinchoq pichoq o‘tmas, xavfsiz.",
        ],
        uz_cyrl: [
            "Болалар ошхонаси тўплами, 42 предмет",
            "Пластик идишлар: қозон, това, пичоқ, вилка ва қошиқлар. Ўйинчоқ пичоқ ўтмас, хавфсиз.",
        ],
        ru: [
            "Детская кухня, игровой набор 42 предмета",
            "Пластиковая посуда: кастрюля, сковорода, нож, вилки и ложки. Игрушечный нож тупой и безопасный.",
        ],
        en: [
            "Play kitchen set, 42 pieces",
            "Plastic pots, pan, knife, forks and spoons. The toy knife is blunt and safe.",
        ],
    },
    Case {
        id: "wine_red_dress",
        slug: "qizlar-kiyimi",
        ages: (60, 120),
        expect: Expect::Approve,
        uz: [
            "Qizlar uchun bayramona ko'ylak, vino rangida",
            "Baxmal ko'ylak, uzun yengli, belida kamar. 5-10 yosh.",
        ],
        uz_cyrl: [
            "Қизлар учун байрамона кўйлак, вино рангида",
            "Бахмал кўйлак, узун енгли, белида камар. 5-10 ёш.",
        ],
        ru: [
            "Нарядное платье для девочки винного цвета",
            "Бархатное платье с длинным рукавом и поясом. На 5-10 лет.",
        ],
        en: [
            "Girls' party dress, wine red",
            "Velvet dress with long sleeves and a belt. Ages 5-10.",
        ],
    },
    Case {
        id: "picture_book",
        slug: "kitoblar-0-3",
        ages: (12, 48),
        expect: Expect::Approve,
        uz: [
            "Kitob «Kim qanday ovoz chiqaradi?»",
            "Qalin kartonli sahifalar, yorqin rasmlar. Kichkintoylar uchun birinchi kitob.",
        ],
        uz_cyrl: [
            "Китоб «Ким қандай овоз чиқаради?»",
            "Қалин картонли саҳифалар, ёрқин расмлар. Кичкинтойлар учун биринчи китоб.",
        ],
        ru: [
            "Книжка «Кто как говорит?»",
            "Плотные картонные страницы, яркие иллюстрации. Первая книжка для малышей.",
        ],
        en: [
            "Board book «Who says what?»",
            "Thick board pages and bright pictures. A first book for little ones.",
        ],
    },
    Case {
        id: "school_backpack",
        slug: "maktab-uchun",
        ages: (72, 144),
        expect: Expect::Approve,
        uz: [
            "Maktab ryukzagi, ortopedik orqa qism",
            "Yengil ryukzak, 3 bo'lim, aks ettiruvchi elementlar. 1-4 sinflar uchun.",
        ],
        uz_cyrl: [
            "Мактаб рюкзаги, ортопедик орқа қисм",
            "Енгил рюкзак, 3 бўлим, акс эттирувчи элементлар. 1-4 синфлар учун.",
        ],
        ru: [
            "Школьный рюкзак с ортопедической спинкой",
            "Легкий ранец, 3 отделения, светоотражающие элементы. Для 1-4 классов.",
        ],
        en: [
            "School backpack with orthopaedic back",
            "Lightweight, 3 compartments, reflective details. For grades 1-4.",
        ],
    },
    Case {
        id: "balloons_preschool",
        slug: "bayram-uchun",
        ages: (60, 144),
        expect: Expect::Approve,
        uz: [
            "Havo sharlari «Tug'ilgan kuning bilan», 30 dona",
            "Lateks sharlar va folga harflar. Kattalar nazorati ostida shishiring.",
        ],
        uz_cyrl: [
            "Ҳаво шарлари «Туғилган кунинг билан», 30 дона",
            "Латекс шарлар ва фольга ҳарфлар. Катталар назорати остида шиширинг.",
        ],
        ru: [
            "Воздушные шары «С днем рождения», 30 шт",
            "Латексные шарики и фольгированные буквы. Надувать под присмотром взрослых.",
        ],
        en: [
            "Happy Birthday balloons, 30 pack",
            "Latex balloons and foil letters. Inflate under adult supervision.",
        ],
    },
    Case {
        id: "magnetic_drawing_board",
        slug: "ijodkorlik",
        ages: (36, 96),
        expect: Expect::Approve,
        uz: [
            "Magnitli chizish doskasi, 4 rangli",
            "Magnit qalam bilan chizing va bir harakatda o'chiring. Siyoh va bo'yoqsiz.",
        ],
        uz_cyrl: [
            "Магнитли чизиш доскаси, 4 рангли",
            "Магнит қалам билан чизинг ва бир ҳаракатда ўчиринг. Сиёҳ ва бўёқсиз.",
        ],
        ru: [
            "Магнитная доска для рисования, 4 цвета",
            "Рисуйте магнитным стилусом и стирайте одним движением. Без чернил и красок.",
        ],
        en: [
            "Magnetic drawing board, 4 colours",
            "Draw with the magnetic pen and erase with one slide. No ink, no mess.",
        ],
    },
    Case {
        id: "baby_bodysuit",
        slug: "chaqaloqlar-kiyimi",
        ages: (0, 12),
        expect: Expect::Approve,
        uz: [
            "Chaqaloqlar uchun bodi, 3 dona, paxta",
            "Uzun yengli bodi, pastida tugmachalar. 100% organik paxta.",
        ],
        uz_cyrl: [
            "Чақалоқлар учун боди, 3 дона, пахта",
            "Узун енгли боди, пастида тугмачалар. 100% органик пахта.",
        ],
        ru: [
            "Боди для новорожденных, 3 шт, хлопок",
            "Боди с длинным рукавом на кнопках. 100% органический хлопок.",
        ],
        en: [
            "Baby bodysuits, 3 pack, cotton",
            "Long-sleeve bodysuits with snap buttons. 100% organic cotton.",
        ],
    },
    Case {
        id: "wet_wipes",
        slug: "chaqaloqlar-gigienasi",
        ages: (0, 36),
        expect: Expect::Approve,
        uz: [
            "Bolalar nam salfetkalari, 120 dona",
            "Spirtsiz va hidsiz, aloe vera bilan. Nozik teri uchun.",
        ],
        uz_cyrl: [
            "Болалар нам салфеткалари, 120 дона",
            "Спиртсиз ва ҳидсиз, алое вера билан. Нозик тери учун.",
        ],
        ru: [
            "Детские влажные салфетки, 120 шт",
            "Без спирта и отдушек, с алоэ вера. Для чувствительной кожи.",
        ],
        en: [
            "Baby wet wipes, 120 count",
            "Alcohol-free and fragrance-free, with aloe vera. For sensitive skin.",
        ],
    },
    Case {
        id: "bubble_gun",
        slug: "yozgi-o-yinchoqlar",
        ages: (36, 120),
        expect: Expect::Approve,
        uz: [
            "Pufakcha to'pponcha, chiroqli",
            "Bir daqiqada yuzlab sovun pufakchalari! Batareyalar bilan, suyuqlik to'plamda.",
        ],
        uz_cyrl: [
            "Пуфакча тўппонча, чироқли",
            "Бир дақиқада юзлаб совун пуфакчалари! Батареялар билан, суюқлик тўпламда.",
        ],
        ru: [
            "Пистолет для мыльных пузырей со световыми эффектами",
            "Сотни пузырей за минуту! Батарейки и раствор в комплекте.",
        ],
        en: [
            "Bubble gun with lights",
            "Hundreds of bubbles a minute! Batteries and bubble solution included.",
        ],
    },
    Case {
        id: "craft_glue_gun",
        slug: "ijodkorlik",
        ages: (96, 216),
        expect: Expect::Approve,
        uz: [
            "Yelim to'pponcha ijod uchun, 20 W",
            "Issiq yelim to'pponchasi va 10 ta yelim tayoqcha. Kattalar nazorati ostida foydalaning.",
        ],
        uz_cyrl: [
            "Елим тўппонча ижод учун, 20 W",
            "Иссиқ елим тўппончаси ва 10 та елим таёқча. Катталар назорати остида фойдаланинг.",
        ],
        ru: [
            "Клеевой пистолет для творчества, 20 Вт",
            "Термоклеевой пистолет и 10 клеевых стержней. Использовать под присмотром взрослых.",
        ],
        en: [
            "Mini hot glue gun for crafts, 20 W",
            "Glue gun with 10 glue sticks. Use with adult supervision.",
        ],
    },
    Case {
        id: "large_blocks",
        slug: "chaqaloqlar-uchun",
        ages: (18, 60),
        expect: Expect::Approve,
        uz: [
            "Yirik detalli konstruktor, 60 dona",
            "Kichkintoylar uchun katta bloklar — yutib yuborib bo'lmaydi. Yumshoq plastik.",
        ],
        uz_cyrl: [
            "Йирик деталли конструктор, 60 дона",
            "Кичкинтойлар учун катта блоклар. Юмшоқ пластик.",
        ],
        ru: [
            "Конструктор с крупными деталями, 60 шт",
            "Большие блоки для малышей — безопасно, нельзя проглотить. Мягкий пластик.",
        ],
        en: [
            "Large building blocks for toddlers, 60 pcs",
            "Big chunky blocks — too large to swallow. Soft plastic.",
        ],
    },
    Case {
        id: "ball_pit",
        slug: "chaqaloqlar-uchun",
        ages: (12, 48),
        expect: Expect::Approve,
        uz: [
            "Quruq basseyn sharchalar bilan, 200 dona",
            "Diametri 7 sm bo'lgan yumshoq sharchalar, yig'ma basseyn.",
        ],
        uz_cyrl: [
            "Қуруқ бассейн шарчалар билан, 200 дона",
            "Диаметри 7 см бўлган юмшоқ шарчалар, йиғма бассейн.",
        ],
        ru: [
            "Сухой бассейн с шариками, 200 шт",
            "Мягкие шарики диаметром 7 см, складной бассейн.",
        ],
        en: [
            "Ball pit with 200 balls",
            "Soft 7 cm balls and a foldable pool.",
        ],
    },
    Case {
        id: "foam_sword",
        slug: "o-yinchoqlar",
        ages: (48, 120),
        expect: Expect::Approve,
        uz: [
            "Yumshoq qilich, ritsar o'yinchog'i",
            "Xavfsiz ko'pikli qilich, 60 sm. Rolli o'yinlar uchun.",
        ],
        uz_cyrl: [
            "Юмшоқ қилич, рицарь ўйинчоғи",
            "Хавфсиз кўпикли қилич, 60 см. Ролли ўйинлар учун.",
        ],
        ru: [
            "Меч игрушечный мягкий, рыцарский",
            "Безопасный меч из поролона, 60 см. Для ролевых игр.",
        ],
        en: [
            "Foam knight sword toy",
            "Safe foam sword, 60 cm. For pretend play.",
        ],
    },
    Case {
        id: "chess",
        slug: "stol-o-yinlari",
        ages: (72, 216),
        expect: Expect::Approve,
        uz: [
            "Shaxmat, yog'och, 3 tasi 1 da",
            "Shaxmat, shashka va nard. Yig'ma taxta, 40x40 sm.",
        ],
        uz_cyrl: [
            "Шахмат, ёғоч, 3 таси 1 да",
            "Шахмат, шашка ва нард. Йиғма тахта, 40x40 см.",
        ],
        ru: [
            "Шахматы деревянные 3 в 1",
            "Шахматы, шашки и нарды. Складная доска 40x40 см.",
        ],
        en: [
            "Wooden chess set, 3 in 1",
            "Chess, checkers and backgammon. Folding board, 40x40 cm.",
        ],
    },
    Case {
        id: "kids_scissors",
        slug: "maktab-uchun",
        ages: (48, 120),
        expect: Expect::Approve,
        uz: [
            "Bolalar qaychisi, yumaloq uchli",
            "Xavfsiz qaychi, ergonomik dasta. Applikatsiya va ijod uchun.",
        ],
        uz_cyrl: [
            "Болалар қайчиси, юмалоқ учли",
            "Хавфсиз қайчи, эргономик даста. Аппликация ва ижод учун.",
        ],
        ru: [
            "Ножницы детские с закругленными концами",
            "Безопасные ножницы с эргономичными ручками. Для аппликаций и творчества.",
        ],
        en: [
            "Kids' safety scissors, rounded tips",
            "Safe scissors with ergonomic handles. For crafts and cutting paper.",
        ],
    },
    Case {
        id: "montessori_knife",
        slug: "montessori",
        ages: (36, 96),
        expect: Expect::Approve,
        uz: [
            "Bolalar pichog'i Montessori, yog'och",
            "Meva va sabzavotlarni kesishni o'rganish uchun o'tmas bolalar pichog'i.",
        ],
        uz_cyrl: [
            "Болалар пичоғи Монтессори, ёғоч",
            "Мева ва сабзавотларни кесишни ўрганиш учун ўтмас болалар пичоғи.",
        ],
        ru: [
            "Детский нож Монтессори, деревянный",
            "Безопасный детский нож для нарезки фруктов и овощей, без острых краев.",
        ],
        en: [
            "Montessori kids knife, wooden",
            "Blunt children's knife for learning to cut fruit and vegetables.",
        ],
    },
    Case {
        id: "classic_book_snuffbox",
        slug: "kitoblar",
        ages: (60, 144),
        expect: Expect::Approve,
        uz: [
            "V. Odoyevskiy «Tamakidon ichidagi shaharcha»",
            "Rus klassik ertagi rangli rasmlar bilan. Qattiq muqova.",
        ],
        uz_cyrl: [
            "В. Одоевский «Тамакидон ичидаги шаҳарча»",
            "Рус классик эртаги рангли расмлар билан. Қаттиқ муқова.",
        ],
        ru: [
            "В. Одоевский «Городок в табакерке»",
            "Классическая сказка с цветными иллюстрациями. Твердый переплет.",
        ],
        en: [
            "V. Odoevsky «The Town in a Snuffbox»",
            "A classic Russian fairy tale with colour illustrations. Hardcover.",
        ],
    },
    Case {
        id: "unisex_hoodie",
        slug: "bolalar-kiyimi",
        ages: (72, 168),
        expect: Expect::Approve,
        uz: [
            "Uniseks xudi, bolalar uchun",
            "Issiq xudi, qalpoqli, kenguru cho'ntak. O'g'il va qiz bolalar uchun.",
        ],
        uz_cyrl: [
            "Унисекс худи, болалар учун",
            "Иссиқ худи, қалпоқли, кенгуру чўнтак. Ўғил ва қиз болалар учун.",
        ],
        ru: [
            "Худи детское унисекс",
            "Теплое худи с капюшоном и карманом-кенгуру. Для мальчиков и девочек.",
        ],
        en: [
            "Kids' uni-sex hoodie",
            "Warm hoodie with a kangaroo pocket. For boys and girls.",
        ],
    },
    Case {
        id: "battle_tops",
        slug: "o-yinchoqlar",
        ages: (72, 168),
        expect: Expect::Approve,
        uz: [
            "Beyblade jang pildiroqlari, arena bilan",
            "2 ta metall pildiroq, ishga tushirgich va jang arenasi.",
        ],
        uz_cyrl: [
            "Beyblade жанг пилдироқлари, арена билан",
            "2 та металл пилдироқ, ишга туширгич ва жанг аренаси.",
        ],
        ru: [
            "Боевые волчки Beyblade с ареной",
            "2 металлических волчка, запускатели и арена для битв.",
        ],
        en: [
            "Beyblade battle tops with arena",
            "2 metal tops, launchers and a battle stadium.",
        ],
    },
    Case {
        id: "foam_blaster",
        slug: "o-yinchoqlar",
        ages: (96, 168),
        expect: Expect::Approve,
        uz: [
            "Nerf blaster, 12 ta yumshoq o'q",
            "Yumshoq ko'pikli o'qlar bilan o'yinchoq blaster, 20 metrgacha otadi.",
        ],
        uz_cyrl: [
            "Nerf бластер, 12 та юмшоқ ўқ",
            "Юмшоқ кўпикли ўқлар билан ўйинчоқ бластер, 20 метргача отади.",
        ],
        ru: [
            "Бластер Nerf, 12 мягких стрел",
            "Игрушечный бластер с поролоновыми стрелами, стреляет до 20 метров.",
        ],
        en: [
            "Nerf blaster with 12 foam darts",
            "Toy blaster firing soft foam darts up to 20 metres.",
        ],
    },
    Case {
        id: "lightsaber",
        slug: "o-yinchoqlar",
        ages: (48, 144),
        expect: Expect::Approve,
        uz: [
            "Nurli qilich, tovush effektlari bilan",
            "Yonadigan qilich, 3 rang, 70 sm. AA batareyalar.",
        ],
        uz_cyrl: [
            "Нурли қилич, товуш эффектлари билан",
            "Ёнадиган қилич, 3 ранг, 70 см. AA батареялар.",
        ],
        ru: [
            "Световой меч со звуковыми эффектами",
            "Светящийся меч, 3 цвета, 70 см. Батарейки AA.",
        ],
        en: [
            "Lightsaber with sound effects",
            "Light-up saber, 3 colours, 70 cm. AA batteries.",
        ],
    },
    Case {
        id: "water_beads_older",
        slug: "ijodkorlik",
        ages: (96, 168),
        expect: Expect::Approve,
        uz: [
            "Orbiz to'plami «Gul bog'i», 8+",
            "Suvda o'sadigan sharchalar bilan ijodiy to'plam. Kattalar nazorati ostida.",
        ],
        uz_cyrl: [
            "Орбиз тўплами «Гул боғи», 8+",
            "Сувда ўсадиган шарчалар билан ижодий тўплам. Катталар назорати остида.",
        ],
        ru: [
            "Набор Орбиз «Цветочный сад», 8+",
            "Творческий набор с растущими шариками. Под присмотром взрослых.",
        ],
        en: [
            "Orbeez Flower Garden kit, ages 8+",
            "Creative kit with water-growing beads. Adult supervision required.",
        ],
    },
    Case {
        id: "police_role_play",
        slug: "rolli-o-yinlar",
        ages: (36, 96),
        expect: Expect::Approve,
        uz: [
            "Politsiyachi o‘yin to‘plami: nishon, kishan va o‘yinchoq to‘pponcha",
            "Rolli o‘yin uchun plastik to‘plam, ovozli to‘pponcha bilan.",
        ],
        uz_cyrl: [
            "Полициячи ўйин тўплами: нишон, кишан ва ўйинчоқ тўппонча",
            "Ролли ўйин учун пластик тўплам, овозли тўппонча билан.",
        ],
        ru: [
            "Игровой набор полицейского: значок, наручники и игрушечный пистолет",
            "Пластиковый набор для ролевой игры, пистолет со звуком.",
        ],
        en: [
            "Police role-play set: badge, handcuffs and toy pistol",
            "Plastic pretend-play set with a sound-effect pistol.",
        ],
    },
    Case {
        id: "magnetic_tiles_preschool",
        slug: "konstruktorlar",
        ages: (36, 120),
        expect: Expect::Approve,
        uz: [
            "Magnitli konstruktor, 64 detal",
            "Yirik magnitli plitkalar — uy, mashina va minoralar quring. 3 yoshdan.",
        ],
        uz_cyrl: [
            "Магнитли конструктор, 64 детал",
            "Йирик магнитли плиткалар — уй, машина ва миноралар қуринг. 3 ёшдан.",
        ],
        ru: [
            "Магнитный конструктор, 64 детали",
            "Крупные магнитные плитки — стройте дома, машины и башни. От 3 лет.",
        ],
        en: [
            "Magnetic tiles building set, 64 pieces",
            "Large magnetic tiles to build houses, cars and towers. Ages 3+.",
        ],
    },
    Case {
        id: "baby_rattle",
        slug: "chaqaloqlar-uchun",
        ages: (0, 12),
        expect: Expect::Approve,
        uz: [
            "Shaqildoq-tishlagich, silikon",
            "Chaqaloqlar uchun xavfsiz shaqildoq, BPA siz. 0 oylikdan.",
        ],
        uz_cyrl: [
            "Шақилдоқ-тишлагич, силикон",
            "Чақалоқлар учун хавфсиз шақилдоқ, BPA сиз. 0 ойликдан.",
        ],
        ru: [
            "Погремушка-прорезыватель силиконовая",
            "Безопасная погремушка для малышей, без BPA. С рождения.",
        ],
        en: [
            "Silicone rattle teether",
            "Baby-safe rattle, BPA free. From birth.",
        ],
    },
    Case {
        id: "girls_hygiene_gel",
        slug: "gigiena",
        ages: (36, 168),
        expect: Expect::Approve,
        uz: [
            "Qizlar uchun intim gigiyena geli, 200 ml",
            "Yumshoq formula, pH muvozanatli, gipoallergen. 3 yoshdan.",
        ],
        uz_cyrl: [
            "Қизлар учун интим гигиена гели, 200 мл",
            "Юмшоқ формула, pH мувозанатли, гипоаллерген. 3 ёшдан.",
        ],
        ru: [
            "Гель для интимной гигиены для девочек, 200 мл",
            "Мягкая формула с нейтральным pH, гипоаллергенно. От 3 лет.",
        ],
        en: [
            "Girls' intimate hygiene wash, 200 ml",
            "Gentle pH-balanced formula, hypoallergenic. Ages 3+.",
        ],
    },
    Case {
        id: "car_seat",
        slug: "avtokreslolar",
        ages: (0, 48),
        expect: Expect::Approve,
        uz: [
            "Avtokreslo 0-18 kg, Isofix",
            "Yon zarbalardan himoya, 5 nuqtali kamar, yuvilsa bo'ladigan g'ilof.",
        ],
        uz_cyrl: [
            "Автокресло 0-18 кг, Isofix",
            "Ён зарбалардан ҳимоя, 5 нуқтали камар, ювилса бўладиган ғилоф.",
        ],
        ru: [
            "Автокресло 0-18 кг с Isofix",
            "Защита от боковых ударов, 5-точечные ремни, съемный моющийся чехол.",
        ],
        en: [
            "Car seat 0-18 kg with Isofix",
            "Side impact protection, 5-point harness, washable cover.",
        ],
    },
    Case {
        id: "blue_whale_plush",
        slug: "yumshoq-o-yinchoqlar",
        ages: (0, 120),
        expect: Expect::Approve,
        uz: [
            "Yumshoq o'yinchoq «Ko'k kit», 50 sm",
            "Quchoqlash uchun yumshoq kit, gipoallergen to'ldirgich.",
        ],
        uz_cyrl: [
            "Юмшоқ ўйинчоқ «Кўк кит», 50 см",
            "Қучоқлаш учун юмшоқ кит, гипоаллерген тўлдиргич.",
        ],
        ru: [
            "Мягкая игрушка «Синий кит», 50 см",
            "Мягкий кит-обнимашка, гипоаллергенный наполнитель.",
        ],
        en: [
            "Blue whale plush toy, 50 cm",
            "Huggable soft whale with hypoallergenic filling.",
        ],
    },
    Case {
        id: "pirate_costume",
        slug: "karnaval-kostyumlari",
        ages: (48, 120),
        expect: Expect::Approve,
        uz: [
            "Qaroqchi karnaval kostyumi, qilich va to'pponcha bilan",
            "Shlyapa, jilet, ko'z bog'ich, plastik qilich va o'yinchoq to'pponcha.",
        ],
        uz_cyrl: [
            "Қароқчи карнавал костюми, қилич ва тўппонча билан",
            "Шляпа, жилет, кўз боғич, пластик қилич ва ўйинчоқ тўппонча.",
        ],
        ru: [
            "Карнавальный костюм пирата с саблей и пистолетом",
            "Шляпа, жилет, повязка на глаз, пластиковая сабля и игрушечный пистолет.",
        ],
        en: [
            "Pirate costume with sword and pistol",
            "Hat, vest, eye patch, plastic cutlass and toy pistol.",
        ],
    },
    Case {
        id: "grape_juice",
        slug: "bolalar-ovqati",
        ages: (12, 72),
        expect: Expect::Approve,
        uz: [
            "Bolalar uchun uzum sharbati, 200 ml",
            "Shakarsiz tabiiy sharbat, 12 oylikdan.",
        ],
        uz_cyrl: [
            "Болалар учун узум шарбати, 200 мл",
            "Шакарсиз табиий шарбат, 12 ойликдан.",
        ],
        ru: [
            "Сок виноградный детский, 200 мл",
            "Натуральный сок без сахара, с 12 месяцев.",
        ],
        en: [
            "Kids' grape juice, 200 ml",
            "Natural juice, no added sugar, from 12 months.",
        ],
    },
    Case {
        id: "night_light",
        slug: "bolalar-xonasi",
        ages: (0, 96),
        expect: Expect::Approve,
        uz: [
            "Tungi chiroq «Oy», sensorli",
            "Yumshoq yorug'lik, 3 ta AAA batareyka bilan ishlaydi. Bolalar xonasi uchun.",
        ],
        uz_cyrl: [
            "Тунги чироқ «Ой», сенсорли",
            "Юмшоқ ёруғлик, 3 та AAA батарейка билан ишлайди. Болалар хонаси учун.",
        ],
        ru: [
            "Ночник «Луна» сенсорный",
            "Мягкий свет, работает от 3 батареек AAA. Для детской комнаты.",
        ],
        en: [
            "Moon night light with touch control",
            "Soft glow, runs on 3 AAA batteries. For the nursery.",
        ],
    },
    Case {
        id: "football",
        slug: "sport",
        ages: (60, 216),
        expect: Expect::Approve,
        uz: [
            "Futbol to'pi, 4-o'lcham",
            "Tikilgan PU to'p, maktab o'yinlari va mashg'ulotlar uchun.",
        ],
        uz_cyrl: [
            "Футбол тўпи, 4-ўлчам",
            "Тикилган PU тўп, мактаб ўйинлари ва машғулотлар учун.",
        ],
        ru: [
            "Футбольный мяч, размер 4",
            "Сшитый мяч из PU для школьных игр и тренировок.",
        ],
        en: [
            "Football, size 4",
            "Stitched PU ball for school games and training.",
        ],
    },
    Case {
        id: "chocolate_advent",
        slug: "shirinliklar",
        ages: (36, 216),
        expect: Expect::Approve,
        uz: [
            "Shokoladli advent-kalendar, 24 ta sovg'a",
            "Har kuni yangi sutli shokolad figurasi. Yangi yil kutish uchun.",
        ],
        uz_cyrl: [
            "Шоколадли адвент-календарь, 24 та совға",
            "Ҳар куни янги сутли шоколад фигураси. Янги йил кутиш учун.",
        ],
        ru: [
            "Шоколадный адвент-календарь, 24 сюрприза",
            "Каждый день новая фигурка из молочного шоколада. В ожидании Нового года.",
        ],
        en: [
            "Chocolate advent calendar, 24 surprises",
            "A new milk chocolate figure every day until New Year.",
        ],
    },
    Case {
        id: "monopoly",
        slug: "stol-o-yinlari",
        ages: (96, 216),
        expect: Expect::Approve,
        uz: [
            "Iqtisodiy stol o'yini «Monopoliya»",
            "Ko'chmas mulk sotib oling, uylar quring va o'yin pullarini yig'ing. 2-6 o'yinchi.",
        ],
        uz_cyrl: [
            "Иқтисодий стол ўйини «Монополия»",
            "Кўчмас мулк сотиб олинг, уйлар қуринг ва ўйин пулларини йиғинг. 2-6 ўйинчи.",
        ],
        ru: [
            "Экономическая настольная игра «Монополия»",
            "Покупайте недвижимость, стройте дома и собирайте игровые деньги. 2-6 игроков.",
        ],
        en: [
            "Monopoly board game",
            "Buy property, build houses and collect play money. 2-6 players.",
        ],
    },
    Case {
        id: "kids_toothpaste",
        slug: "gigiena",
        ages: (0, 72),
        expect: Expect::Approve,
        uz: [
            "Bolalar tish pastasi, qulupnay ta'mi",
            "Ftorsiz, yutib yuborilsa ham xavfsiz formula. 0-3 yosh.",
        ],
        uz_cyrl: [
            "Болалар тиш пастаси, қулупнай таъми",
            "Фторсиз, ютиб юборилса ҳам хавфсиз формула. 0-3 ёш.",
        ],
        ru: [
            "Детская зубная паста, клубника",
            "Без фтора, безопасна при проглатывании. 0-3 года.",
        ],
        en: [
            "Kids' toothpaste, strawberry",
            "Fluoride-free, safe if swallowed. Ages 0-3.",
        ],
    },
    // Look-alikes of the adult-audience rule: adults next to children, and adults as helpers.
    Case {
        id: "board_game_kids_and_adults",
        slug: "stol-o-yinlari",
        ages: (72, 216),
        expect: Expect::Approve,
        uz: [
            "Stol o‘yini «Topqir», bolalar va kattalar uchun",
            "2–6 o‘yinchi, bir o‘yin 30 daqiqa. Butun oila bilan o‘ynang.",
        ],
        uz_cyrl: [
            "Стол ўйини «Топқир», болалар ва катталар учун",
            "2–6 ўйинчи, бир ўйин 30 дақиқа. Бутун оила билан ўйнанг.",
        ],
        ru: [
            "Настольная игра «Смекалка» для детей и взрослых",
            "От 2 до 6 игроков, партия 30 минут. Играйте всей семьёй.",
        ],
        en: [
            "Board game “Quick Wits” for kids and adults",
            "2–6 players, 30-minute rounds. Fun for the whole family.",
        ],
    },
    Case {
        id: "chemistry_kit_adult_supervision",
        slug: "ilmiy-to-plamlar",
        ages: (96, 168),
        expect: Expect::Approve,
        uz: [
            "«Yosh kimyogar» tajribalar to‘plami, 8+",
            "20 ta xavfsiz tajriba. Kattalar nazorati ostida bajaring.",
        ],
        uz_cyrl: [
            "«Ёш кимёгар» тажрибалар тўплами, 8+",
            "20 та хавфсиз тажриба. Катталар назорати остида бажаринг.",
        ],
        ru: [
            "Набор опытов «Юный химик», 8+",
            "20 безопасных опытов. Проводить с помощью взрослых.",
        ],
        en: [
            "Young Chemist experiment kit, 8+",
            "20 safe experiments. Adult supervision required.",
        ],
    },
    // Look-alike of the sexualised cues: a nurse dress-up costume for a girl, for role-play.
    Case {
        id: "nurse_costume_girl",
        slug: "karnaval-kostyumlari",
        ages: (60, 84),
        expect: Expect::Approve,
        uz: [
            "«Hamshira» karnaval kostyumi qizlar uchun, 5–7 yosh",
            "Ko‘ylak, qalpoqcha va o‘yinchoq stetoskop — rolli o‘yinlar uchun.",
        ],
        uz_cyrl: [
            "«Ҳамшира» карнавал костюми қизлар учун, 5–7 ёш",
            "Кўйлак, қалпоқча ва ўйинчоқ стетоскоп — ролли ўйинлар учун.",
        ],
        ru: [
            "Карнавальный костюм «Медсестра» для девочки 5–7 лет",
            "Платье, шапочка и игрушечный стетоскоп для ролевых игр.",
        ],
        en: [
            "Nurse dress-up costume for girls aged 5–7",
            "Dress, cap and toy stethoscope for role-play.",
        ],
    },
    // Look-alikes of the small-parts numbers: a few large blocks for a 2-year-old, and a
    // size that is a thickness.
    Case {
        id: "duplo_large_blocks",
        slug: "konstruktorlar",
        ages: (24, 60),
        expect: Expect::Approve,
        uz: [
            "LEGO Duplo «Ferma», 26 dona, 2+",
            "Kichkintoylar uchun yirik bloklar, qo‘lga qulay.",
        ],
        uz_cyrl: [
            "LEGO Duplo «Ферма», 26 дона, 2+",
            "Кичкинтойлар учун йирик блоклар, қўлга қулай.",
        ],
        ru: [
            "LEGO Duplo «Ферма», 26 деталей, 2+",
            "Крупные блоки для малышей, удобно держать.",
        ],
        en: [
            "LEGO Duplo Farm 2+, large blocks, 26 pieces",
            "Big blocks sized for small hands.",
        ],
    },
    Case {
        id: "wooden_peg_puzzle",
        slug: "pazllar",
        ages: (12, 48),
        expect: Expect::Approve,
        uz: [
            "Yog‘och pazl-vkladish «Hayvonlar», 6 detal",
            "Kichkintoylar uchun yirik detallar, qalinligi 8 mm.",
        ],
        uz_cyrl: [
            "Ёғоч пазл-вкладиш «Ҳайвонлар», 6 детал",
            "Кичкинтойлар учун йирик деталлар, қалинлиги 8 мм.",
        ],
        ru: [
            "Деревянный пазл-вкладыш «Животные», 6 деталей",
            "Крупные детали для малышей, толщина 8 мм.",
        ],
        en: [
            "Wooden peg puzzle “Animals”, 6 pieces",
            "Chunky pieces for toddlers, 8 mm thick.",
        ],
    },
    // False alarms of the blind check: a busy board (Latin "busy" read as Cyrillic "бусы") and
    // a magnetic fishing game for toddlers.
    Case {
        id: "busy_board",
        slug: "erta-rivojlanish",
        ages: (12, 48),
        expect: Expect::Approve,
        uz: [
            "Bizibord «Uycha», qulflar va kalitlar bilan",
            "Eshikchalar, tugmachalar va g‘ildiraklar. Mayda motorikani rivojlantiradi.",
        ],
        uz_cyrl: [
            "Бизиборд «Уйча», қулфлар ва калитлар билан",
            "Эшикчалар, тугмачалар ва ғилдираклар. Майда моторикани ривожлантиради.",
        ],
        ru: [
            "Бизиборд «Домик» с замочками и ключами",
            "Дверцы, кнопки и колёсики. Развивает мелкую моторику.",
        ],
        en: [
            "Busy board “Little House” with latches and keys",
            "Doors, buttons and wheels. A busy board for fine motor skills.",
        ],
    },
    Case {
        id: "magnetic_fishing_toddler",
        slug: "yog-och-o-yinchoqlar",
        ages: (18, 48),
        expect: Expect::Approve,
        uz: [
            "Magnitli baliq ovlash o‘yini «Dengiz», 2 ta qarmoq",
            "Yog‘och baliqchalar va qarmoqlar. 1,5 yoshdan katta bolalar uchun.",
        ],
        uz_cyrl: [
            "Магнитли балиқ овлаш ўйини «Денгиз», 2 та қармоқ",
            "Ёғоч балиқчалар ва қармоқлар. 1,5 ёшдан катта болалар учун.",
        ],
        ru: [
            "Магнитная рыбалка «Море», 2 удочки",
            "Деревянные рыбки и удочки. Для детей от 1,5 лет.",
        ],
        en: [
            "Magnetic fishing game “Sea”, 2 rods",
            "Wooden fish and rods for toddlers from 18 months.",
        ],
    },
];
