//! Recognisers for single lines of boilerplate, one per kind.
//!
//! Each recogniser looks at a line's *structure and meaning*, not at fixed phrasings: a short
//! line made only of sharing words is a share prompt whatever the network names; a label that
//! means "read more" followed by a separator and a headline is a related link in any of a dozen
//! languages; a copyright line starts with © or the word and a year, or says "all rights
//! reserved". Story sentences that merely begin like boilerplate ("Share prices fell ...",
//! "By the end of the day ...", "Related to the dispute, ...") fail the structure: they are long,
//! lower-case after the cue, or carry no separator.
//!
//! The lexicons cover English, German, French, Spanish, Italian, Portuguese, Dutch, Polish,
//! Russian, Turkish, Swedish, Chinese, Japanese, Korean and Arabic label words.

use crate::pipeline::normalize::hash_form;
use crate::pipeline::segment::has_more_words_than;

/// A line prepared for the recognisers.
#[derive(Debug, Clone)]
pub struct LineView {
    /// The line as it stands in the text (tidied).
    pub raw: String,
    /// Its hash form: NFKC, typography folded, lower-cased, one space between words.
    pub key: String,
    /// Number of whitespace-separated words (CJK text counts as one per 2 characters).
    pub words: usize,
}

impl LineView {
    pub fn new(raw: &str) -> LineView {
        let key = hash_form(raw);
        // The key has one space between words and none at its ends.
        let spaced = match key.is_empty() {
            true => 0,
            false => key.bytes().filter(|&b| b == b' ').count() + 1,
        };
        let cjk = match key.is_ascii() {
            true => 0,
            false => key.chars().filter(|c| is_cjk(*c)).count(),
        };
        LineView {
            raw: raw.to_string(),
            key,
            words: spaced.max(1) + cjk / 2,
        }
    }

    /// Tokens of the key with surrounding punctuation trimmed (empty ones dropped).
    pub fn tokens(&self) -> Vec<&str> {
        tokens(&self.key)
    }

    /// Ends like a sentence: `.`, `!`, `?`, `…` or a CJK full stop, possibly inside quotes.
    pub fn ends_sentence(&self) -> bool {
        let t = self
            .key
            .trim_end_matches(['"', '\'', ')', ']', '»', '”', '’']);
        t.ends_with(['.', '!', '?', '…', '。', '！', '？'])
    }
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff)
}

/// Words of a key, trimmed of surrounding punctuation.
pub fn tokens(key: &str) -> Vec<&str> {
    key.split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '#'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Strips leading list bullets and decoration (`• `, `- `, `* `, `» `, `> `, `► `, `→ `).
pub fn strip_bullet(s: &str) -> (&str, bool) {
    let t = s.trim_start_matches(|c: char| {
        matches!(
            c,
            '•' | '·'
                | '*'
                | '-'
                | '»'
                | '>'
                | '►'
                | '▶'
                | '→'
                | '■'
                | '□'
                | '▪'
                | '◆'
                | '●'
                | '○'
                | '+'
                | '–'
                | '—'
        ) || c.is_whitespace()
    });
    (t, t.len() < s.len())
}

/// Splits `label: rest` (also `label - rest`, `label | rest`, `label » rest`) when the label
/// is at most `max_label_words` words. Returns the label and the rest, both trimmed.
pub fn split_label(key: &str, max_label_words: usize) -> Option<(&str, &str)> {
    // The first separator in the line, in one pass; where two start at one place (" >> " and
    // " > "), the earlier in the list wins, as the regex's leftmost-first rule does.
    static SEPARATOR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        phrase_finder(&[":", " - ", " | ", " » ", " >> ", " > ", " · "])
    });
    let sep = SEPARATOR.find(key)?;
    let label = key[..sep.start()].trim();
    let rest = key[sep.end()..].trim();
    let n = label.split(' ').filter(|w| !w.is_empty()).count();
    (n >= 1 && n <= max_label_words && !label.is_empty()).then_some((label, rest))
}

/// Whether every token is in `vocab` (numbers and `@handles` always pass).
fn all_in(tokens: &[&str], vocab: &[&str]) -> bool {
    tokens
        .iter()
        .all(|t| vocab.contains(t) || t.chars().all(|c| c.is_ascii_digit()) || t.starts_with('@'))
}

fn any_in(tokens: &[&str], vocab: &[&str]) -> bool {
    tokens.iter().any(|t| vocab.contains(t))
}

/// Whether `key` contains any of a fixed list of phrases: one pass of an automaton built once
/// per call site, instead of a substring search per phrase (those searches were a measurable
/// share of the whole pipeline; every line meets several lists).
macro_rules! contains_any {
    ($key:expr, $needles:expr $(,)?) => {{
        static FINDER: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| phrase_finder($needles));
        FINDER.is_match($key)
    }};
}

/// A regex matching any of `phrases` literally. Where several match at one place, the first
/// in the list wins (leftmost-first).
pub(crate) fn phrase_finder(phrases: &[&str]) -> regex::Regex {
    let alternation: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
    regex::Regex::new(&alternation.join("|")).expect("escaped literals")
}

fn starts_with_any(key: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        key.starts_with(p)
            && key[p.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

// ---------------------------------------------------------------------------------------------
// Lexicons (lower-case, as in the hash form).

const AD_WORDS: &[&str] = &[
    "advertisement",
    "advertisements",
    "advert",
    "adverts",
    "ad",
    "ads",
    "sponsored",
    "sponsor",
    "promoted",
    "promotion",
    "anzeige",
    "werbung",
    "publicité",
    "publicite",
    "publicidad",
    "pubblicità",
    "pubblicita",
    "publicidade",
    "advertentie",
    "reclame",
    "reklama",
    "реклама",
    "广告",
    "廣告",
    "広告",
    "광고",
    "إعلان",
    "reklam",
    "annons",
    "mainos",
    "annonse",
];
const AD_FILLER: &[&str] = &[
    "story",
    "article",
    "text",
    "content",
    "continues",
    "continue",
    "continued",
    "below",
    "above",
    "after",
    "the",
    "this",
    "scroll",
    "to",
    "with",
    "skip",
    "feedback",
    "close",
    "reading",
    "report",
    "paid",
    "post",
    "by",
    "partner",
    "partners",
    "links",
    "from",
    "our",
    "content",
    "weiter",
    "nach",
    "der",
    "geht",
    "es",
    "la",
    "suite",
    "après",
    "sigue",
    "continúa",
    "la",
    "noticia",
    "de",
    "el",
    "del",
];

const SHARE_TRIGGERS: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "tweet",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "reddit",
    "pinterest",
    "telegram",
    "messenger",
    "email",
    "e-mail",
    "mail",
    "print",
    "flipboard",
    "pocket",
    "tumblr",
    "vk",
    "weibo",
    "wechat",
    "bluesky",
    "threads",
    "mastodon",
    "follow",
    "teilen",
    "partager",
    "partagez",
    "compartir",
    "comparte",
    "condividi",
    "compartilhar",
    "compartilhe",
    "delen",
    "deel",
    "udostępnij",
    "поделиться",
    "paylaş",
    "dela",
    "jaa",
    "分享",
    "シェア",
    "공유",
    "مشاركة",
    "copy",
    "link",
];
const SHARE_VOCAB: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "shared",
    "this",
    "article",
    "story",
    "post",
    "page",
    "link",
    "on",
    "via",
    "by",
    "to",
    "with",
    "your",
    "friends",
    "friend",
    "facebook",
    "twitter",
    "x",
    "email",
    "e-mail",
    "mail",
    "whatsapp",
    "linkedin",
    "reddit",
    "pinterest",
    "telegram",
    "messenger",
    "print",
    "copy",
    "copied",
    "tweet",
    "save",
    "flipboard",
    "pocket",
    "tumblr",
    "vk",
    "weibo",
    "wechat",
    "line",
    "sms",
    "bluesky",
    "threads",
    "mastodon",
    "instagram",
    "youtube",
    "tiktok",
    "follow",
    "us",
    "and",
    "or",
    "the",
    "a",
    "url",
    "it",
    "pin",
    "send",
    "options",
    "close",
    "teilen",
    "artikel",
    "diesen",
    "den",
    "auf",
    "per",
    "partager",
    "cet",
    "sur",
    "par",
    "partagez",
    "compartir",
    "este",
    "artículo",
    "en",
    "por",
    "comparte",
    "condividi",
    "questo",
    "articolo",
    "su",
    "compartilhar",
    "compartilhe",
    "esta",
    "matéria",
    "delen",
    "deel",
    "dit",
    "artikel",
    "op",
    "udostępnij",
    "поделиться",
    "paylaş",
    "dela",
    "jaa",
    "分享",
    "シェア",
    "공유",
    "مشاركة",
    "icon",
    "button",
    "buttons",
    "social",
    "media",
    "networks",
];

