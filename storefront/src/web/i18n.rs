//! Every UI string of the web pages in four languages: Uzbek in Latin script, Uzbek in
//! Cyrillic script, Russian and English. A key without all four cannot be written (the
//! [`strings!`] table takes exactly four per key); a test checks that none is empty and that
//! each is in its language's script.

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UiLang {
    /// Uzbek, Latin script (the default).
    #[default]
    UzLatn,
    /// Uzbek, Cyrillic script.
    UzCyrl,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl UiLang {
    /// Every language, in the switcher's order.
    pub const ALL: [UiLang; 4] = [UiLang::UzLatn, UiLang::UzCyrl, UiLang::Ru, UiLang::En];

    /// The code used in `?lang=`, the cookie and `banners.lang`.
    pub fn code(self) -> &'static str {
        match self {
            Self::UzLatn => "uz",
            Self::UzCyrl => "uz-Cyrl",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Self::UzLatn => "uz-Latn",
            Self::UzCyrl => "uz-Cyrl",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// The language's own name (for the switcher).
    pub fn own_name(self) -> &'static str {
        match self {
            Self::UzLatn => "O‘zbekcha",
            Self::UzCyrl => "Ўзбекча",
            Self::Ru => "Русский",
            Self::En => "English",
        }
    }

    /// Parses a code (`uz`, `uz-Latn`, `uz-Cyrl`, `ru`, `en`; case-insensitive).
    pub fn parse(code: &str) -> Option<Self> {
        match code.to_ascii_lowercase().as_str() {
            "uz" | "uz-latn" => Some(Self::UzLatn),
            "uz-cyrl" => Some(Self::UzCyrl),
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The search engine's language for titles and analysis.
    pub fn engine_lang(self) -> engine::Lang {
        match self {
            Self::UzLatn => engine::Lang::Uz,
            Self::UzCyrl => engine::Lang::UzCyrl,
            Self::Ru => engine::Lang::Ru,
            Self::En => engine::Lang::En,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::UzLatn => 0,
            Self::UzCyrl => 1,
            Self::Ru => 2,
            Self::En => 3,
        }
    }

    /// Returns the translation of `key`.
    pub fn t(self, key: T) -> &'static str {
        key.entries()[self.index()]
    }

    /// Picks this language's text of a localized value, falling back to the others.
    pub fn pick<'a>(
        self,
        uz: Option<&'a str>,
        uz_cyrl: Option<&'a str>,
        ru: Option<&'a str>,
        en: Option<&'a str>,
    ) -> Option<&'a str> {
        let order = match self {
            Self::UzLatn => [uz, uz_cyrl, ru, en],
            Self::UzCyrl => [uz_cyrl, uz, ru, en],
            Self::Ru => [ru, uz, uz_cyrl, en],
            Self::En => [en, uz, ru, uz_cyrl],
        };
        order.into_iter().flatten().find(|text| !text.is_empty())
    }
}

macro_rules! strings {
    ($($key:ident => [$uz:expr, $cyrl:expr, $ru:expr, $en:expr $(,)?],)*) => {
        /// A UI string's key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($key,)* }

        impl T {
            /// Every key.
            pub const ALL: &'static [T] = &[$(T::$key,)*];

            /// The four translations: uz-Latin, uz-Cyrillic, Russian, English.
            pub fn entries(self) -> [&'static str; 4] {
                match self {
                    $(T::$key => [$uz, $cyrl, $ru, $en],)*
                }
            }
        }
    };
}

