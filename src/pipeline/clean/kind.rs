//! The kinds of boilerplate (SPEC `removed[].kind`).

/// One kind of boilerplate, as SPEC names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    TitleRepeat,
    RelatedLink,
    RelatedBlock,
    WireCredit,
    Copyright,
    SyndicationNotice,
    OriginNotice,
    SharePrompt,
    NewsletterPrompt,
    Advertisement,
    ImageCredit,
    Byline,
    Tags,
    CommentsPrompt,
    CookieNotice,
    SourceFooter,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::TitleRepeat,
        Kind::RelatedLink,
        Kind::RelatedBlock,
        Kind::WireCredit,
        Kind::Copyright,
        Kind::SyndicationNotice,
        Kind::OriginNotice,
        Kind::SharePrompt,
        Kind::NewsletterPrompt,
        Kind::Advertisement,
        Kind::ImageCredit,
        Kind::Byline,
        Kind::Tags,
        Kind::CommentsPrompt,
        Kind::CookieNotice,
        Kind::SourceFooter,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::TitleRepeat => "title_repeat",
            Kind::RelatedLink => "related_link",
            Kind::RelatedBlock => "related_block",
            Kind::WireCredit => "wire_credit",
            Kind::Copyright => "copyright",
            Kind::SyndicationNotice => "syndication_notice",
            Kind::OriginNotice => "origin_notice",
            Kind::SharePrompt => "share_prompt",
            Kind::NewsletterPrompt => "newsletter_prompt",
            Kind::Advertisement => "advertisement",
            Kind::ImageCredit => "image_credit",
            Kind::Byline => "byline",
            Kind::Tags => "tags",
            Kind::CommentsPrompt => "comments_prompt",
            Kind::CookieNotice => "cookie_notice",
            Kind::SourceFooter => "source_footer",
            Kind::Other => "other",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