const COMMENT_TRIGGERS: &[&str] = &[
    "comment",
    "comments",
    "commenting",
    "reply",
    "replies",
    "conversation",
    "discussion",
    "discuss",
    "kommentar",
    "kommentare",
    "kommentieren",
    "commentaire",
    "commentaires",
    "commenter",
    "comentario",
    "comentarios",
    "comentar",
    "commento",
    "commenti",
    "comentário",
    "comentários",
    "reactie",
    "reacties",
    "komentarze",
    "комментарии",
    "комментарий",
    "yorum",
    "yorumlar",
    "kommentarer",
    "评论",
    "評論",
    "コメント",
    "댓글",
    "تعليقات",
];
const COMMENT_VOCAB: &[&str] = &[
    "comment",
    "comments",
    "commenting",
    "reply",
    "replies",
    "leave",
    "a",
    "an",
    "view",
    "show",
    "hide",
    "add",
    "post",
    "your",
    "be",
    "the",
    "first",
    "to",
    "join",
    "conversation",
    "discussion",
    "discuss",
    "this",
    "article",
    "story",
    "read",
    "all",
    "see",
    "load",
    "more",
    "write",
    "open",
    "close",
    "our",
    "community",
    "guidelines",
    "no",
    "yet",
    "there",
    "are",
    "comments",
    "kommentar",
    "kommentare",
    "kommentieren",
    "anzeigen",
    "alle",
    "schreiben",
    "commentaire",
    "commentaires",
    "commenter",
    "voir",
    "les",
    "laisser",
    "un",
    "comentario",
    "comentarios",
    "comentar",
    "ver",
    "los",
    "deja",
    "commento",
    "commenti",
    "comentário",
    "comentários",
    "reactie",
    "reacties",
    "komentarze",
    "комментарии",
    "комментарий",
    "yorum",
    "yorumlar",
    "kommentarer",
    "评论",
    "評論",
    "コメント",
    "댓글",
    "تعليقات",
    "on",
];

const RELATED_LABEL_WORDS: &[&str] = &[
    "read",
    "more",
    "related",
    "also",
    "see",
    "watch",
    "listen",
    "recommended",
    "suggested",
    "trending",
    "popular",
    "latest",
    "top",
    "breaking",
    "click",
    "further",
    "don't",
    "dont",
    "must",
    "next",
    "previous",
    "prev",
    "continue",
    "interesting",
    "like",
    "lesen",
    "weiterlesen",
    "mehr",
    "auch",
    "siehe",
    "lire",
    "voir",
    "aussi",
    "également",
    "leer",
    "lea",
    "más",
    "mas",
    "también",
    "ver",
    "leia",
    "mais",
    "também",
    "leggi",
    "anche",
    "vedi",
    "lees",
    "ook",
    "meer",
    "czytaj",
    "więcej",
    "читайте",
    "также",
    "смотрите",
    "okuyun",
    "ilgili",
    "läs",
    "lue",
    "相关阅读",
    "相关",
    "延伸阅读",
    "推荐阅读",
    "关联阅读",
    "関連記事",
    "関連",
    "あわせて読みたい",
    "관련기사",
    "관련",
    "اقرأ",
    "أيضا",
    "news",
    "stories",
    "story",
    "article",
    "articles",
    "coverage",
    "now",
    "reading",
    "on",
    "from",
    "in",
    "the",
    "this",
    "topic",
    "nachrichten",
    "zum",
    "thema",
    "aussi",
    "noticia",
    "noticias",
    "notícia",
    "notícias",
    "artigo",
    "articolo",
    "video",
    "videos",
    "photos",
    "gallery",
    "here",
    "to",
    "a",
    "an",
    "other",
    "more:",
    "miss",
    "you",
    "may",
    "might",
    "also",
    "be",
    "interested",
    "lees",
    "ook:",
    "sujet",
    "même",
    "le",
    "sur",
    "à",
    "du",
    "de",
    "del",
    "la",
    "el",
    "te",
    "puede",
    "interesar",
    "da",
    "di",
    "potrebbe",
    "interessarti",
    "dich",
    "könnte",
    "sie",
    "interessieren",
    "das",
];
const RELATED_KEYS: &[&str] = &[
    "read",
    "more",
    "related",
    "also",
    "see",
    "watch",
    "listen",
    "recommended",
    "suggested",
    "trending",
    "popular",
    "latest",
    "top",
    "breaking",
    "further",
    "miss",
    "must",
    "next",
    "continue",
    "lesen",
    "weiterlesen",
    "mehr",
    "auch",
    "siehe",
    "lire",
    "voir",
    "aussi",
    "leer",
    "lea",
    "más",
    "también",
    "leia",
    "mais",
    "também",
    "leggi",
    "anche",
    "lees",
    "ook",
    "meer",
    "czytaj",
    "więcej",
    "читайте",
    "смотрите",
    "okuyun",
    "ilgili",
    "läs",
    "lue",
    "相关阅读",
    "相关",
    "延伸阅读",
    "推荐阅读",
    "関連記事",
    "関連",
    "관련기사",
    "관련",
    "اقرأ",
    "interesar",
    "interessarti",
    "interessieren",
    "interested",
    "sujet",
];

/// Headers of a block of links to other stories (a whole line, compared without a trailing
/// colon). Matched as a phrase at the start of a short line.
const BLOCK_HEADERS: &[&str] = &[
    "related articles",
    "related article",
    "related stories",
    "related story",
    "related news",
    "related content",
    "related coverage",
    "related links",
    "related posts",
    "related reading",
    "related topics",
    "related",
    "more stories",
    "more news",
    "more articles",
    "more from",
    "more on this story",
    "more on this",
    "more like this",
    "more in",
    "more to read",
    "latest news",
    "latest stories",
    "latest headlines",
    "latest articles",
    "latest",
    "top stories",
    "top news",
    "top headlines",
    "top articles",
    "most read",
    "most popular",
    "most viewed",
    "most shared",
    "most watched",
    "popular stories",
    "popular now",
    "popular",
    "recommended",
    "recommended for you",
    "recommended stories",
    "recommended articles",
    "recommended reading",
    "you may also like",
    "you might also like",
    "you may like",
    "you might be interested in",
    "you may be interested in",
    "also in the news",
    "in other news",
    "elsewhere",
    "further reading",
    "see also",
    "what to read next",
    "read next",
    "up next",
    "editor's picks",
    "editors' picks",
    "around the web",
    "from the web",
    "sponsored stories",
    "don't miss",
    "dont miss",
    "trending",
    "trending now",
    "trending stories",
    "also read",
    "read more",
    "also on",
    "more from our network",
    "weitere nachrichten",
    "weitere artikel",
    "weitere themen",
    "mehr zum thema",
    "mehr zum",
    "das könnte sie auch interessieren",
    "auch interessant",
    "meistgelesen",
    "sur le même sujet",
    "à lire aussi",
    "a lire aussi",
    "lire aussi",
    "les plus lus",
    "à lire également",
    "noticias relacionadas",
    "más noticias",
    "mas noticias",
    "lo más leído",
    "te puede interesar",
    "notícias relacionadas",
    "leia também",
    "mais lidas",
    "articoli correlati",
    "potrebbe interessarti",
    "leggi anche",
    "gerelateerde artikelen",
    "lees ook",
    "meest gelezen",
    "похожие новости",
    "читайте также",
    "czytaj także",
    "ilgili haberler",
    "läs också",
    "相关新闻",
    "相关文章",
    "相关阅读",
    "延伸阅读",
    "推荐阅读",
    "热门文章",
    "関連記事",
    "関連ニュース",
    "관련 기사",
    "관련기사",
    "많이 본 뉴스",
    "اقرأ أيضا",
    "مقالات ذات صلة",
];

const COPYRIGHT_PHRASES: &[&str] = &[
    "all rights reserved",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "tous droits reserves",
    "todos los derechos reservados",
    "tutti i diritti riservati",
    "todos os direitos reservados",
    "alle rechten voorbehouden",
    "wszelkie prawa zastrzeżone",
    "все права защищены",
    "tüm hakları saklıdır",
    "alla rättigheter förbehållna",
    "版权所有",
    "版權所有",
    "無断転載",
    "무단 전재",
    "جميع الحقوق محفوظة",
    "may not be published, broadcast, rewritten or redistributed",
    "may not be reproduced",
    "may not be republished",
    "may not be copied",
    "without prior written permission",
    "without the express written permission",
];

const PHOTO_LABELS: &[&str] = &[
    "photo",
    "photos",
    "photograph",
    "photographs",
    "photography",
    "image",
    "images",
    "picture",
    "pictures",
    "pic",
    "pics",
    "foto",
    "fotos",
    "fotó",
    "bild",
    "bilder",
    "illustration",
    "illustrations",
    "graphic",
    "graphics",
    "credit",
    "credits",
    "photo credit",
    "image credit",
    "image copyright",
    "image caption",
    "media caption",
    "caption",
    "crédit",
    "crédits",
    "crédito",
    "créditos",
    "créditos da foto",
    "fotografía",
    "fotografia",
    "immagine",
    "фото",
    "иллюстрация",
    "图片",
    "图片来源",
    "摄影",
    "写真",
    "사진",
    "صورة",
    "video",
    "footage",
    "screenshot",
    "screengrab",
    "quelle",
    "bildquelle",
    "fotoquelle",
    "source",
];
const PHOTO_AGENCIES: &[&str] = &[
    "getty images",
    "getty",
    "ap photo",
    "ap images",
    "afp",
    "reuters",
    "epa",
    "efe",
    "epa-efe",
    "shutterstock",
    "istock",
    "istockphoto",
    "alamy",
    "pa images",
    "pa wire",
    "pa media",
    "dpa",
    "picture alliance",
    "picture-alliance",
    "sipa",
    "xinhua",
    "bloomberg",
    "anadolu",
    "imago",
    "ansa",
    "tass",
    "ria novosti",
    "sputnik",
    "kyodo",
    "yonhap",
    "corbis",
    "unsplash",
    "pexels",
    "wikimedia commons",
    "wikimedia",
    "nurphoto",
    "zuma",
    "zuma press",
    "rex",
    "rex features",
    "rex/shutterstock",
    "handout",
    "courtesy",
    "file photo",
    "ap",
    "associated press",
];