strings! {
    SiteTagline => ["Bolalar uchun xavfsiz do‘kon", "Болалар учун хавфсиз дўкон", "Безопасный магазин для детей", "A safe shop for children"],
    SkipToContent => ["Asosiy qismga o‘tish", "Асосий қисмга ўтиш", "Перейти к содержимому", "Skip to content"],
    HomeLink => ["Bosh sahifa", "Бош саҳифа", "Главная", "Home"],
    Search => ["Qidiruv", "Қидирув", "Поиск", "Search"],
    SearchButton => ["Qidirish", "Қидириш", "Найти", "Search"],
    SearchPlaceholder => ["Masalan: 5 yoshli qizga qo‘g‘irchoq", "Масалан: 5 ёшли қизга қўғирчоқ", "Например: кукла для девочки 5 лет", "For example: a doll for a 5-year-old girl"],
    Suggestions => ["Takliflar", "Таклифлар", "Подсказки", "Suggestions"],
    ChildAge => ["Bola yoshi", "Бола ёши", "Возраст ребёнка", "Child's age"],
    Months => ["oylik", "ойлик", "мес.", "months"],
    Years => ["yosh", "ёш", "лет", "years"],
    Category => ["Bo‘lim", "Бўлим", "Категория", "Category"],
    AllCategories => ["Barcha bo‘limlar", "Барча бўлимлар", "Все категории", "All categories"],
    Categories => ["Bo‘limlar", "Бўлимлар", "Категории", "Categories"],
    Announcements => ["E’lonlar", "Эълонлар", "Объявления", "Announcements"],
    Featured => ["Tavsiya etilgan", "Тавсия этилган", "Рекомендуем", "Featured"],
    NoFeatured => ["Hozircha tavsiyalar yo‘q", "Ҳозирча тавсиялар йўқ", "Пока нет рекомендаций", "No featured products yet"],
    Filters => ["Saralash va filtrlar", "Саралаш ва фильтрлар", "Фильтры и сортировка", "Filters and sorting"],
    PriceFrom => ["Narx, dan (so‘m)", "Нарх, дан (сўм)", "Цена от (сум)", "Price from (so‘m)"],
    PriceTo => ["Narx, gacha (so‘m)", "Нарх, гача (сўм)", "Цена до (сум)", "Price to (so‘m)"],
    InStockOnly => ["Faqat mavjudlari", "Фақат мавжудлари", "Только в наличии", "In stock only"],
    SortBy => ["Tartib", "Тартиб", "Сортировка", "Sort by"],
    SortRelevance => ["Mosligi bo‘yicha", "Мослиги бўйича", "По релевантности", "Relevance"],
    SortPriceAsc => ["Avval arzonlari", "Аввал арзонлари", "Сначала дешёвые", "Price: low to high"],
    SortPriceDesc => ["Avval qimmatlari", "Аввал қимматлари", "Сначала дорогие", "Price: high to low"],
    SortNewest => ["Yangilari", "Янгилари", "Новинки", "Newest"],
    SortRating => ["Reyting bo‘yicha", "Рейтинг бўйича", "По рейтингу", "Rating"],
    SortPopularity => ["Ommabopligi bo‘yicha", "Оммабоплиги бўйича", "По популярности", "Popularity"],
    Apply => ["Qo‘llash", "Қўллаш", "Применить", "Apply"],
    ResultsFound => ["ta mahsulot topildi", "та маҳсулот топилди", "товаров найдено", "products found"],
    NothingFound => ["Hech narsa topilmadi. Boshqa so‘z yoki yoshni sinab ko‘ring.", "Ҳеч нарса топилмади. Бошқа сўз ёки ёшни синаб кўринг.", "Ничего не найдено. Попробуйте другое слово или возраст.", "Nothing found. Try another word or age."],
    Pages => ["Sahifalar", "Саҳифалар", "Страницы", "Pages"],
    Previous => ["Oldingi", "Олдинги", "Назад", "Previous"],
    Next => ["Keyingi", "Кейинги", "Далее", "Next"],
    OutOfStock => ["Tugagan", "Тугаган", "Нет в наличии", "Out of stock"],
    InStock => ["Mavjud", "Мавжуд", "В наличии", "In stock"],
    UnitsLeft => ["dona qoldi", "дона қолди", "шт. осталось", "left"],
    Brand => ["Brend", "Бренд", "Бренд", "Brand"],
    Seller => ["Sotuvchi", "Сотувчи", "Продавец", "Seller"],
    Description => ["Tavsif", "Тавсиф", "Описание", "Description"],
    Photos => ["Rasmlar", "Расмлар", "Фотографии", "Photos"],
    ChooseVariant => ["Variantni tanlang", "Вариантни танланг", "Выберите вариант", "Choose a variant"],
    Quantity => ["Soni", "Сони", "Количество", "Quantity"],
    AddToCart => ["Savatga qo‘shish", "Саватга қўшиш", "В корзину", "Add to cart"],
    Reviews => ["Sharhlar", "Шарҳлар", "Отзывы", "Reviews"],
    NoReviews => ["Hali sharhlar yo‘q", "Ҳали шарҳлар йўқ", "Отзывов пока нет", "No reviews yet"],
    VerifiedPurchase => ["Tasdiqlangan xarid", "Тасдиқланган харид", "Подтверждённая покупка", "Verified purchase"],
    RatingOutOf5 => ["5 dan", "5 дан", "из 5", "out of 5"],
    SimilarItems => ["O‘xshash mahsulotlar", "Ўхшаш маҳсулотлар", "Похожие товары", "Similar items"],
    BoughtTogether => ["Birga xarid qilinadi", "Бирга харид қилинади", "Часто покупают вместе", "Frequently bought together"],
    Cart => ["Savat", "Сават", "Корзина", "Cart"],
    CartEmpty => ["Savat bo‘sh", "Сават бўш", "Корзина пуста", "Your cart is empty"],
    Product => ["Mahsulot", "Маҳсулот", "Товар", "Product"],
    Price => ["Narx", "Нарх", "Цена", "Price"],
    Total => ["Jami", "Жами", "Итого", "Total"],
    Subtotal => ["Mahsulotlar", "Маҳсулотлар", "Товары", "Subtotal"],
    DeliveryFee => ["Yetkazib berish", "Етказиб бериш", "Доставка", "Delivery"],
    Update => ["Yangilash", "Янгилаш", "Обновить", "Update"],
    Remove => ["O‘chirish", "Ўчириш", "Удалить", "Remove"],
    Unavailable => ["Mavjud emas", "Мавжуд эмас", "Недоступно", "Unavailable"],
    ToCheckout => ["Rasmiylashtirish", "Расмийлаштириш", "Оформить заказ", "Checkout"],
    Checkout => ["Buyurtmani rasmiylashtirish", "Буюртмани расмийлаштириш", "Оформление заказа", "Checkout"],
    Region => ["Viloyat", "Вилоят", "Регион", "Region"],
    Address => ["Manzil", "Манзил", "Адрес", "Address"],
    RecipientName => ["Qabul qiluvchi ismi", "Қабул қилувчи исми", "Имя получателя", "Recipient's name"],
    RecipientPhone => ["Telefon (+998…)", "Телефон (+998…)", "Телефон (+998…)", "Phone (+998…)"],
    PlaceOrder => ["Buyurtma berish", "Буюртма бериш", "Заказать", "Place order"],
    Payment => ["To‘lov", "Тўлов", "Оплата", "Payment"],
    PayByCard => ["Karta bilan to‘lash", "Карта билан тўлаш", "Оплатить картой", "Pay by card"],
    CardNumber => ["Karta raqami", "Карта рақами", "Номер карты", "Card number"],
    ExpiryMonth => ["Amal qilish oyi", "Амал қилиш ойи", "Месяц окончания", "Expiry month"],
    ExpiryYear => ["Amal qilish yili", "Амал қилиш йили", "Год окончания", "Expiry year"],
    Cvc => ["CVC kodi (Uzcard/Humo uchun bo‘sh)", "CVC коди (Uzcard/Humo учун бўш)", "CVC (для Uzcard/Humo пусто)", "CVC (empty for Uzcard/Humo)"],
    Pay => ["To‘lash", "Тўлаш", "Оплатить", "Pay"],
    OrPayWith => ["Yoki to‘lov tizimi orqali", "Ёки тўлов тизими орқали", "Или через платёжную систему", "Or pay with"],
    PayWithPayme => ["Payme orqali to‘lash", "Payme орқали тўлаш", "Оплатить через Payme", "Pay with Payme"],
    PayWithClick => ["Click orqali to‘lash", "Click орқали тўлаш", "Оплатить через Click", "Pay with Click"],
    ConfirmationCode => ["Tasdiqlash kodi (SMS yoki 3-D Secure)", "Тасдиқлаш коди (SMS ёки 3-D Secure)", "Код подтверждения (SMS или 3-D Secure)", "Confirmation code (SMS or 3-D Secure)"],
    Confirm => ["Tasdiqlash", "Тасдиқлаш", "Подтвердить", "Confirm"],
    PaymentDone => ["To‘lov qabul qilindi. Rahmat!", "Тўлов қабул қилинди. Раҳмат!", "Оплата получена. Спасибо!", "Payment received. Thank you!"],
    NotPayable => ["Bu buyurtma to‘lovni kutmayapti", "Бу буюртма тўловни кутмаяпти", "Этот заказ не ожидает оплаты", "This order is not awaiting payment"],
    Orders => ["Buyurtmalar", "Буюртмалар", "Заказы", "Orders"],
    NoOrders => ["Hali buyurtmalar yo‘q", "Ҳали буюртмалар йўқ", "Заказов пока нет", "No orders yet"],
    Order => ["Buyurtma", "Буюртма", "Заказ", "Order"],
    Date => ["Sana", "Сана", "Дата", "Date"],
    Status => ["Holati", "Ҳолати", "Статус", "Status"],
    StatusPendingPayment => ["To‘lov kutilmoqda", "Тўлов кутилмоқда", "Ожидает оплаты", "Awaiting payment"],
    StatusAwaitingApproval => ["Ota-ona roziligi kutilmoqda", "Ота-она розилиги кутилмоқда", "Ждёт одобрения родителя", "Awaiting a parent's approval"],
    StatusPaid => ["To‘langan", "Тўланган", "Оплачен", "Paid"],
    StatusProcessing => ["Tayyorlanmoqda", "Тайёрланмоқда", "Собирается", "Processing"],
    StatusShipped => ["Yo‘lda", "Йўлда", "В пути", "Shipped"],
    StatusDelivered => ["Yetkazildi", "Етказилди", "Доставлен", "Delivered"],
    StatusCompleted => ["Yakunlandi", "Якунланди", "Завершён", "Completed"],
    StatusCancelled => ["Bekor qilindi", "Бекор қилинди", "Отменён", "Cancelled"],
    StatusExpired => ["Muddati o‘tdi", "Муддати ўтди", "Истёк", "Expired"],
    StatusRefundRequested => ["Qaytarish so‘raldi", "Қайтариш сўралди", "Запрошен возврат", "Refund requested"],
    StatusRefunded => ["Qaytarildi", "Қайтарилди", "Возвращён", "Refunded"],
    SignIn => ["Kirish", "Кириш", "Войти", "Sign in"],
    SignOut => ["Chiqish", "Чиқиш", "Выйти", "Sign out"],
    Register => ["Ro‘yxatdan o‘tish", "Рўйхатдан ўтиш", "Регистрация", "Register"],
    CreateAccount => ["Hisob yaratish", "Ҳисоб яратиш", "Создать аккаунт", "Create account"],
    EmailOrPhone => ["Email yoki telefon", "Email ёки телефон", "Email или телефон", "Email or phone"],
    Email => ["Email", "Email", "Эл. почта", "Email"],
    Password => ["Parol", "Парол", "Пароль", "Password"],
    PasswordHint => ["Kamida 10 ta belgi", "Камида 10 та белги", "Не менее 10 символов", "At least 10 characters"],
    SignInToCheckout => ["Buyurtma berish uchun kiring yoki ro‘yxatdan o‘ting. Savatingiz saqlanadi.", "Буюртма бериш учун киринг ёки рўйхатдан ўтинг. Саватингиз сақланади.", "Войдите или зарегистрируйтесь, чтобы оформить заказ. Корзина сохранится.", "Sign in or register to place the order. Your cart is kept."],
    TotpNotOnWeb => ["Bu hisob ikki bosqichli kirishdan foydalanadi: sotuvchi va administrator paneli keyinroq qo‘shiladi.", "Бу ҳисоб икки босқичли киришдан фойдаланади: сотувчи ва администратор панели кейинроқ қўшилади.", "Этот аккаунт использует двухэтапный вход: панели продавца и администратора появятся позже.", "This account uses two-step sign-in: the seller and admin panels come later."],
    KidsModeLater => ["Bolalar rejimi tez orada: hozircha ota-onangizdan so‘rang.", "Болалар режими тез орада: ҳозирча ота-онангиздан сўранг.", "Детский режим скоро появится: пока попросите родителя.", "Kids' mode is coming soon: for now, ask a parent."],
    Language => ["Til", "Тил", "Язык", "Language"],
    Account => ["Hisob", "Ҳисоб", "Аккаунт", "Account"],
    ErrorTitle => ["Xatolik", "Хатолик", "Ошибка", "Error"],
    NotFoundTitle => ["Topilmadi", "Топилмади", "Не найдено", "Not found"],
    CsrfFailed => ["Sahifa eskirgan. Iltimos, qaytadan urinib ko‘ring.", "Саҳифа эскирган. Илтимос, қайтадан уриниб кўринг.", "Страница устарела. Попробуйте ещё раз.", "The page has expired. Please try again."],
    GoHome => ["Bosh sahifaga qaytish", "Бош саҳифага қайтиш", "На главную", "Back to the home page"],
    ExampleQueries => ["O‘zbekcha (lotin va kirill), ruscha yoki inglizcha yozing.", "Ўзбекча (лотин ва кирилл), русча ёки инглизча ёзинг.", "Пишите по-узбекски (латиница и кириллица), по-русски или по-английски.", "Write in Uzbek (Latin or Cyrillic), Russian or English."],
    Som => ["so‘m", "сўм", "сум", "so‘m"],
    // dash: the seller and admin dashboards, two-step sign-in.
    SignInFirst => ["Avval tizimga kiring", "Аввал тизимга киринг", "Сначала войдите", "Sign in first"],
    NotYourArea => ["Bu bo‘lim sizning hisobingiz uchun emas", "Бу бўлим сизнинг ҳисобингиз учун эмас", "Этот раздел недоступен вашему аккаунту", "This area is not for your account"],
    TotpRequiredFirst => ["Avval ikki bosqichli kirishni yoqing", "Аввал икки босқичли киришни ёқинг", "Сначала включите двухэтапный вход", "Turn on two-step sign-in first"],
    AdminDashboard => ["Administrator paneli", "Администратор панели", "Панель администратора", "Admin dashboard"],
    AdminOverview => ["Umumiy ko‘rinish", "Умумий кўриниш", "Обзор", "Overview"],
    ModerationQueue => ["Moderatsiya navbati", "Модерация навбати", "Очередь модерации", "Moderation queue"],
    ReviewHeatmap => ["Sharhlar xaritasi", "Шарҳлар харитаси", "Карта отзывов", "Review heatmap"],
    NotificationAudit => ["Bildirishnomalar jurnali", "Билдиришномалар журнали", "Журнал уведомлений", "Notification audit"],
    UsersAndRoles => ["Foydalanuvchilar va rollar", "Фойдаланувчилар ва роллар", "Пользователи и роли", "Users and roles"],
    LiveStats => ["Jonli statistika", "Жонли статистика", "Статистика в реальном времени", "Live statistics"],
    LiveConnected => ["Jonli yangilanish yoqildi", "Жонли янгиланиш ёқилди", "Живое обновление включено", "Live updates on"],
    LiveLost => ["Aloqa uzildi, qayta ulanmoqda…", "Алоқа узилди, қайта уланмоқда…", "Связь потеряна, переподключение…", "Connection lost, reconnecting…"],
    LiveWithoutScript => ["Raqamlar sahifa ochilgan paytdagi holatda", "Рақамлар саҳифа очилган пайтдаги ҳолатда", "Цифры на момент открытия страницы", "Figures as of when the page opened"],
    SalesToday => ["Bugungi savdo", "Бугунги савдо", "Продажи сегодня", "Sales today"],
    OrdersToday => ["Bugungi buyurtmalar", "Бугунги буюртмалар", "Заказы сегодня", "Orders today"],
    PaidToday => ["Bugun to‘langan", "Бугун тўланган", "Оплачено сегодня", "Paid today"],
    ReviewsWeek => ["Sharhlar (7 kun)", "Шарҳлар (7 кун)", "Отзывы (7 дней)", "Reviews (7 days)"],
    LowRatingsWeek => ["Past baholar (7 kun)", "Паст баҳолар (7 кун)", "Низкие оценки (7 дней)", "Low ratings (7 days)"],
    ComplaintsWeek => ["Shikoyatlar (7 kun)", "Шикоятлар (7 кун)", "Жалобы (7 дней)", "Complaints (7 days)"],
    HeldReviews => ["Tekshiruvdagi sharhlar", "Текширувдаги шарҳлар", "Отзывы на проверке", "Reviews on hold"],
    OpenModeration => ["Navbatdagi mahsulotlar", "Навбатдаги маҳсулотлар", "Товары в очереди", "Listings in the queue"],
    TopSellers => ["Eng yaxshi sotuvchilar (30 kun)", "Энг яхши сотувчилар (30 кун)", "Лучшие продавцы (30 дней)", "Top sellers (30 days)"],
    Sales30Days => ["Savdo (30 kun)", "Савдо (30 кун)", "Продажи (30 дней)", "Sales (30 days)"],
    NothingYet => ["Hozircha hech narsa yo‘q", "Ҳозирча ҳеч нарса йўқ", "Пока ничего нет", "Nothing yet"],
    StatePending => ["Kutilmoqda", "Кутилмоқда", "Ожидает", "Pending"],
    StateAutoApproved => ["Avtomatik tasdiqlangan", "Автоматик тасдиқланган", "Одобрен автоматически", "Approved automatically"],
    StateFlagged => ["Tekshiruvga yuborilgan", "Текширувга юборилган", "На проверке", "Flagged for review"],
    StateAppealed => ["E’tiroz bildirilgan", "Эътироз билдирилган", "Обжалован", "Appealed"],
    StateApproved => ["Tasdiqlangan", "Тасдиқланган", "Одобрен", "Approved"],
    StateRejected => ["Rad etilgan", "Рад этилган", "Отклонён", "Rejected"],
    NoReasons => ["Sabablar yo‘q", "Сабаблар йўқ", "Причин нет", "No reasons"],
    QueueOpen => ["Ochiq", "Очиқ", "Открытые", "Open"],
    QueueAll => ["Hammasi", "Ҳаммаси", "Все", "All"],
    DecisionsSaved => ["Qarorlar saqlandi", "Қарорлар сақланди", "Решения сохранены", "Decisions saved"],
    DecisionsFailed => ["bajarilmadi", "бажарилмади", "не выполнено", "not applied"],
    ItemsInQueue => ["ta element", "та элемент", "элементов", "items"],
    QueueEmpty => ["Navbat bo‘sh", "Навбат бўш", "Очередь пуста", "The queue is empty"],
    BulkDecision => ["Tanlanganlar uchun qaror", "Танланганлар учун қарор", "Решение для выбранных", "Decide the selected items"],
    BulkHint => ["Quyida belgilang, so‘ng hammasini birga tasdiqlang yoki rad eting.", "Қуйида белгиланг, сўнг ҳаммасини бирга тасдиқланг ёки рад этинг.", "Отметьте товары ниже и одобрите или отклоните их вместе.", "Tick items below, then approve or reject them together."],
    DecisionReason => ["Qaror sababi (ixtiyoriy)", "Қарор сабаби (ихтиёрий)", "Причина решения (необязательно)", "Reason for the decision (optional)"],
    ApproveSelected => ["Tanlanganlarni tasdiqlash", "Танланганларни тасдиқлаш", "Одобрить выбранные", "Approve selected"],
    RejectSelected => ["Tanlanganlarni rad etish", "Танланганларни рад этиш", "Отклонить выбранные", "Reject selected"],
    Select => ["Tanlash", "Танлаш", "Выбрать", "Select"],
    AiScore => ["Sun’iy intellekt bahosi", "Сунъий интеллект баҳоси", "Оценка ИИ", "AI score"],
    Approve => ["Tasdiqlash", "Тасдиқлаш", "Одобрить", "Approve"],
    Reject => ["Rad etish", "Рад этиш", "Отклонить", "Reject"],
    ApprovedInDashboard => ["Moderator tasdiqladi", "Модератор тасдиқлади", "Одобрено модератором", "Approved by a moderator"],
    RejectedInDashboard => ["Moderator rad etdi", "Модератор рад этди", "Отклонено модератором", "Rejected by a moderator"],
    NothingSelected => ["Hech narsa tanlanmadi", "Ҳеч нарса танланмади", "Ничего не выбрано", "Nothing was selected"],
    HeatmapHint => ["Har bir katakda: sharhlar soni va qavs ichida 1–2 yulduzli baholar. Rang past baholar ulushini ko‘rsatadi.", "Ҳар бир катакда: шарҳлар сони ва қавс ичида 1–2 юлдузли баҳолар. Ранг паст баҳолар улушини кўрсатади.", "В каждой ячейке: число отзывов и в скобках оценки 1–2 звезды. Цвет показывает долю низких оценок.", "Each cell: the number of reviews and, in brackets, those rated 1–2 stars. The shade shows the share of low ratings."],
    Legend => ["Shartli belgilar", "Шартли белгилар", "Условные обозначения", "Legend"],
    LowShare => ["Past baholar ulushi", "Паст баҳолар улуши", "Доля низких оценок", "Share of low ratings"],
    NoReviewsYet => ["So‘nggi haftalarda sharhlar yo‘q", "Сўнгги ҳафталарда шарҳлар йўқ", "За последние недели отзывов нет", "No reviews in the last weeks"],
    HeatmapCaption => ["Sharhlar va past baholar: bo‘lim va hafta bo‘yicha", "Шарҳлар ва паст баҳолар: бўлим ва ҳафта бўйича", "Отзывы и низкие оценки по категориям и неделям", "Reviews and low ratings by category and week"],
    LowShort => ["past", "паст", "низких", "low"],
    Any => ["Har qanday", "Ҳар қандай", "Любой", "Any"],
    Channel => ["Kanal", "Канал", "Канал", "Channel"],
    EventKind => ["Hodisa", "Ҳодиса", "Событие", "Event"],
    UserId => ["Foydalanuvchi", "Фойдаланувчи", "Пользователь", "User"],
    Recipient => ["Qabul qiluvchi", "Қабул қилувчи", "Получатель", "Recipient"],
    Attempts => ["Urinishlar", "Уринишлар", "Попытки", "Attempts"],
    LastError => ["Oxirgi xato", "Охирги хато", "Последняя ошибка", "Last error"],
    RoleChild => ["Bola", "Бола", "Ребёнок", "Child"],
    RoleParent => ["Ota-ona", "Ота-она", "Родитель", "Parent"],
    RoleSeller => ["Sotuvchi", "Сотувчи", "Продавец", "Seller"],
    RoleModerator => ["Moderator", "Модератор", "Модератор", "Moderator"],
    RoleAdmin => ["Administrator", "Администратор", "Администратор", "Admin"],
    RoleChanged => ["Rol o‘zgartirildi", "Рол ўзгартирилди", "Роль изменена", "Role changed"],
    Role => ["Rol", "Рол", "Роль", "Role"],
    TwoStep => ["Ikki bosqichli kirish", "Икки босқичли кириш", "Двухэтапный вход", "Two-step sign-in"],
    ChangeRole => ["Rolni o‘zgartirish", "Ролни ўзгартириш", "Изменить роль", "Change role"],
    Shop => ["do‘kon", "дўкон", "магазин", "shop"],
    On => ["Yoqilgan", "Ёқилган", "Включён", "On"],
    Off => ["O‘chirilgan", "Ўчирилган", "Выключен", "Off"],
    You => ["Siz", "Сиз", "Вы", "You"],
    Save => ["Saqlash", "Сақлаш", "Сохранить", "Save"],
    RoleChangesLog => ["Rol o‘zgarishlari jurnali", "Рол ўзгаришлари журнали", "Журнал смены ролей", "Role changes (audit)"],
    ByAdmin => ["administrator", "администратор", "администратор", "by admin"],
    LangUzLatn => ["O‘zbekcha (lotin)", "Ўзбекча (лотин)", "Узбекский (латиница)", "Uzbek (Latin)"],
    LangUzCyrl => ["O‘zbekcha (kirill)", "Ўзбекча (кирилл)", "Узбекский (кириллица)", "Uzbek (Cyrillic)"],
    LangRu => ["Ruscha", "Русча", "Русский", "Russian"],
    LangEn => ["Inglizcha", "Инглизча", "Английский", "English"],
    SalesOverTime => ["Kunlik savdo", "Кунлик савдо", "Продажи по дням", "Sales over time"],
    ShowAsTable => ["Jadval ko‘rinishida", "Жадвал кўринишида", "Показать таблицей", "Show as a table"],
    Sales => ["Savdo", "Савдо", "Продажи", "Sales"],
    SellerDashboard => ["Sotuvchi paneli", "Сотувчи панели", "Панель продавца", "Seller dashboard"],
    Products => ["Mahsulotlar", "Маҳсулотлар", "Товары", "Products"],
    OrdersToFulfil => ["Bajariladigan buyurtmalar", "Бажариладиган буюртмалар", "Заказы к выполнению", "Orders to fulfil"],
    SalesAnalytics => ["Savdo tahlili", "Савдо таҳлили", "Аналитика продаж", "Sales analytics"],
    NewProduct => ["Yangi mahsulot", "Янги маҳсулот", "Новый товар", "New product"],
    NoProductsYet => ["Hali mahsulotlar yo‘q", "Ҳали маҳсулотлар йўқ", "Товаров пока нет", "No products yet"],
    Stock => ["Qoldiq", "Қолдиқ", "Остаток", "Stock"],
    WhyHeld => ["Nega tekshiruvda?", "Нега текширувда?", "Почему на проверке?", "Why is it held?"],
    ModeratorSaid => ["Moderator izohi", "Модератор изоҳи", "Комментарий модератора", "Moderator's note"],
    NothingToFulfil => ["Bajariladigan buyurtmalar yo‘q", "Бажариладиган буюртмалар йўқ", "Нет заказов к выполнению", "Nothing to fulfil"],
    MarkProcessing => ["Tayyorlanmoqda deb belgilash", "Тайёрланмоқда деб белгилаш", "Отметить: собирается", "Mark processing"],
    MarkShipped => ["Jo‘natildi deb belgilash", "Жўнатилди деб белгилаш", "Отметить: отправлен", "Mark shipped"],
    MarkDelivered => ["Yetkazildi deb belgilash", "Етказилди деб белгилаш", "Отметить: доставлен", "Mark delivered"],
    Shipment => ["Jo‘natma", "Жўнатма", "Отправление", "Shipment"],
    TrackingCode => ["Kuzatuv kodi", "Кузатув коди", "Трек-номер", "Tracking code"],
    NetAfterCommission => ["Komissiyadan keyin", "Комиссиядан кейин", "После комиссии", "Net of commission"],
    UnitsSold => ["Sotilgan dona", "Сотилган дона", "Продано штук", "Units sold"],
    AverageRating => ["O‘rtacha baho", "Ўртача баҳо", "Средняя оценка", "Average rating"],
    TopProducts => ["Eng ko‘p sotilganlar", "Энг кўп сотилганлар", "Лидеры продаж", "Top products"],
    Ratings => ["Baholar", "Баҳолар", "Оценки", "Ratings"],
    ProductTitle => ["Nomi", "Номи", "Название", "Title"],
    AtLeastOneLanguage => ["Kamida bitta tilda yozing", "Камида битта тилда ёзинг", "Заполните хотя бы один язык", "Fill in at least one language"],
    AgeFromMonths => ["Yoshi, dan (oy)", "Ёши, дан (ой)", "Возраст от (мес.)", "Age from (months)"],
    AgeToMonths => ["Yoshi, gacha (oy)", "Ёши, гача (ой)", "Возраст до (мес.)", "Age to (months)"],
    Variant => ["Variant", "Вариант", "Вариант", "Variant"],
    Sku => ["Artikul", "Артикул", "Артикул", "SKU"],
    PriceSom => ["Narx (so‘m)", "Нарх (сўм)", "Цена (сум)", "Price (so‘m)"],
    ScreenedOnSave => ["Saqlanganda mahsulot avtomatik tekshiriladi; shubhali bo‘lsa, moderatorga yuboriladi.", "Сақланганда маҳсулот автоматик текширилади; шубҳали бўлса, модераторга юборилади.", "При сохранении товар проверяется автоматически; сомнительный уходит модератору.", "Saving screens the listing automatically; a doubtful one goes to a moderator."],
    SaveAndSubmit => ["Saqlash va yuborish", "Сақлаш ва юбориш", "Сохранить и отправить", "Save and submit"],
    EditProduct => ["Mahsulotni tahrirlash", "Маҳсулотни таҳрирлаш", "Редактирование товара", "Edit product"],
    SavedAndScreened => ["Saqlandi va tekshirildi", "Сақланди ва текширилди", "Сохранено и проверено", "Saved and screened"],
    ModerationStatus => ["Moderatsiya holati", "Модерация ҳолати", "Статус модерации", "Moderation status"],
    ChoosePhoto => ["Rasm tanlang (JPEG, PNG, WebP, GIF)", "Расм танланг", "Выберите фото", "Choose a photo (JPEG, PNG, WebP, GIF)"],
    Upload => ["Yuklash", "Юклаш", "Загрузить", "Upload"],
    UploadNeedsScript => ["Rasm yuklash uchun brauzerda JavaScript yoqilgan bo‘lishi kerak.", "Расм юклаш учун браузерда скриптлар ёқилган бўлиши керак.", "Для загрузки фото нужны включённые скрипты.", "Uploading photos needs JavaScript."],
    TwoStepSignIn => ["Ikki bosqichli kirish", "Икки босқичли кириш", "Двухэтапный вход", "Two-step sign-in"],
    EnterAppCode => ["Autentifikator ilovasidagi kodni yoki tiklash kodini kiriting.", "Аутентификатор иловасидаги кодни ёки тиклаш кодини киритинг.", "Введите код из приложения-аутентификатора или код восстановления.", "Enter the code from your authenticator app, or a recovery code."],
    SixDigitCode => ["Kod", "Код", "Код", "Code"],
    StartAgain => ["Qaytadan boshlash", "Қайтадан бошлаш", "Начать заново", "Start again"],
    TotpAlreadyOn => ["Ikki bosqichli kirish allaqachon yoqilgan", "Икки босқичли кириш аллақачон ёқилган", "Двухэтапный вход уже включён", "Two-step sign-in is already on"],
    Continue => ["Davom etish", "Давом этиш", "Продолжить", "Continue"],
    TurnOnTwoStep => ["Ikki bosqichli kirishni yoqing", "Икки босқичли киришни ёқинг", "Включите двухэтапный вход", "Turn on two-step sign-in"],
    TwoStepWhy => ["Sotuvchilar, moderatorlar va administratorlar uchun majburiy.", "Сотувчилар, модераторлар ва администраторлар учун мажбурий.", "Обязательно для продавцов, модераторов и администраторов.", "Required for sellers, moderators and admins."],
    AddToAuthenticator => ["Bu kalitni autentifikator ilovasiga qo‘shing:", "Бу калитни аутентификатор иловасига қўшинг:", "Добавьте этот ключ в приложение-аутентификатор:", "Add this key to your authenticator app:"],
    OpenInAuthenticator => ["Ilovada ochish", "Иловада очиш", "Открыть в приложении", "Open in the app"],
    TotpNowOn => ["Ikki bosqichli kirish yoqildi", "Икки босқичли кириш ёқилди", "Двухэтапный вход включён", "Two-step sign-in is on"],
    RecoveryCodes => ["Tiklash kodlari", "Тиклаш кодлари", "Коды восстановления", "Recovery codes"],
    RecoveryCodesHint => ["Ularni xavfsiz joyda saqlang: har biri bir marta ishlaydi va boshqa ko‘rsatilmaydi.", "Уларни хавфсиз жойда сақланг: ҳар бири бир марта ишлайди ва бошқа кўрсатилмайди.", "Сохраните их в надёжном месте: каждый работает один раз и больше не будет показан.", "Keep them somewhere safe: each works once and they are not shown again."],
    // kids: kids' mode, the parent panel, the PWA and the shopper's lists.
    KidsMode => ["Bolalar rejimi", "Болалар режими", "Детский режим", "Kids' mode"],
    KidsPickProfile => ["Kim o‘ynaydi? Profilni tanlang", "Ким ўйнайди? Профилни танланг", "Кто будет играть? Выберите профиль", "Who is playing? Pick a profile"],
    KidsNoChildren => ["Hali faol bola profili yo‘q.", "Ҳали фаол бола профили йўқ.", "Активных профилей детей пока нет.", "There is no active child profile yet."],
    KidsNeedPin => ["Avval PIN-kod o‘rnating: bolalar rejimidan faqat u bilan chiqiladi.", "Аввал ПИН-код ўрнатинг: болалар режимидан фақат у билан чиқилади.", "Сначала задайте ПИН-код: выйти из детского режима можно только с ним.", "Set a PIN first: kids' mode is left only with it."],
    StartKidsMode => ["Bolalar rejimini boshlash", "Болалар режимини бошлаш", "Включить детский режим", "Start kids' mode"],
    KidsHello => ["Salom", "Салом", "Привет", "Hello"],
    KidsWhatToFind => ["Nima qidiramiz?", "Нима қидирамиз?", "Что поищем?", "What shall we find?"],
    KidsPicks => ["Sen uchun", "Сен учун", "Для тебя", "For you"],
    KidsAskParent => ["Ota-onamdan so‘rash", "Ота-онамдан сўраш", "Попросить родителя", "Ask a parent"],
    KidsAsked => ["So‘radik!", "Сўрадик!", "Мы попросили!", "We asked!"],
    KidsWaiting => ["Ota-onang javob berishini kut.", "Ота-онанг жавоб беришини кут.", "Подожди ответа родителя.", "Wait for your parent's answer."],
    KidsParentSees => ["Ota-onang buni ko‘radi.", "Ота-онанг буни кўради.", "Родитель это увидит.", "Your parent will see it."],
    KidsAskFailed => ["Buni hozir so‘rab bo‘lmaydi.", "Буни ҳозир сўраб бўлмайди.", "Сейчас это попросить нельзя.", "You can't ask for this right now."],
    KidsLimitReached => ["Bugungi xarid limiti tugadi.", "Бугунги харид лимити тугади.", "Лимит покупок на сегодня исчерпан.", "Today's spending limit is used up."],
    KidsBack => ["Orqaga", "Орқага", "Назад", "Back"],
    KidsLeave => ["Ota-onaga qaytarish", "Ота-онага қайтариш", "Вернуть родителю", "Give back to a parent"],
    KidsLeaveTitle => ["Bolalar rejimidan chiqish", "Болалар режимидан чиқиш", "Выход из детского режима", "Leave kids' mode"],
    ParentPin => ["Ota-ona PIN-kodi", "Ота-она ПИН-коди", "ПИН-код родителя", "Parent PIN"],
    WrongPin => ["PIN-kod noto‘g‘ri.", "ПИН-код нотўғри.", "Неверный ПИН-код.", "Wrong PIN."],
    PinLocked => ["PIN-kod bloklandi: uni parol bilan qaytadan o‘rnating.", "ПИН-код блокланди: уни парол билан қайтадан ўрнатинг.", "ПИН-код заблокирован: задайте его заново с паролем.", "The PIN is locked: set it again with your password."],
    KidsBedtimeTitle => ["Uxlash vaqti!", "Ухлаш вақти!", "Пора спать!", "Bedtime!"],
    KidsBedtimeText => ["Hozir dam olish vaqti. Ertalab ko‘rishamiz!", "Ҳозир дам олиш вақти. Эрталаб кўришамиз!", "Сейчас время отдыхать. Увидимся утром!", "It's time to rest now. See you in the morning!"],
    KidsTimeUpTitle => ["Bugungi vaqt tugadi!", "Бугунги вақт тугади!", "Время на сегодня вышло!", "Time's up for today!"],
    KidsTimeUpText => ["Ajoyib kun bo‘ldi! Ertaga yana kel.", "Ажойиб кун бўлди! Эртага яна кел.", "Отличный был день! Приходи завтра.", "What a great day! Come back tomorrow."],
    KidsParentUnlock => ["Ota-ona uchun: PIN-kod bilan chiqish", "Ота-она учун: ПИН-код билан чиқиш", "Для родителя: выйти с ПИН-кодом", "For a parent: leave with the PIN"],
    KidsSearchOff => ["Qidiruv o‘chirilgan. Bo‘limni tanla!", "Қидирув ўчирилган. Бўлимни танла!", "Поиск выключен. Выбери раздел!", "Search is turned off. Pick a section!"],
    KidsBlockedQuery => ["Bu haqida ota-onangdan so‘ra. Mana bu bo‘limlarni ko‘r:", "Бу ҳақида ота-онангдан сўра. Мана бу бўлимларни кўр:", "Об этом спроси родителя. Посмотри эти разделы:", "Ask a parent about that. Look at these sections:"],
    KidsNothing => ["Hech narsa topilmadi. Boshqa so‘z bilan urinib ko‘r!", "Ҳеч нарса топилмади. Бошқа сўз билан уриниб кўр!", "Ничего не нашлось. Попробуй другое слово!", "Nothing here. Try another word!"],
    ParentOnly => ["Bu sahifa ota-onalar uchun.", "Бу саҳифа ота-оналар учун.", "Эта страница для родителей.", "This page is for parents."],
    ParentPanel => ["Ota-ona paneli", "Ота-она панели", "Родительская панель", "Parent panel"],
    Children => ["Bolalar", "Болалар", "Дети", "Children"],
    NoChildren => ["Hali bola profillari yo‘q.", "Ҳали бола профиллари йўқ.", "Профилей детей пока нет.", "No child profiles yet."],
    ChildStatusPending => ["Rozilik kutilmoqda", "Розилик кутилмоқда", "Ждёт согласия", "Awaiting consent"],
    ConsentRecorded => ["Rozilik qayd etilgan", "Розилик қайд этилган", "Согласие получено", "Consent recorded"],
    AddChild => ["Bola profilini qo‘shish", "Бола профилини қўшиш", "Добавить профиль ребёнка", "Add a child's profile"],
    AddChildHint => ["Faqat taxallus, yosh va rasm: to‘liq ism yoki surat so‘ralmaydi.", "Фақат тахаллус, ёш ва расм: тўлиқ исм ёки сурат сўралмайди.", "Только никнейм, возраст и картинка: ни полного имени, ни фото.", "Only a nickname, an age and a picture: no full name and no photo."],
    ChildNickname => ["Taxallus (1–32 belgi)", "Тахаллус (1–32 белги)", "Никнейм (1–32 символа)", "Nickname (1 to 32 characters)"],
    AgeBandYears => ["Yosh oralig‘i (yil)", "Ёш оралиғи (йил)", "Возрастная группа (лет)", "Age band (years)"],
    BirthMonthInstead => ["Yoki tug‘ilgan oy (masalan, 2019-05)", "Ёки туғилган ой (масалан, 2019-05)", "Или месяц рождения (например, 2019-05)", "Or the birth month (e.g. 2019-05)"],
    AgeOneOfHint => ["Bittasini tanlang: yosh oralig‘i yoki tug‘ilgan oy.", "Биттасини танланг: ёш оралиғи ёки туғилган ой.", "Укажите одно: возрастную группу или месяц рождения.", "Give one of them: the age band or the birth month."],
    ChildPicture => ["Rasm", "Расм", "Картинка", "Picture"],
    ChildAdded => ["Bola profili qo‘shildi. U rozilik qayd etilgach faollashadi.", "Бола профили қўшилди. У розилик қайд этилгач фаоллашади.", "Профиль ребёнка добавлен. Он станет активным после согласия.", "The child's profile was added. It becomes active once consent is recorded."],
    ChildNicknameInvalid => ["Taxallus 1 dan 32 belgigacha bo‘lsin.", "Тахаллус 1 дан 32 белгигача бўлсин.", "Никнейм должен быть от 1 до 32 символов.", "The nickname must have 1 to 32 characters."],
    ChildAgeInvalid => ["Yosh oralig‘ini yoki tug‘ilgan oyni tanlang (faqat bittasini).", "Ёш оралиғини ёки туғилган ойни танланг (фақат биттасини).", "Выберите возрастную группу или месяц рождения (что-то одно).", "Choose the age band or the birth month (only one of them)."],
    ChildBirthMonthInvalid => ["Tug‘ilgan oy so‘nggi 18 yil ichida bo‘lsin, masalan 2019-05.", "Туғилган ой сўнгги 18 йил ичида бўлсин, масалан 2019-05.", "Месяц рождения — за последние 18 лет, например 2019-05.", "The birth month must be within the last 18 years, e.g. 2019-05."],
    ChildPictureInvalid => ["Ro‘yxatdagi rasmlardan birini tanlang.", "Рўйхатдаги расмлардан бирини танланг.", "Выберите одну из предложенных картинок.", "Choose one of the pictures offered."],
    ConsentHeading => ["Ota-ona roziligi", "Ота-она розилиги", "Согласие родителя", "Parental consent"],
    ConsentIntro => ["Rozilik berilmaguncha profil o‘chiq turadi va bolalar rejimida ko‘rinmaydi.", "Розилик берилмагунча профил ўчиқ туради ва болалар режимида кўринмайди.", "Пока вы не дали согласие, профиль выключен и не виден в детском режиме.", "Until you agree, the profile stays off and does not appear in kids' mode."],
    ConsentWhat => ["Siz Bolajon bolangizning taxallusi, yoshi va rasmini, qidiruvlarini va sizdan so‘ragan xaridlarini saqlashiga rozilik berasiz: faqat uning yoshiga mos narsalarni ko‘rsatish va bularni shu yerda sizga ko‘rsatish uchun. Bu ma’lumotlarni istalgan vaqtda yuklab olishingiz yoki o‘chirishingiz mumkin.", "Сиз Болажон болангизнинг тахаллуси, ёши ва расмини, қидирувларини ва сиздан сўраган харидларини сақлашига розилик берасиз: фақат унинг ёшига мос нарсаларни кўрсатиш ва буларни шу ерда сизга кўрсатиш учун. Бу маълумотларни исталган вақтда юклаб олишингиз ёки ўчиришингиз мумкин.", "Вы соглашаетесь, что Болажон хранит никнейм, возраст и картинку ребёнка, его поиски и просьбы о покупках: чтобы показывать только то, что подходит по возрасту, и чтобы вы видели это здесь. Скачать или удалить эти данные можно в любой момент.", "You agree that Bolajon keeps your child's nickname, age and picture, their searches and what they ask you to buy: to show only what suits their age, and to show it to you here. You can download or delete this data at any time."],
    ConsentNoticeVersion => ["Maxfiylik siyosati, versiya", "Махфийлик сиёсати, версия", "Политика конфиденциальности, версия", "Privacy notice, version"],
    ConsentMethod => ["Rozilik qanday tasdiqlanadi", "Розилик қандай тасдиқланади", "Как подтверждается согласие", "How your consent is verified"],
    ConsentSignedForm => ["Imzolangan rozilik varaqasi", "Имзоланган розилик варақаси", "Подписанная форма согласия", "A signed consent form"],
    ConsentIdDocument => ["Shaxsni tasdiqlovchi hujjat (pasport yoki ID‑karta)", "Шахсни тасдиқловчи ҳужжат (паспорт ёки идентификация картаси)", "Документ, удостоверяющий личность (паспорт или идентификационная карта)", "An identity document (passport or ID card)"],
    ConsentPasswordHint => ["Parolingiz: qurilmani ushlab turgan bola siz uchun rozilik bera olmasin.", "Паролингиз: қурилмани ушлаб турган бола сиз учун розилик бера олмасин.", "Ваш пароль: чтобы ребёнок с устройством в руках не мог согласиться за вас.", "Your password, so that a child holding the device cannot agree for you."],
    ConsentSubmit => ["Roziman: profilni yoqish", "Розиман: профилни ёқиш", "Согласен: включить профиль", "I agree: turn the profile on"],
    ConsentGiven => ["Rozilik qayd etildi: profil yoqildi va bolalar rejimida ko‘rinadi.", "Розилик қайд этилди: профил ёқилди ва болалар режимида кўринади.", "Согласие записано: профиль включён и виден в детском режиме.", "Consent recorded: the profile is on and appears in kids' mode."],
    ConsentMethodInvalid => ["Ro‘yxatdagi usullardan birini tanlang.", "Рўйхатдаги усуллардан бирини танланг.", "Выберите один из предложенных способов.", "Choose one of the ways listed."],
    ConsentNoticeOutdated => ["Maxfiylik siyosati yangilandi: uni qayta o‘qib, tasdiqlang.", "Махфийлик сиёсати янгиланди: уни қайта ўқиб, тасдиқланг.", "Политика конфиденциальности обновилась: прочитайте её снова и подтвердите.", "The privacy notice has changed: read it again and confirm."],
    ConsentAlreadyRecorded => ["Bu bola uchun rozilik allaqachon qayd etilgan.", "Бу бола учун розилик аллақачон қайд этилган.", "Согласие для этого ребёнка уже записано.", "Consent for this child is already recorded."],
    WrongPassword => ["Parol noto‘g‘ri.", "Парол нотўғри.", "Неверный пароль.", "The password is wrong."],
    TooManyAttempts => ["Urinishlar juda ko‘p: bir necha daqiqadan so‘ng qayta urinib ko‘ring.", "Уринишлар жуда кўп: бир неча дақиқадан сўнг қайта уриниб кўринг.", "Слишком много попыток: попробуйте через несколько минут.", "Too many attempts: try again in a few minutes."],
    AvatarBear => ["Ayiq", "Айиқ", "Медведь", "Bear"],
    AvatarCat => ["Mushuk", "Мушук", "Кошка", "Cat"],
    AvatarDog => ["Kuchuk", "Кучук", "Собака", "Dog"],
    AvatarFox => ["Tulki", "Тулки", "Лиса", "Fox"],
    AvatarLion => ["Sher", "Шер", "Лев", "Lion"],
    AvatarOwl => ["Boyo‘g‘li", "Бойўғли", "Сова", "Owl"],
    AvatarPanda => ["Panda", "Панда", "Панда", "Panda"],
    AvatarRabbit => ["Quyon", "Қуён", "Кролик", "Rabbit"],
    AvatarTiger => ["Yo‘lbars", "Йўлбарс", "Тигр", "Tiger"],
    AvatarTurtle => ["Toshbaqa", "Тошбақа", "Черепаха", "Turtle"],
    Settings => ["Sozlamalar", "Созламалар", "Настройки", "Settings"],
    DailyLimit => ["Kunlik limit (so‘m, bo‘sh — cheklovsiz)", "Кунлик лимит (сўм, бўш — чекловсиз)", "Лимит в день (сум, пусто — без лимита)", "Daily limit (so‘m, empty: none)"],
    MonthlyLimit => ["Oylik limit (so‘m, bo‘sh — cheklovsiz)", "Ойлик лимит (сўм, бўш — чекловсиз)", "Лимит в месяц (сум, пусто — без лимита)", "Monthly limit (so‘m, empty: none)"],
    ApprovalModeLabel => ["Qachon ruxsat so‘ralsin", "Қачон рухсат сўралсин", "Когда спрашивать разрешение", "When to ask me"],
    ApprovalEvery => ["Har bir xaridda", "Ҳар бир харидда", "При каждой покупке", "Every purchase"],
    ApprovalAbove => ["Summadan oshsa", "Суммадан ошса", "Если дороже суммы", "Above an amount"],
    ApprovalAboveAmount => ["Summa (so‘m)", "Сумма (сўм)", "Сумма (сум)", "Amount (so‘m)"],
    ApprovalCategories => ["Tanlangan bo‘limlarda", "Танланган бўлимларда", "В выбранных категориях", "In selected categories"],
    ApprovalNone => ["Hech qachon", "Ҳеч қачон", "Никогда", "Never"],
    ApprovalCategoryList => ["Ruxsat so‘raladigan bo‘limlar", "Рухсат сўраладиган бўлимлар", "Категории, где нужно разрешение", "Categories that need my approval"],
    BlockedCategories => ["Taqiqlangan bo‘limlar", "Тақиқланган бўлимлар", "Запрещённые категории", "Blocked categories"],
    SearchModeLabel => ["Qidiruv rejimi", "Қидирув режими", "Режим поиска", "Search mode"],
    SearchOff => ["O‘chiq", "Ўчиқ", "Выключен", "Off"],
    SearchSafe => ["Xavfsiz", "Хавфсиз", "Безопасный", "Safe"],
    SearchApprovedOnly => ["Faqat ruxsat etilganlar", "Фақат рухсат этилганлар", "Только одобренное", "Approved items only"],
    ApprovedProducts => ["Ruxsat etilgan mahsulotlar (raqamlari, vergul bilan)", "Рухсат этилган маҳсулотлар (рақамлари, вергул билан)", "Одобренные товары (номера через запятую)", "Approved products (ids, comma-separated)"],
    ScreenTimeLabel => ["Ekran vaqti", "Экран вақти", "Экранное время", "Screen time"],
    ScreenMinutes => ["Kuniga daqiqa (bo‘sh — cheklovsiz)", "Кунига дақиқа (бўш — чекловсиз)", "Минут в день (пусто — без лимита)", "Minutes a day (empty: no limit)"],
    AllowedFrom => ["Ruxsat etilgan vaqt: dan", "Рухсат этилган вақт: дан", "Разрешено с", "Allowed from"],
    AllowedUntil => ["Ruxsat etilgan vaqt: gacha", "Рухсат этилган вақт: гача", "Разрешено до", "Allowed until"],
    Saved => ["Saqlandi", "Сақланди", "Сохранено", "Saved"],
    PurchaseRequests => ["Xarid so‘rovlari", "Харид сўровлари", "Запросы на покупку", "Purchase requests"],
    NoRequests => ["So‘rovlar yo‘q", "Сўровлар йўқ", "Запросов нет", "No requests"],
    ApproveRequest => ["Ruxsat berish", "Рухсат бериш", "Одобрить", "Approve"],
    Decline => ["Rad etish", "Рад этиш", "Отклонить", "Decline"],
    RequestPending => ["Javob kutmoqda", "Жавоб кутмоқда", "Ждёт ответа", "Waiting"],
    RequestApproved => ["Ruxsat berildi", "Рухсат берилди", "Одобрено", "Approved"],
    RequestDeclined => ["Rad etildi", "Рад этилди", "Отклонено", "Declined"],
    Activity => ["Faollik", "Фаоллик", "Активность", "Activity"],
    Searches => ["Qidiruvlar", "Қидирувлар", "Поиски", "Searches"],
    BlockedSearches => ["To‘xtatilgan qidiruvlar", "Тўхтатилган қидирувлар", "Заблокированные поиски", "Blocked searches"],
    NoSearches => ["Hali yo‘q", "Ҳали йўқ", "Пока нет", "None yet"],
    SpentToday => ["Bugun sarflandi", "Бугун сарфланди", "Потрачено сегодня", "Spent today"],
    SpentMonth => ["Shu oy sarflandi", "Шу ой сарфланди", "Потрачено за месяц", "Spent this month"],
    ScreenToday => ["Bugungi ekran vaqti", "Бугунги экран вақти", "Экранное время сегодня", "Screen time today"],
    Minutes => ["daqiqa", "дақиқа", "мин", "min"],
    NoLimit => ["cheklovsiz", "чекловсиз", "без лимита", "no limit"],
    Pin => ["PIN-kod", "ПИН-код", "ПИН-код", "PIN"],
    SetPin => ["PIN-kodni o‘rnatish", "ПИН-кодни ўрнатиш", "Задать ПИН-код", "Set the PIN"],
    PinHint => ["4–8 ta raqam, ketma-ket emas", "4–8 та рақам, кетма-кет эмас", "4–8 цифр, не подряд", "4 to 8 digits, not in sequence"],
    PinSaved => ["PIN-kod o‘rnatilgan", "ПИН-код ўрнатилган", "ПИН-код задан", "The PIN is set"],
    CurrentPassword => ["Joriy parol", "Жорий парол", "Текущий пароль", "Current password"],
    Privacy => ["Maxfiylik", "Махфийлик", "Конфиденциальность", "Privacy"],
    ExportData => ["Ma’lumotlarimni yuklab olish", "Маълумотларимни юклаб олиш", "Скачать мои данные", "Download my data"],
    DeleteChild => ["Bola profilini o‘chirish", "Бола профилини ўчириш", "Удалить профиль ребёнка", "Delete the child's profile"],
    DeleteAccount => ["Hisobni o‘chirish", "Ҳисобни ўчириш", "Удалить аккаунт", "Delete my account"],
    DeleteWarning => ["Buni qaytarib bo‘lmaydi. Buyurtmalar anonim holda saqlanadi.", "Буни қайтариб бўлмайди. Буюртмалар аноним ҳолда сақланади.", "Это необратимо. Заказы останутся обезличенными.", "This cannot be undone. Orders are kept anonymised."],
    Deleted => ["O‘chirildi", "Ўчирилди", "Удалено", "Deleted"],
    Wishlist => ["Istaklar", "Истаклар", "Избранное", "Wishlist"],
    WishlistEmpty => ["Istaklar ro‘yxati bo‘sh", "Истаклар рўйхати бўш", "В избранном пусто", "Your wishlist is empty"],
    AddToWishlist => ["Istaklarga qo‘shish", "Истакларга қўшиш", "В избранное", "Add to wishlist"],
    WishlistQueued => ["Internet yo‘q: qayta ulanganda qo‘shiladi", "Интернет йўқ: қайта уланганда қўшилади", "Нет сети: добавим, когда связь вернётся", "Offline: it will be added when you are back online"],
    Compare => ["Taqqoslash", "Таққослаш", "Сравнение", "Compare"],
    CompareHint => ["2–4 ta mahsulotni tanlang", "2–4 та маҳсулотни танланг", "Выберите 2–4 товара", "Choose 2 to 4 products"],
    CompareSelected => ["Tanlanganlarni taqqoslash", "Танланганларни таққослаш", "Сравнить выбранные", "Compare the chosen ones"],
    RecentlyViewed => ["Yaqinda ko‘rilganlar", "Яқинда кўрилганлар", "Вы недавно смотрели", "Recently viewed"],
    NothingViewed => ["Hali hech narsa ko‘rilmagan", "Ҳали ҳеч нарса кўрилмаган", "Вы ещё ничего не смотрели", "Nothing viewed yet"],
    Attribute => ["Xususiyat", "Хусусият", "Характеристика", "Attribute"],
    Age => ["Yosh", "Ёш", "Возраст", "Age"],
    Rating => ["Reyting", "Рейтинг", "Рейтинг", "Rating"],
    OfflineTitle => ["Internet yo‘q", "Интернет йўқ", "Нет подключения", "You are offline"],
    OfflineText => ["Bu sahifa hali saqlanmagan. Ilgari ochilgan sahifalar va yaqinda ko‘rilgan mahsulotlar internetsiz ham ochiladi.", "Бу саҳифа ҳали сақланмаган. Илгари очилган саҳифалар ва яқинда кўрилган маҳсулотлар интернетсиз ҳам очилади.", "Эта страница ещё не сохранена. Открытые ранее страницы и недавно просмотренные товары доступны без сети.", "This page is not saved yet. Pages you opened before and recently viewed products open without a connection."],
    InstallApp => ["Ilovani o‘rnatish", "Иловани ўрнатиш", "Установить приложение", "Install the app"],
    EnablePush => ["Bildirishnomalarni yoqish", "Билдиришномаларни ёқиш", "Включить уведомления", "Turn on notifications"],
    PushOn => ["Bildirishnomalar yoqildi", "Билдиришномалар ёқилди", "Уведомления включены", "Notifications are on"],
    PushFailed => ["Bildirishnomalarni yoqib bo‘lmadi", "Билдиришномаларни ёқиб бўлмади", "Не удалось включить уведомления", "Notifications could not be turned on"],
    PasskeySignIn => ["Kirish kaliti bilan kirish", "Кириш калити билан кириш", "Войти с ключом доступа", "Sign in with a passkey"],
    PasskeyFailed => ["Kirish kaliti bilan kirib bo‘lmadi", "Кириш калити билан кириб бўлмади", "Не удалось войти с ключом доступа", "Passkey sign-in failed"],
    MoreLinks => ["Boshqa sahifalar", "Бошқа саҳифалар", "Другие страницы", "More pages"],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cyrillic(text: &str) -> bool {
        text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
    }

    fn has_latin_letter(text: &str) -> bool {
        text.chars().any(|c| c.is_ascii_alphabetic())
    }

    /// Words that stay in Latin script in every language (brands, acronyms).
    const KEPT_LATIN: [&str; 6] = ["Payme", "Click", "Uzcard", "Humo", "CVC", "Email"];

    fn without_kept_latin(text: &str) -> String {
        let mut text = text.replace("3-D Secure", "").replace("SMS", "");
        for word in KEPT_LATIN {
            text = text.replace(word, "");
        }
        text
    }

    #[test]
    fn every_key_has_all_four_languages_in_their_scripts() {
        for key in T::ALL {
            let [uz, cyrl, ru, en] = key.entries();
            for (lang, text) in [("uz", uz), ("uz-Cyrl", cyrl), ("ru", ru), ("en", en)] {
                assert!(!text.trim().is_empty(), "{key:?} has no {lang} text");
                assert_eq!(text.trim(), text, "{key:?} {lang} has stray spaces");
            }
            assert!(
                !has_cyrillic(uz) && !has_cyrillic(en),
                "{key:?}: uz-Latin and English are Latin"
            );
            for (lang, text) in [("uz-Cyrl", cyrl), ("ru", ru)] {
                let rest = without_kept_latin(text);
                assert!(
                    !has_latin_letter(&rest),
                    "{key:?}: {lang} {text:?} has Latin letters"
                );
                if rest.chars().any(char::is_alphabetic) {
                    assert!(has_cyrillic(&rest), "{key:?}: {lang} is Cyrillic");
                }
            }
        }
    }

    #[test]
    fn keys_are_distinct_and_languages_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for key in T::ALL {
            assert!(seen.insert(format!("{key:?}")));
        }
        for lang in UiLang::ALL {
            assert_eq!(UiLang::parse(lang.code()), Some(lang));
            assert_eq!(UiLang::parse(lang.html_lang()), Some(lang));
        }
        assert_eq!(UiLang::parse("de"), None);
        assert_eq!(UiLang::En.t(T::AddToCart), "Add to cart");
        assert_eq!(UiLang::UzCyrl.t(T::Cart), "Сават");
    }

    #[test]
    fn localized_values_fall_back_in_order() {
        assert_eq!(
            UiLang::UzCyrl.pick(Some("a"), None, Some("b"), None),
            Some("a")
        );
        assert_eq!(UiLang::Ru.pick(Some("a"), None, Some(""), None), Some("a"));
        assert_eq!(UiLang::En.pick(None, None, None, None), None);
    }
}
