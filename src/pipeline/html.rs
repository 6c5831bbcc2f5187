//! Main text and page metadata from raw HTML, for articles that arrive with `html` and no `text`.

use dom_smoothie::{Config, Readability, TextMode};

/// Pages with more elements than this are not scored element by element (bounds the work on
/// hostile pages; real article pages have a few thousand).
const MAX_ELEMENTS: usize = 200_000;

/// What a page yields: its main text and what it declares about itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HtmlExtract {
    pub text: String,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
}

/// Extracts the main text (paragraphs separated by blank lines) and the declared metadata.
/// A page whose article cannot be found yields an empty text, which the pipeline rejects as
/// `empty_after_cleaning`.
pub fn extract(html: &str, url: Option<&str>) -> HtmlExtract {
    let cfg = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    // A relative or broken URL must not cost us the article: retry without it.
    let reader = Readability::new(html, url, Some(cfg.clone()))
        .or_else(|_| Readability::new(html, None, Some(cfg)));
    let Ok(mut reader) = reader else {
        return HtmlExtract::default();
    };
    match reader.parse() {
        Ok(article) => HtmlExtract {
            text: article.text_content.to_string(),
            title: Some(article.title).filter(|t| !t.trim().is_empty()),
            authors: article
                .byline
                .map(|b| vec![b.trim().to_string()])
                .unwrap_or_default()
                .into_iter()
                .filter(|b| !b.is_empty())
                .collect(),
            published: article.published_time,
            lang: article.lang,
        },
        Err(_) => HtmlExtract::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_paragraphs_and_title() {
        let body = "<p>The council approved the new budget on Tuesday after a long debate about \
                    schools, roads and the harbour, which had been delayed for months.</p>"
            .repeat(4);
        let html = format!(
            "<html><head><title>Budget passes - Town News</title></head><body><nav>Home | News</nav>\
             <article><h1>Budget passes</h1>{body}</article><footer>Copyright 2024</footer></body></html>"
        );
        let x = extract(&html, Some("https://news.example/budget"));
        assert!(x.text.contains("The council approved the new budget"));
        assert!(!x.text.contains("Copyright 2024"));
        assert!(x.title.is_some());
    }

    #[test]
    fn garbage_yields_empty() {
        assert_eq!(
            extract("<html><body><script>x()</script></body></html>", None)
                .text
                .trim(),
            ""
        );
        assert_eq!(extract("", Some("not a url")).text.trim(), "");
    }
}