const TAG_LABELS: &[&str] = &[
    "tags",
    "tag",
    "tagged",
    "tagged with",
    "tagged as",
    "filed under",
    "filed in",
    "topics",
    "topic",
    "keywords",
    "key words",
    "categories",
    "category",
    "related topics",
    "subjects",
    "themen",
    "schlagwörter",
    "schlagworte",
    "stichwörter",
    "mots-clés",
    "mots clés",
    "étiquettes",
    "sujets",
    "thèmes",
    "etiquetas",
    "temas",
    "palabras clave",
    "argomenti",
    "parole chiave",
    "tópicos",
    "onderwerpen",
    "trefwoorden",
    "tagi",
    "теги",
    "темы",
    "etiketler",
    "taggar",
    "标签",
    "標籤",
    "关键词",
    "タグ",
    "태그",
    "الوسوم",
    "كلمات مفتاحية",
];

const ROLE_WORDS: &[&str] = &[
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "contributor",
    "columnist",
    "journalist",
    "staff",
    "producer",
    "analyst",
    "critic",
    "chief",
    "bureau",
    "photographer",
    "intern",
    "fellow",
    "host",
    "anchor",
    "associated press",
    "the associated press",
    "reuters",
    "afp",
    "bloomberg",
    "cnn",
    "bbc",
    "bbc news",
    "ap",
    "upi",
    "dpa",
    "efe",
    "ansa",
    "tass",
    "xinhua",
    "kyodo",
    "yonhap",
    "news service",
    "newswire",
    "wire service",
    "special to",
    "for",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "journaliste",
    "correspondant",
    "correspondante",
    "rédacteur",
    "rédactrice",
    "periodista",
    "corresponsal",
    "redactor",
    "redactora",
    "giornalista",
    "corrispondente",
    "jornalista",
    "correspondente",
    "redacteur",
    "verslaggever",
    "корреспондент",
    "журналист",
];

const BYLINE_LEADS: &[&str] = &[
    "by",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "af",
    "przez",
    "автор",
    "written by",
    "words by",
    "reported by",
    "story by",
    "text by",
    "text:",
    "texte:",
    "autor:",
    "author:",
    "autorin:",
    "auteur:",
    "auteur :",
    "tekst:",
    "text von",
    "ein beitrag von",
    "un article de",
    "作者",
    "记者",
    "文:",
    "기자",
];
/// Particles that may sit inside a name in lower case.
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "das", "do", "dos", "del", "della", "di", "du", "des", "van", "von", "der", "den",
    "ter", "ten", "la", "le", "al", "el", "bin", "ibn", "bint", "y", "e", "zu", "st", "mc",
];
const NAME_JOINERS: &[&str] = &[
    "and", "und", "et", "y", "e", "en", "i", "og", "och", "&", "и", "ve",
];

const DATE_LINE_LEADS: &[&str] = &[
    "published",
    "updated",
    "posted",
    "last updated",
    "last modified",
    "modified",
    "first published",
    "originally posted",
    "published on",
    "updated on",
    "posted on",
    "veröffentlicht",
    "aktualisiert",
    "zuletzt aktualisiert",
    "erstellt",
    "stand",
    "publié",
    "mis à jour",
    "publié le",
    "mis à jour le",
    "publicado",
    "actualizado",
    "publicado el",
    "pubblicato",
    "aggiornato",
    "atualizado",
    "gepubliceerd",
    "bijgewerkt",
    "opublikowano",
    "aktualizacja",
    "опубликовано",
    "обновлено",
    "yayınlanma",
    "güncellenme",
    "publicerad",
    "uppdaterad",
    "发布时间",
    "更新时间",
    "发布",
    "公開日",
    "更新日",
    "입력",
    "수정",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

// ---------------------------------------------------------------------------------------------
// Recognisers. Each returns whether the whole line is boilerplate of its kind.

pub fn is_advertisement(l: &LineView) -> bool {
    if l.words > 9 {
        return false;
    }
    let toks = l.tokens();
    if toks.is_empty() || !any_in(&toks, AD_WORDS) {
        return false;
    }
    // Lone "ad" or "ads" inside a phrase is too ambiguous; require it to be the whole line.
    let strong = toks
        .iter()
        .any(|t| AD_WORDS.contains(t) && !matches!(*t, "ad" | "ads" | "promotion" | "sponsor"));
    // "Article continues below this ad": the story resuming after it says what "ad" is.
    let resumes = toks
        .iter()
        .any(|t| matches!(*t, "continues" | "continue" | "continued"));
    (strong || resumes || toks.len() == 1)
        && toks
            .iter()
            .all(|t| AD_WORDS.contains(t) || AD_FILLER.contains(t))
}

pub fn is_share_prompt(l: &LineView) -> bool {
    if l.words > 12 || l.ends_sentence() && l.words > 4 {
        return false;
    }
    let toks = l.tokens();
    if toks.is_empty() {
        return false;
    }
    // The verb or network opens the prompt ("Share this"), or closes it ("Artikel teilen").
    let edge_ok =
        SHARE_TRIGGERS.contains(&toks[0]) || SHARE_TRIGGERS.contains(&toks[toks.len() - 1]);
    edge_ok && any_in(&toks, SHARE_TRIGGERS) && all_in(&toks, SHARE_VOCAB)
        // "Print" or "Email" alone are navigation too, but "Follow" alone is not a prompt.
        && !(toks.len() == 1 && matches!(toks[0], "follow" | "copy" | "link" | "mail"))
}

pub fn is_comments_prompt(l: &LineView) -> bool {
    if l.words > 9 {
        return false;
    }
    let toks = l.tokens();
    !toks.is_empty() && any_in(&toks, COMMENT_TRIGGERS) && all_in(&toks, COMMENT_VOCAB)
}

pub fn is_newsletter_prompt(l: &LineView) -> bool {
    if l.words > 35 {
        return false;
    }
    let k = l.key.as_str();
    const TOPIC: &[&str] = &[
        "newsletter",
        "inbox",
        "sign up",
        "signup",
        "subscribe",
        "subscription",
        "email alert",
        "e-mail alert",
        "news alert",
        "breaking news alerts",
        "briefing",
        "digest",
        "mailing list",
        "notifications",
        "push alerts",
        "abonnieren",
        "anmelden",
        "s'abonner",
        "abonnez",
        "inscrivez",
        "inscrivez-vous",
        "suscríbete",
        "suscribirse",
        "suscríbase",
        "boletín",
        "iscriviti",
        "assine",
        "inscreva",
        "nieuwsbrief",
        "abonneer",
        "подписывайтесь",
        "рассылк",
        "订阅",
        "購読",
        "구독",
    ];
    const PROMPT_START: &[&str] = &[
        "sign up",
        "signup",
        "subscribe",
        "get",
        "join",
        "receive",
        "want",
        "don't miss",
        "dont miss",
        "never miss",
        "stay",
        "be the first",
        "enter your",
        "register",
        "click",
        "enjoy",
        "like this",
        "love",
        "keep up",
        "for more",
        "to get",
        "to receive",
        "have",
        "sign in",
        "our",
        "the best",
        "free",
        "start your",
        "try",
        "jetzt",
        "melden sie",
        "abonnieren",
        "newsletter",
        "inscrivez",
        "abonnez",
        "recevez",
        "suscríbete",
        "suscribete",
        "suscríbase",
        "recibe",
        "iscriviti",
        "assine",
        "inscreva",
        "schrijf",
        "abonneer",
        "zapisz",
        "подпишитесь",
        "subscribe now",
        "want more",
    ];
    if !contains_any!(k, TOPIC) {
        return false;
    }
    // A story sentence about a newsletter names it as a subject ("The newsletter's editor ...")
    // or reports ("... officials admitted."): prompts address the reader.
    if contains_any!(
        k,
        &[
            " said",
            " says",
            " told ",
            " according to",
            " admitted",
            " reported",
        ],
    ) {
        return false;
    }
    if k.starts_with("sign-up ") && !k.starts_with("sign-up for") {
        return false;
    }
    starts_with_any(k, PROMPT_START)
        || k.ends_with("newsletter")
        || k.ends_with('!')
        || k.contains("sign up for")
        || k.contains("subscribe to")
        || k.contains("in your inbox")
        || k.contains("to your inbox")
}

pub fn is_cookie_notice(l: &LineView) -> bool {
    if l.words > 60 {
        return false;
    }
    let k = l.key.as_str();
    k.contains("cookie")
        && (tokens(k).iter().any(|t| matches!(*t, "ok" | "okay"))
            || k.contains("got it")
            || contains_any!(
                k,
                &[
                    "we use",
                    "uses cookies",
                    "use cookies",
                    "use of cookies",
                    "this site",
                    "this website",
                    "our site",
                    "our website",
                    "by continuing",
                    "by using",
                    "you agree",
                    "you accept",
                    "accept",
                    "consent",
                    "policy",
                    "settings",
                    "preferences",
                    "learn more",
                    "browsing",
                    "browse",
                    "experience",
                    "verwenden",
                    "nutzen",
                    "akzeptieren",
                    "zustimmen",
                    "utilise",
                    "utilisons",
                    "accepter",
                    "utilizamos",
                    "usamos",
                    "aceptar",
                    "aceptas",
                    "utilizziamo",
                    "accetta",
                    "utilizamos",
                    "gebruikt",
                    "akkoord",
                    "używa",
                    "используем",
                    "kullan",
                    "använder",
                ],
            ))
}

pub fn is_copyright(l: &LineView) -> bool {
    if l.words > 45 {
        return false;
    }
    let k = l.key.as_str();
    if contains_any!(k, COPYRIGHT_PHRASES) {
        return true;
    }
    if l.words > 18 {
        return false;
    }
    let k = k.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '©' && c != '(');
    if k.starts_with('©') || k.starts_with("(c) ") || k.starts_with("(c)2") || k.starts_with("(c)1")
    {
        return true;
    }
    // "Copyright 2018 Owner", "Copyright © Owner", "Copyright Owner 2018": the word, then a
    // year or sign somewhere in a short line, and no verb-like narrative.
    if let Some(rest) = k
        .strip_prefix("copyright")
        .or_else(|| k.strip_prefix("copyright:"))
        .or_else(|| k.strip_prefix("urheberrecht"))
        .or_else(|| k.strip_prefix("derechos de autor"))
    {
        let rest = rest.trim_start_matches([':', ' ']);
        return rest.starts_with('©')
            || rest.starts_with("(c)")
            || rest.chars().take(40).any(|c| c.is_ascii_digit())
                && !rest.contains(" law")
                && !rest.contains(" was ")
                && !rest.contains(" is ");
    }
    false
}

pub fn is_syndication_notice(l: &LineView) -> bool {
    if l.words > 45 {
        return false;
    }
    let k = l.key.as_str();
    let syndicated = contains_any!(
        k,
        &[
            "syndicated",
            "syndication",
            "syndiziert",
            "syndiqué",
            "sindicado",
            "sindacato",
        ],
    ) && !k.contains("syndicated loan")
        && !k.contains("syndicated column");
    let feed =
        (k.contains("feed") || k.contains("wire") || k.contains("agency") || k.contains("agenc"))
            && contains_any!(
                k,
                &[
                    "published from",
                    "without modification",
                    "without modifications",
                    "unedited",
                    "has not been edited",
                    "not been edited",
                    "auto-generated",
                    "automatically generated",
                    "auto generated",
                    "only the headline",
                    "is not responsible for",
                    "not responsible for the",
                ],
            );
    let generated = contains_any!(
        k,
        &[
            "auto-generated from",
            "automatically generated from",
            "generated from a feed",
            "has not been edited by",
            "is not responsible for the text",
            "is not responsible for the content",
        ],
    );
    (syndicated || feed || generated) && !is_story_like(k)
}

/// "This article was originally published on X." and its relatives.
pub fn is_origin_notice(l: &LineView) -> bool {
    if l.words > 35 {
        return false;
    }
    let k = l.key.trim_start_matches(['(', '[', '*', ' ']);
    const CUES: &[&str] = &[
        "originally published",
        "originally appeared",
        "originally posted",
        "originally ran",
        "originally aired",
        "first published",
        "first appeared",
        "first posted",
        "first ran",
        "republished from",
        "republished with permission",
        "republished by permission",
        "reprinted with permission",
        "reprinted from",
        "reproduced with permission",
        "cross-posted from",
        "crossposted from",
        "this article is republished",
        "this story is republished",
        "ursprünglich erschienen",
        "zuerst erschienen",
        "erschien zuerst",
        "initialement publié",
        "publié initialement",
        "paru initialement",
        "publicado originalmente",
        "publicado originalmente en",
        "originalmente publicado",
        "pubblicato originariamente",
        "oorspronkelijk gepubliceerd",
    ];
    // One pass over the line for all the cues (a search per cue was a measurable share of the
    // whole pipeline): the leftmost match is the earliest any cue starts.
    static ANY_CUE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| phrase_finder(CUES));
    let Some(at) = ANY_CUE.find(k).map(|m| m.start()) else {
        return false;
    };
    // The cue opens the line, or follows only "this article/story was" and the like.
    let head = &k[..at];
    let head_ok = head.is_empty()
        || tokens(head).iter().all(|t| {
            matches!(
                *t,
                "this"
                    | "the"
                    | "article"
                    | "story"
                    | "post"
                    | "piece"
                    | "report"
                    | "item"
                    | "content"
                    | "column"
                    | "interview"
                    | "essay"
                    | "blog"
                    | "op-ed"
                    | "was"
                    | "has"
                    | "been"
                    | "is"
                    | "it"
                    | "dieser"
                    | "der"
                    | "artikel"
                    | "ist"
                    | "cet"
                    | "a"
                    | "été"
                    | "este"
                    | "artículo"
                    | "fue"
                    | "se"
                    | "questo"
                    | "articolo"
                    | "è"
                    | "stato"
                    | "version"
                    | "of"
                    | "an"
                    | "earlier"
            )
        });
    if !head_ok {
        return false;
    }
    // A story sentence goes on after a comma with a clause of its own ("Originally published
    // in a small paper, the allegations were later picked up ...").
    let tail = &k[at..];
    !has_clause_after_comma(tail)
}

/// ", the allegations were ..." (a lower-case word after a comma, not a number or date part).
fn has_clause_after_comma(s: &str) -> bool {
    s.match_indices(", ").any(|(i, _)| {
        let next = s[i + 2..].split(' ').next().unwrap_or("");
        let first = next.chars().next().unwrap_or(' ');
        first.is_alphabetic() && !MONTHS.contains(&next.trim_end_matches(['.', ',']))
    })
}

/// Lines that read like reporting, which boilerplate never does.
fn is_story_like(k: &str) -> bool {
    contains_any!(
        k,
        &[" said ", " said.", " says ", " told ", " according to "],
    )
}

/// Reported speech: a quotation with its attribution ("\"We agree,\" she said."), or a
/// sentence that ends by naming who said it. Headlines may say "says"; they do not end so.
pub fn is_reported_speech(k: &str) -> bool {
    let quoted =
        k.starts_with('"') && (k.contains(",\" ") || k.contains(".\" ") || k.contains("?\" "));
    let tail: Vec<&str> = k.trim_end_matches(['.', '"']).rsplit(' ').take(4).collect();
    let attributed = k.ends_with('.')
        && tail.iter().any(|w| {
            matches!(
                *w,
                "said" | "says" | "told" | "added" | "reported" | "stated" | "announced"
            )
        });
    quoted || attributed || k.contains(" according to ")
}

pub fn is_wire_credit(l: &LineView) -> bool {
    if l.words > 45 {
        return false;
    }
    let k = l.key.trim_start_matches(['(', '[', '-', ' ', '*', '—']);
    const STARTS: &[&str] = &[
        "reporting by",
        "additional reporting by",
        "additional reporting from",
        "additional reporting",
        "writing by",
        "editing by",
        "edited by",
        "compiled by",
        "compiling by",
        "research by",
        "translated by",
        "translation by",
        "graphics by",
        "with reporting by",
        "with reporting from",
        "with additional reporting",
        "reporting and writing by",
        "reported by",
        "written by",
        "contributing:",
        "contributors:",
        "mitarbeit:",
        "mit material von",
        "avec",
        "con información de",
    ];
    if starts_with_any(k, STARTS)
        && (k.contains(" by ")
            || k.starts_with("additional reporting")
            || k.contains(':')
            || k.starts_with("avec ")
            || k.starts_with("con información"))
    {
        // "avec AFP" etc. must name an agency.
        if k.starts_with("avec ") || k.starts_with("con información") {
            return contains_any!(
                k,
                &["afp", "reuters", "ap", "dpa", "efe", "agences", "agencias"],
            );
        }
        return !is_story_like(k);
    }
    const CONTRIB: &[&str] = &[
        "contributed to this report",
        "contributed to this story",
        "contributed to this article",
        "contributed reporting",
        "contributed to the report",
        "contributed to this post",
        "also contributed",
        "contributed research",
        "contributed to reporting",
        "ont contribué",
        "contribuyó a este",
        "contribuyeron a este",
        "hat zu diesem",
    ];
    if contains_any!(k, CONTRIB) && l.words <= 30 && !ends_a_sentence_first(l.raw.trim()) {
        return true;
    }
    // Not "rs/rc (AP, AFP)": an editors' sign-off with the agencies the publisher drew on is
    // part of the story as it first appeared (every copy carries it), not a credit a
    // syndicator adds, so it stays like a dateline.
    // "- Reuters", "— AFP" as a closing line.
    let agency_only = k.trim_matches(|c: char| !c.is_alphanumeric());
    l.raw.trim_start().starts_with(['-', '—', '–', '('])
        && matches!(
            agency_only,
            "reuters"
                | "afp"
                | "ap"
                | "associated press"
                | "the associated press"
                | "dpa"
                | "efe"
                | "ansa"
                | "tass"
                | "xinhua"
                | "bloomberg"
                | "upi"
                | "pti"
                | "ians"
                | "agencies"
        )
}

/// Whether a sentence of story ends before the last one ("The vote is next week. Jane Doe
/// contributed to this report."): a lower-case word, a full stop, a capital.
fn ends_a_sentence_first(raw: &str) -> bool {
    let body = raw.trim_end_matches(['.', ' ']);
    body.match_indices(". ").any(|(i, _)| {
        let word = body[..i].rsplit(' ').next().unwrap_or("");
        word.len() >= 3
            && word.chars().all(|c| c.is_lowercase())
            && body[i + 2..].chars().next().is_some_and(char::is_uppercase)
    })
}

pub fn is_image_credit(l: &LineView) -> bool {
    if ends_with_photo_credit(&l.key) && l.words <= 60 {
        return true;
    }
    if l.words > 16 {
        // A caption line of a scrape ("Image copyright X Image caption ...") may run long.
        let k = l.key.as_str();
        return (k.starts_with("image copyright")
            || k.starts_with("image caption")
            || k.starts_with("media caption"))
            && l.words <= 60;
    }
    let k = l.key.trim_start_matches(['(', '[', ' ']);
    for label in PHOTO_LABELS {
        let Some(rest) = k.strip_prefix(label) else {
            continue;
        };
        let rest_trim = rest.trim_start();
        if rest_trim.starts_with(':')
            || rest_trim.starts_with("by ")
            || rest_trim.starts_with("courtesy")
            || rest_trim.starts_with("credit")
            || rest_trim.starts_with("copyright")
            || rest_trim.starts_with("©")
            || rest_trim.starts_with('/')
            || (matches!(
                *label,
                "image copyright"
                    | "image caption"
                    | "media caption"
                    | "photo credit"
                    | "image credit"
                    | "caption"
            ) && rest.starts_with(' '))
        {
            return true;
        }
    }
    // "Jane Doe/Getty Images", "(AP Photo/Jane Doe)", "Reuters / Jane Doe": an agency beside a
    // slash, nothing else of substance.
    if (k.contains('/') || k.contains(" via ")) && l.words <= 10 && !l.ends_sentence() {
        let parts: Vec<&str> = k
            .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ' '))
            .split(['/', '|'])
            .map(str::trim)
            .collect();
        if parts.iter().any(|p| {
            PHOTO_AGENCIES.contains(p) || p.starts_with("ap photo") || p.ends_with(" images")
        }) {
            return true;
        }
    }
    // "Getty Images", "Shutterstock" alone.
    let bare = k.trim_matches(|c: char| !c.is_alphanumeric());
    matches!(
        bare,
        "getty images"
            | "shutterstock"
            | "istock"
            | "istockphoto"
            | "alamy"
            | "ap photo"
            | "afp photo"
            | "reuters photo"
            | "file photo"
    )
}

/// A caption that ends with its credit in brackets: "Diana wore the gown in Florence.
/// (Valerie Macon / AFP / Getty Images)", "The harbour at dawn (Photo: Jane Doe)". Story text
/// never ends with a photo credit; only the credit itself is checked, so any caption wording
/// goes.
fn ends_with_photo_credit(key: &str) -> bool {
    let k = key.trim_end();
    let Some(inner) = k.strip_suffix(')') else {
        return false;
    };
    let Some(open) = inner.rfind('(') else {
        return false;
    };
    let credit = inner[open + 1..].trim();
    if credit.is_empty() || credit.len() > 120 || open == 0 {
        return false;
    }
    [
        "photo:",
        "photo by",
        "photos:",
        "image:",
        "credit:",
        "photo credit",
        "picture:",
    ]
    .iter()
    .any(|p| credit.starts_with(p))
        || {
            // A bare "(Reuters)" or "(AFP)" may close a sentence of story; an agency beside a
            // photographer's name, or "... Images", is a credit.
            let parts: Vec<&str> = credit.split(['/', '|', ';']).map(str::trim).collect();
            parts
                .iter()
                .any(|p| p.starts_with("ap photo") || p.ends_with(" images"))
                || (parts.len() >= 2 && parts.iter().any(|p| PHOTO_AGENCIES.contains(p)))
        }
}

pub fn is_tags(l: &LineView) -> bool {
    if l.words > 40 {
        return false;
    }
    let k = l.key.as_str();
    let Some(label) = TAG_LABELS
        .iter()
        .filter(|lab| {
            k.starts_with(**lab)
                && k[lab.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_alphanumeric())
        })
        .max_by_key(|lab| lab.len())
    else {
        return false;
    };
    let rest = k[label.len()..].trim_start();
    let (had_colon, rest) = match rest.strip_prefix([':', '-', '|', '–']) {
        Some(r) => (true, r.trim()),
        None => (false, rest),
    };
    if rest.is_empty() {
        return had_colon;
    }
    let items: Vec<&str> = rest
        .split([',', '|', ';', '•', '·', '#', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let short_items = items.iter().all(|i| i.split(' ').count() <= 6);
    let sentence = rest.trim_end().ends_with('.') && !rest.trim_end().ends_with("etc.");
    if had_colon {
        short_items && !sentence && !is_story_like(rest)
    } else {
        items.len() >= 2 && short_items && !sentence
    }
}

/// Words that name publications, not people ("By Jane Doe, The Harbor Ledger").
const NOT_NAME_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "News",
    "Daily",
    "Times",
    "Post",
    "Press",
    "Media",
    "Agency",
    "Staff",
    "Online",
    "Herald",
    "Tribune",
    "Gazette",
    "Journal",
    "Courier",
    "Ledger",
    "Chronicle",
    "Observer",
    "Sentinel",
    "Record",
    "Review",
    "Magazine",
    "Network",
    "Wire",
    "Digest",
    "Today",
    "Weekly",
    "Radio",
    "Television",
    "TV",
    "Newsroom",
    "Desk",
    "Team",
    "Editors",
    "Editorial",
    "Board",
    "Reporters",
    "Correspondents",
    "Report",
    "Mail",
    "Star",
    "Voice",
    "Dispatch",
    "Independent",
    "Bulletin",
    "Monitor",
    "Examiner",
    "Inquirer",
    "Telegraph",
    "Guardian",
    "Express",
    "Sun",
    "Globe",
    "Mirror",
    "Standard",
    "Associated",
    "Reuters",
    "Bloomberg",
];

/// Is `s` a person's name as bylines write it: 2 to 5 capitalised words (initials and name
/// particles allowed), or one all-caps run of such words.
pub fn looks_like_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 {
        return false;
    }
    if words.iter().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        NOT_NAME_WORDS.iter().any(|n| n.eq_ignore_ascii_case(w))
    }) {
        return false;
    }
    let mut caps = 0;
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_matches(|c: char| c == ',' || c == '"' || c == '\'');
        if w.is_empty() {
            return false;
        }
        let first = w.chars().next().unwrap_or(' ');
        if first.is_uppercase() {
            if !w
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
            {
                return false;
            }
            caps += 1;
        } else if i > 0 && NAME_PARTICLES.contains(&w) {
        } else {
            return false;
        }
    }
    // One word is a name only when it is a full name in some scripts; bylines have two or more.
    caps >= 2
        || (caps == 1 && words.len() == 1 && words[0].chars().count() >= 3 && !words[0].is_ascii())
}

/// Splits "Jane Doe and John Roe" / "Jane Doe, John Roe & Ann Lee" into names, if all are names.
pub fn split_names(s: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let normalized = s.replace(" & ", ", ");
    for part in normalized.split(", ") {
        let mut current = Vec::new();
        for w in part.split_whitespace() {
            if NAME_JOINERS.contains(&w.to_lowercase().as_str()) && !current.is_empty() {
                names.push(current.join(" "));
                current.clear();
            } else {
                current.push(w);
            }
        }
        if !current.is_empty() {
            names.push(current.join(" "));
        }
    }
    let names: Vec<String> = names
        .into_iter()
        .map(|n| {
            n.trim_matches(|c: char| c == ',' || c == '.' && !n.ends_with(". "))
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty() && names.iter().all(|n| looks_like_name(n))).then_some(names)
}

/// A byline: "By Jane Doe", "By JANE DOE and John Roe | Oct 8, 2018", "Jane Doe, Staff Writer",
/// "JANE DOE, Associated Press", "Von Jane Doe". Returns the author names.
pub fn parse_byline(raw: &str) -> Option<Vec<String>> {
    let line = raw
        .trim()
        .trim_start_matches(['(', '—', '–', '-', ' '])
        .trim_end_matches(')');
    if has_more_words_than(line, 16) || line.ends_with('?') {
        return None;
    }
    let lower = line.to_lowercase();
    // Leads: "By", "Von", "Par", ...
    for lead in BYLINE_LEADS {
        let Some(rest) = lower.strip_prefix(lead) else {
            continue;
        };
        if !(rest.starts_with(' ') || lead.ends_with(':') || lead.ends_with(' ')) {
            continue;
        }
        let rest_raw = line[line.len() - rest.len()..].trim();
        let head = byline_head(rest_raw);
        return split_names(head.trim());
    }
    // "Jane Doe, Staff Writer" / "JANE DOE, Associated Press" / "Jane Doe | Reuters"
    for sep in [", ", " | ", " - ", " — ", " – "] {
        if let Some((names, role)) = line.split_once(sep) {
            let role_l = role.to_lowercase();
            let role_ok = !has_more_words_than(role, 6)
                // Only when some role word occurs at all (one pass) is each one placed.
                && ((contains_any!(&role_l, ROLE_WORDS)
                    && ROLE_WORDS.iter().any(|r| names_role_word(&role_l, r)))
                    || role_l.contains(" staff")
                    || role_l.contains("writer")
                    || role_l.contains("reporter")
                    || role_l.contains("correspondent")
                    || role_l.contains("editor"));
            if role_ok {
                return split_names(names);
            }
        }
    }
    None
}

/// Whether `role` holds the role word `r` as a byline's role names it: the whole role, or `r`
/// followed by a space anywhere (`"{r} "`), or `r` ending the role after a space (`" {r}"`).
fn names_role_word(role: &str, r: &str) -> bool {
    role == r
        // `r` then a space: what stands before some space ends with `r`.
        || role.match_indices(' ').any(|(at, _)| role[..at].ends_with(r))
        || role
            .strip_suffix(r)
            .is_some_and(|before| before.ends_with(' '))
}

/// The names part of a byline's remainder: up to a separator that starts a date, site or role.
fn byline_head(rest: &str) -> &str {
    let mut end = rest.len();
    for sep in [
        " | ", " — ", " – ", " - ", " · ", " • ", " on ", " am ", " le ", " el ", " il ", " for ",
        ", ",
    ] {
        if let Some(i) = rest.find(sep) {
            // ", " separates names too ("Jane Doe, John Roe and Ann Lee"); only cut there when
            // what follows is not a name list.
            if sep == ", " {
                let after = &rest[i + 2..];
                if split_names(after).is_some() || after.starts_with("and ") {
                    continue;
                }
            }
            end = end.min(i);
        }
    }
    &rest[..end]
}

/// Journalism roles an author's bio names in its first sentence.
const BIO_ROLES: &[&str] = &[
    "reporter",
    "writer",
    "editor",
    "journalist",
    "correspondent",
    "columnist",
    "contributor",
    "producer",
    "critic",
    "freelancer",
    "freelance",
    "photographer",
    "intern",
    "fellow",
    "blogger",
];

/// An author's bio, as it stands at the foot of a story: "Jim Walsh is a senior reporter for
/// the Courier-Post. Email: ...", "Kent German is a News Editor at SFGATE. A California native,
/// ...". A name opens it, a copula follows, and its first sentence names a journalism role.
/// The caller looks for it only at the foot, where a story's own sentences rarely take this
/// shape.
pub fn is_author_bio(l: &LineView) -> bool {
    if l.words > 80 {
        return false;
    }
    let words: Vec<&str> = l.raw.split_whitespace().take(12).collect();
    let name_len = words
        .iter()
        .take_while(|w| {
            w.chars().next().is_some_and(char::is_uppercase) && !w.ends_with(['.', ',', ':'])
        })
        .count();
    if !(2..=4).contains(&name_len) || matches!(words[0], "The" | "A" | "An" | "This" | "Our") {
        return false;
    }
    // What follows the name, up to the end of the first sentence.
    let rest = hash_form(
        &l.raw
            .split_whitespace()
            .skip(name_len)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let first_sentence = rest.split(". ").next().unwrap_or("");
    let copula = [
        "is a ",
        "is an ",
        "is the ",
        "has been ",
        "covers ",
        "writes ",
    ]
    .iter()
    .any(|c| first_sentence.starts_with(c));
    copula
        && tokens(first_sentence)
            .iter()
            .any(|t| BIO_ROLES.contains(&t.trim_end_matches('s')))
}

/// "Published March 18, 2017", "Updated 3:45 PM ET, Mon October 8, 2018", "Posted on ...".
pub fn is_date_line(l: &LineView) -> bool {
    if l.words > 16 {
        return false;
    }
    // A separator may stand before it: "| UPDATED: 10:43, Tue, Nov 19, 2019".
    let k = l
        .key
        .trim_start_matches(['|', '-', '·', '•', '—', '–', ' ']);
    let Some(lead) = DATE_LINE_LEADS
        .iter()
        .filter(|p| {
            k.starts_with(**p)
                && k[p.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
        .max_by_key(|p| p.len())
    else {
        return false;
    };
    let rest = &k[lead.len()..];
    has_date_part(rest)
}

/// A line that is only a date (and perhaps a time): "September 10, 2018 |", "08.10.2018 14:30".
pub fn is_bare_date(l: &LineView) -> bool {
    if l.words > 10 {
        return false;
    }
    let t = l
        .raw
        .trim()
        .trim_matches(|c: char| matches!(c, '|' | '-' | '·' | '•' | ',' | ' '));
    !t.is_empty() && has_date_part(&l.key) && crate::pipeline::dates::parse_date_str(t).is_some()
}

fn has_date_part(s: &str) -> bool {
    let has_digit = s.chars().any(|c| c.is_ascii_digit());
    let has_month = tokens(s)
        .iter()
        .any(|t| MONTHS.contains(&t.trim_end_matches('.')));
    has_digit
        && (has_month
            || s.contains('/')
            || s.contains('-')
            || s.contains('.')
            || s.contains(':')
            || s.contains('年'))
}

/// A related link: a label meaning "read more" / "related" / "also on Site", a separator, and
/// what follows is a headline (short, no sentence of reporting), e.g. "More news: Theresa May
/// dances on stage", "READ MORE - Fierce gunfight outside Mosul airport", "Lire aussi : ...".
pub fn is_related_link(l: &LineView) -> bool {
    if l.words > 40 {
        return false;
    }
    let (k, _) = strip_bullet(&l.key);
    let Some((label, rest)) = split_label(k, 6) else {
        // "Related Articles" style single labels are block headers, handled elsewhere.
        return false;
    };
    let ltoks = tokens(label);
    if ltoks.is_empty() || !any_in(&ltoks, RELATED_KEYS) {
        return false;
    }
    // "Also on The Harbor Ledger:" has a site name in the label; other labels are all label words.
    let label_words_ok = all_in(&ltoks, RELATED_LABEL_WORDS)
        || (ltoks.len() <= 6
            && matches!(
                ltoks.first(),
                Some(&"also") | Some(&"more") | Some(&"latest") | Some(&"watch")
            )
            && ltoks
                .get(1)
                .is_some_and(|t| matches!(*t, "on" | "from" | "in" | "at")));
    if !label_words_ok || rest.is_empty() {
        return false;
    }
    // The headline: at most about 25 words, and not the reporting of a quote ("..., she said.").
    let rest_words = rest.split(' ').count();
    rest_words <= 30 && !is_reported_speech(rest) && !l.key.starts_with('"')
}

/// A header of a block of links to other stories ("Related Articles", "Top Stories:",
/// "Sur le même sujet").
pub fn is_block_header(l: &LineView) -> bool {
    if l.words > 8 || l.ends_sentence() {
        return false;
    }
    let (k, _) = strip_bullet(&l.key);
    let labelled = k.ends_with(':') || k.ends_with('»') || k.ends_with('>');
    let k = k.trim_end_matches([':', ' ', '>', '»', '.', '…']);
    // "More on Education:", "More from Sports »": a section's label over links, whatever the section.
    if labelled
        && l.words <= 5
        && (k.starts_with("more on ")
            || k.starts_with("more from ")
            || k.starts_with("more in ")
            || k.starts_with("read more "))
    {
        return true;
    }
    BLOCK_HEADERS.contains(&k)
        || BLOCK_HEADERS.iter().any(|h| {
            // "More from The Harbor Ledger", "Latest from Reuters", "More in World".
            matches!(
                *h,
                "more from"
                    | "more in"
                    | "more on this"
                    | "also on"
                    | "latest"
                    | "more from our network"
            ) && k.starts_with(h)
                && k.len() > h.len()
                && k.as_bytes()[h.len()] == b' '
                && k.split(' ').count() <= 6
        })
}

/// A line that reads like a headline: short, not a sentence of reporting, starting with a
/// capital, number or quote. Items of related blocks are headlines.
pub fn is_headline_like(raw: &str) -> bool {
    let (t, _) = strip_bullet(raw.trim());
    let words = t.split_whitespace().count();
    if words == 0 || words > 25 {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    if !(first.is_uppercase()
        || first.is_numeric()
        || matches!(first, '"' | '\'' | '“' | '‘' | '«' | '¿' | '¡')
        || is_cjk(first)
        || (first.is_alphabetic() && !first.is_lowercase()))
    {
        return false;
    }
    let k = hash_form(t);
    if is_reported_speech(&k) {
        return false;
    }
    // A sentence-case line ending with a full stop is a sentence; headlines that end with one
    // are in title case ("Get Over It.").
    if t.ends_with('.') {
        let caps = t
            .split_whitespace()
            .filter(|w| {
                w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric())
            })
            .count();
        return words <= 14 && caps * 10 >= words * 6;
    }
    true
}

/// Navigation and page furniture that is none of the SPEC kinds ("Skip to content", "Back to
/// top", "Image 1 of 13", "Listen to this article").
pub fn is_other_furniture(l: &LineView) -> bool {
    if l.words > 8 {
        return false;
    }
    let k = l.key.trim_matches(|c: char| !c.is_alphanumeric());
    const EXACT: &[&str] = &[
        "skip to content",
        "skip to main content",
        "back to top",
        "jump to",
        "close",
        "loading",
        "please enable javascript",
        "enable javascript",
        "listen to this article",
        "listen",
        "print this page",
        "print this article",
        "text size",
        "font size",
        "menu",
        "toggle navigation",
        "swipe to scroll horizontally",
        "scroll to continue",
        "open in app",
        "view gallery",
        "view all",
        "see all",
        "show more",
        "read less",
        "expand",
        "collapse",
        "zum inhalt springen",
        "nach oben",
        "aller au contenu",
        "retour en haut",
        "ir al contenido",
        "volver arriba",
        "click to enlarge",
        "tap to enlarge",
        "enlarge this image",
        "toggle caption",
        "hide caption",
        "show caption",
        "play video",
        "watch video",
        "play",
        "pause",
        "mute",
        "unmute",
        "fullscreen",
        "exit fullscreen",
        "next",
        "previous",
        "prev",
        "next slide",
        "previous slide",
        "advertisement feedback",
        "ad feedback",
        "report an error",
        "report a correction",
        "corrections",
        "reprints",
        "reprints & permissions",
        "learn more",
        "find out more",
        "click here",
        "read the full story",
        "read the full article",
        "continue reading",
        "read full article",
        "read full story",
        "mehr erfahren",
        "en savoir plus",
        "más información",
        "saiba mais",
        "scopri di più",
    ];
    if EXACT.contains(&k) {
        return true;
    }
    // Gallery counters: "Image 1 of 13", "1 of 6", "1/12".
    let toks = tokens(k);
    let numeric = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    match toks.as_slice() {
        [a, "of", b] if numeric(a) && numeric(b) => true,
        [w, a, "of", b]
            if numeric(a)
                && numeric(b)
                && matches!(
                    *w,
                    "image" | "photo" | "slide" | "picture" | "video" | "bild" | "foto"
                ) =>
        {
            true
        }
        _ => {
            // "Reading time: 3 minutes", "5 min read"
            (k.starts_with("reading time")
                || k.ends_with("min read")
                || k.ends_with("minute read")
                || k.ends_with("minutes read")
                || k.starts_with("lesezeit")
                || k.starts_with("temps de lecture"))
                && toks.iter().any(|t| numeric(t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv(s: &str) -> LineView {
        LineView::new(s)
    }

    #[test]
    fn advertisements() {
        for s in [
            "Advertisement",
            "ADVERTISEMENT",
            "- Advertisement -",
            "[Advertisement]",
            "Story continues below advertisement",
            "Advertisement - scroll to continue",
            "Werbung",
            "Publicité",
            "广告",
            "Anzeige",
            "Sponsored content",
            "Article continues after advertisement",
            "Article continues below this ad",
            "Story continues after the ad",
        ] {
            assert!(is_advertisement(&lv(s)), "{s}");
        }
        for s in [
            "Advertisement spending has been falling for several years, according to industry figures.",
            "Ad hoc talks resumed",
            "The ad was pulled",
        ] {
            assert!(!is_advertisement(&lv(s)), "{s}");
        }
    }

    #[test]
    fn share_prompts() {
        for s in [
            "Share this article",
            "Share on Facebook",
            "Share via Email",
            "Share this:",
            "Share",
            "SHARE THIS STORY",
            "Share on Facebook Share on Twitter Share via Email",
            "Tweet",
            "Follow us on Twitter",
            "Artikel teilen",
            "Partager cet article",
            "Compartir",
            "Share on WhatsApp",
            "Email this article",
            "Print this article",
        ] {
            assert!(is_share_prompt(&lv(s)), "{s}");
        }
        for s in [
            "Share prices in the sector fell after the announcement, before recovering in afternoon trading.",
            "Facebook shares fell 5%.",
            "Share of voters who turned out",
        ] {
            assert!(!is_share_prompt(&lv(s)), "{s}");
        }
    }

    #[test]
    fn comments() {
        for s in [
            "Leave a comment",
            "Comments (12)",
            "Be the first to comment",
            "Join the conversation",
            "View comments",
            "23 comments",
            "Leave a Reply",
            "Kommentare",
            "Show comments",
            "Add a comment",
        ] {
            assert!(is_comments_prompt(&lv(s)), "{s}");
        }
        for s in [
            "Comments made earlier in the week had already drawn criticism from opposition politicians.",
            "No comment, he said.",
        ] {
            assert!(!is_comments_prompt(&lv(s)), "{s}");
        }
    }

    #[test]
    fn newsletters() {
        for s in [
            "Sign up for our daily newsletter",
            "Sign up for our newsletter to get the day's top stories in your inbox.",
            "Get the latest headlines delivered to your inbox. Subscribe now.",
            "Subscribe to the Harbor Ledger newsletter",
            "Want the news first? Sign up for breaking news alerts.",
            "Sign up for Metro's free email briefing",
            "Never miss a story: get our morning briefing",
            "Newsletter abonnieren",
            "Inscrivez-vous à notre newsletter",
        ] {
            assert!(is_newsletter_prompt(&lv(s)), "{s}");
        }
        for s in [
            "The newsletter's editor, who asked not to be named, said readers had raised the issue for months.",
            "Sign-up rates for the programme were lower than expected, officials admitted.",
            "Subscribers to the service complained about prices.",
        ] {
            assert!(!is_newsletter_prompt(&lv(s)), "{s}");
        }
    }

    #[test]
    fn cookies_and_copyright() {
        assert!(is_cookie_notice(&lv(
            "We use cookies to improve your experience on our site. By continuing to browse, you agree to our use of cookies."
        )));
        assert!(is_cookie_notice(&lv(
            "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten."
        )));
        assert!(!is_cookie_notice(&lv(
            "The bakery sold 400 cookies on Saturday."
        )));
        for s in [
            "© 2018 Reuters. All rights reserved.",
            "Copyright 2017 The Harbor Ledger. All rights reserved.",
            "Copyright © 2019 Meridian Media Group",
            "© Copyright 2016 AFP",
            "All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
            "(c) 2020 Global Newswire Ltd.",
            "Alle Rechte vorbehalten.",
        ] {
            assert!(is_copyright(&lv(s)), "{s}");
        }
        for s in [
            "Critics say current copyright law was written long before cases like this one could have been imagined.",
            "All rights to the property were transferred to the local authority in the 1990s, records show.",
            "Copyright law was changed in 2019.",
        ] {
            assert!(!is_copyright(&lv(s)), "{s}");
        }
    }

    #[test]
    fn notices() {
        for s in [
            "This article was published from a syndicated feed.",
            "This story has been published from a wire agency feed without modifications to the text. Only the headline has been changed.",
            "(This story has not been edited by The Harbor Ledger and is published from a syndicated feed.)",
            "Syndicated content: Midvale Courier is not responsible for the text of this article.",
        ] {
            assert!(is_syndication_notice(&lv(s)), "{s}");
        }
        assert!(!is_syndication_notice(&lv(
            "Police said the crime syndicate ran the port for years."
        )));
        for s in [
            "This article was originally published on The Conversation.",
            "This article originally appeared on Lakeshore Post.",
            "Originally published at Riverbend Gazette.",
            "This story was originally published by ProPublica.",
            "Originally published on The Daily Meridian on March 18, 2017.",
            "This article is republished from The Conversation under a Creative Commons license.",
            "A version of this story first appeared on Vox.",
        ] {
            assert!(is_origin_notice(&lv(s)), "{s}");
        }
        assert!(!is_origin_notice(&lv(
            "Originally published in a small regional paper, the allegations were later picked up by national media."
        )));
    }

    #[test]
    fn wire_credits() {
        for s in [
            "(Reporting by Jane Mercer; Editing by Tomas Okafor)",
            "(Reporting by Jane Mercer in Washington; Editing by Tomas Okafor and Priya Raman)",
            "Jane Mercer contributed to this report.",
            "Reuters contributed to this report.",
            "Additional reporting by AFP.",
            "ABC News' Jane Doe and John Roe contributed to this report.",
            "- Reuters",
        ] {
            assert!(is_wire_credit(&lv(s)), "{s}");
        }
        for s in [
            "The reporting by the newspaper was criticised by the minister.",
            "rs/rc (AP, AFP)",
            "jm/sms (dpa, Reuters)",
        ] {
            assert!(!is_wire_credit(&lv(s)), "{s}");
        }
    }

    #[test]
    fn image_credits() {
        for s in [
            "Photo: Reuters",
            "(Photo: Jane Mercer/AFP)",
            "Image copyright Getty Images",
            "Photograph: Jane Mercer/EPA",
            "PHOTO: AP Photo",
            "Photo by Jane Mercer / Getty Images",
            "Image: AFP",
            "Credit: Jamie McCarthy/Getty Images",
            "Jamie McCarthy/Getty Images",
            "Diana wore the gown in Florence, Italy, in April 1985. (Valerie Macon / AFP / Getty Images)",
            "The dress that Princess Diana wore in Italy in 1985 has broken a record at auction. (Getty Images / Getty Images)",
            "Rescue workers search the rubble in the town centre (Photo: Jane Doe)",
            "Protesters gather outside parliament on Monday. (AP Photo/Jane Doe)",
            "(AP Photo/Evan Vucci)",
            "Bild: dpa",
            "Screenshot: Kotaku / Capcom",
            "Image caption Protesters gathered outside the court",
        ] {
            assert!(is_image_credit(&lv(s)), "{s}");
        }
        for s in [
            "Photo identification rules were also discussed at the meeting.",
            // An agency closing a sentence of story is not a caption's credit.
            "Thousands marched through the capital on Sunday, police said (Reuters).",
            "Thousands marched through the capital on Sunday, police said (AFP)",
            "The agency licensed the picture to several outlets (Getty, for one)",
        ] {
            assert!(!is_image_credit(&lv(s)), "{s}");
        }
    }

    #[test]
    fn tags() {
        for s in [
            "Tags: North Korea, South Korea, Diplomacy",
            "TAGS: Trump, Kim",
            "Filed under: Politics, World",
            "Tags North Korea, Nuclear talks",
            "Topics: Health",
        ] {
            assert!(is_tags(&lv(s)), "{s}");
        }
        assert!(!is_tags(&lv(
            "Tags attached to the shipment showed it had left the port several weeks earlier."
        )));
    }

    #[test]
    fn bylines() {
        let b = |s: &str| parse_byline(s);
        assert_eq!(b("By Jane Doe"), Some(vec!["Jane Doe".into()]));
        assert_eq!(
            b("By Jane Doe and John Roe"),
            Some(vec!["Jane Doe".into(), "John Roe".into()])
        );
        assert_eq!(b("By JANE DOE"), Some(vec!["JANE DOE".into()]));
        assert_eq!(b("Jane Doe, Staff Writer"), Some(vec!["Jane Doe".into()]));
        assert_eq!(
            b("JANE DOE, Associated Press"),
            Some(vec!["JANE DOE".into()])
        );
        assert_eq!(
            b("By Jane Doe | March 18, 2017"),
            Some(vec!["Jane Doe".into()])
        );
        assert_eq!(
            b("By Jane Doe, The Harbor Ledger"),
            Some(vec!["Jane Doe".into()])
        );
        assert_eq!(
            b("By Jane Doe on March 18, 2017"),
            Some(vec!["Jane Doe".into()])
        );
        assert_eq!(b("Von Anna Schmidt"), Some(vec!["Anna Schmidt".into()]));
        assert_eq!(
            b("Meg Kinnard and Errin Haines, Associated Press"),
            Some(vec!["Meg Kinnard".into(), "Errin Haines".into()])
        );
        assert_eq!(
            b("By Ludwig van Beethoven"),
            Some(vec!["Ludwig van Beethoven".into()])
        );
        assert_eq!(
            b("By the end of the day, no further statement had been issued."),
            None
        );
        assert_eq!(b("By 2030 the city will be carbon neutral."), None);
        assert_eq!(
            b("Julia Novak, Senior Reporter"),
            Some(vec!["Julia Novak".into()])
        );
    }

    #[test]
    fn author_bios() {
        for s in [
            "Jim Walsh is a senior reporter for the Courier-Post, Burlington County Times and The Daily Journal. Email: jwalsh@example.com.",
            "Kent German is a News Editor at SFGATE. A California native, he's a USF graduate and a veteran of CNET.",
            "Dallas Robinson is a freelance writer living in Minneapolis",
            "Tomas Franzese is a Staff Writer at Digital Trends, where he reports on and reviews the latest releases.",
            "Ana María López is a correspondent in Madrid.",
        ] {
            assert!(is_author_bio(&lv(s)), "{s}");
        }
        for s in [
            "Jim Walsh said the council would meet again next week.",
            "The Reporter is a weekly paper founded in 1890.",
            "Maria Ressa is a Nobel laureate who founded the news site Rappler in 2012.",
            "Police said the driver is a 22-year-old woman from Bridgeton.",
        ] {
            assert!(!is_author_bio(&lv(s)), "{s}");
        }
    }

    #[test]
    fn date_lines() {
        for s in [
            "Published March 18, 2017",
            "Published: March 18, 2017 3:45 PM",
            "Updated 3:45 PM ET, March 18, 2017",
            "Posted on 2017-03-18",
            "Veröffentlicht am 18.03.2017",
            "| UPDATED: 10:43, Tue, Nov 19, 2019",
            "· Published 18 March 2017",
        ] {
            assert!(is_date_line(&lv(s)), "{s}");
        }
        assert!(!is_date_line(&lv(
            "Published reports said the minister would resign."
        )));
        assert!(is_bare_date(&lv("September 10, 2018 |")));
        assert!(!is_bare_date(&lv("September was warm.")));
    }

    #[test]
    fn related_links_and_headers() {
        for s in [
            "More news: Korean delegation embarks on Pyongyang trip for summit anniversary",
            "Read more: Fierce gunfight outside Mosul airport",
            "READ MORE: Islamic State battle",
            "Related: Why the vote matters",
            "Also on The Harbor Ledger: Storm hits coast",
            "More news - Theresa May dances on stage",
            "Lesen Sie mehr: Die Wahl",
            "Lire aussi : Le vote",
            "Leer más: La votación",
            "相关阅读：北京新闻",
            "Don't miss: The best photos of the week",
            "WATCH: Protesters clash with police",
        ] {
            assert!(is_related_link(&lv(s)), "{s}");
        }
        for s in [
            "\"Read more about it in the report,\" she said.",
            "More news on the negotiations is expected later this week, a spokesperson said.",
            "Related to the dispute, officials said a separate review of the case would be completed later this year.",
            "The score: 3-1 to the visitors.",
        ] {
            assert!(!is_related_link(&lv(s)), "{s}");
        }
        for s in [
            "Related Articles",
            "Related Articles:",
            "Related stories",
            "RELATED STORIES",
            "Latest News",
            "Top Stories",
            "Related coverage",
            "More from The Harbor Ledger",
            "Sur le même sujet",
            "Weitere Nachrichten",
            "相关新闻",
        ] {
            assert!(is_block_header(&lv(s)), "{s}");
        }
        assert!(!is_block_header(&lv(
            "Top stories were dominated by the election."
        )));
    }

    #[test]
    fn furniture() {
        for s in [
            "Image 1 of 13",
            "1 of 6",
            "Skip to content",
            "5 min read",
            "Close",
        ] {
            assert!(is_other_furniture(&lv(s)), "{s}");
        }
        assert!(!is_other_furniture(&lv(
            "One of six people injured was released."
        )));
    }

    proptest::proptest! {
        /// Against the test it replaced, which built three strings per role word.
        #[test]
        fn role_words_are_found_as_by_formatted_patterns(role in "[a-d ]{0,12}|(staff|chief|ap|bbc news| |x){0,4}", r in "[a-d]{1,3}|staff|ap|bbc news") {
            let by_format = role == r
                || role.contains(&format!("{r} "))
                || role.ends_with(&format!(" {r}"))
                || role.starts_with(&format!("{r} "));
            proptest::prop_assert_eq!(names_role_word(&role, &r), by_format);
        }

        /// Against the search per separator it replaced.
        #[test]
        fn a_label_splits_where_the_searches_did(key in "([a-c]|:| - | \\| | » | >> | > | · | >|>> | |-){0,12}", max in 0usize..4) {
            let mut best: Option<(usize, usize)> = None;
            for sep in [":", " - ", " | ", " » ", " >> ", " > ", " · "] {
                if let Some(i) = key.find(sep)
                    && best.is_none_or(|(b, _)| i < b)
                {
                    best = Some((i, sep.len()));
                }
            }
            let expected = best.and_then(|(i, len)| {
                let label = key[..i].trim();
                let n = label.split(' ').filter(|w| !w.is_empty()).count();
                (n >= 1 && n <= max).then_some((label, key[i + len..].trim()))
            });
            proptest::prop_assert_eq!(split_label(&key, max), expected);
        }
    }
}
