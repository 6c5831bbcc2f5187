//! Pages that run on into the next stories.
//!
//! Infinite-scroll sites ship the requested story followed by several more, each a full
//! `<article>` beside it under one parent. Readability then takes the parent as the article
//! and the text runs on through every story. The requested story is the `<article>` whose own
//! headline is the page's headline; its sibling articles with text of their own are other
//! stories, and go before extraction. Nothing changes on a page whose headline no article
//! element carries, or whose article has no such siblings (teaser cards are short and stay).

use dom_query::{Document, NodeRef, Selection};

/// Text a sibling `<article>` must carry to be a story rather than a teaser card.
const STORY_TEXT: usize = 800;
/// Article elements examined (bounds the work on hostile pages).
const MAX_ARTICLES: usize = 200;

/// Removes the stories that follow (or precede) the page's own story; returns how many.
pub fn remove(doc: &Document, headlines: &[&str]) -> usize {
    let wanted: Vec<String> = headlines
        .iter()
        .map(|h| words(h))
        .filter(|h| h.len() >= 12)
        .collect();
    if wanted.is_empty() {
        return 0;
    }
    let articles = doc.select("article");
    if articles.length() < 2 {
        return 0;
    }
    // The innermost article carrying the headline: a feed's wrapper is an article too, and
    // its first heading is the first story's. A header-only article (its body in a sibling)
    // is not the story.
    let Some(main) = articles
        .nodes()
        .iter()
        .take(MAX_ARTICLES)
        .filter(|a| own_headline(a).is_some_and(|h| wanted.iter().any(|w| same_headline(&h, w))))
        .rfind(|a| text_len(a) >= STORY_TEXT)
        .copied()
    else {
        return 0;
    };
    let Some(parent) = main.parent() else {
        return 0;
    };
    let others: Vec<NodeRef> = parent
        .children_it(false)
        .filter(|c| c.id != main.id && is_article(c) && text_len(c) >= STORY_TEXT)
        .collect();
    for node in &others {
        Selection::from(*node).remove();
    }
    others.len()
}

/// Characters of text under a node, whitespace aside.
fn text_len(node: &NodeRef) -> usize {
    node.text().split_whitespace().map(str::len).sum()
}

fn is_article(node: &NodeRef) -> bool {
    node.node_name().is_some_and(|n| n.as_ref() == "article")
}

/// The first `h1` or `h2` inside an article, as lower-case words.
fn own_headline(article: &NodeRef) -> Option<String> {
    let heading = Selection::from(*article).select("h1, h2");
    let first = heading.nodes().first()?;
    Some(words(&first.text())).filter(|h| !h.is_empty())
}

/// Lower-case alphanumeric words joined by single spaces.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A heading is the page's headline when one holds the other (titles carry a site suffix).
fn same_headline(heading: &str, headline: &str) -> bool {
    heading.len() >= 12 && (headline.contains(heading) || heading.contains(headline))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(headline: &str, sentence: &str) -> String {
        format!(
            "<article class=post><h1>{headline}</h1>{}</article>",
            format!("<p>{sentence}</p>").repeat(24)
        )
    }

    #[test]
    fn the_stories_after_the_requested_one_go() {
        // The feed's wrapper is an article whose first heading is the first story's.
        let html = format!(
            "<main><article class=feed><div class=posts>{}{}{}</div></article></main>",
            story(
                "Police search a school for a book",
                "An officer went to the school to find one book."
            ),
            story(
                "Giuliani files for bankruptcy",
                "The filing lists debts far above the assets."
            ),
            story(
                "Court removes candidate from ballot",
                "The ruling may have implications elsewhere."
            ),
        );
        let doc = Document::from(html.as_str());
        assert_eq!(
            remove(&doc, &["Police search a school for a book | The Site"]),
            2
        );
        let text = doc.select("body").text();
        assert!(text.contains("one book"));
        assert!(!text.contains("Giuliani") && !text.contains("ballot"));
    }

    #[test]
    fn teaser_cards_and_pages_without_a_matching_article_stay() {
        let html = format!(
            "<main>{}<article><h2>Another story</h2><p>A short teaser.</p></article></main>",
            story(
                "Police search a school for a book",
                "An officer went to the school to find one book."
            ),
        );
        let doc = Document::from(html.as_str());
        assert_eq!(remove(&doc, &["Police search a school for a book"]), 0);
        assert!(doc.select("body").text().contains("A short teaser"));

        let html = format!(
            "<main>{}{}</main>",
            story(
                "First story of a list page",
                "Some text of the first story here."
            ),
            story(
                "Second story of a list page",
                "Some text of the second story here."
            ),
        );
        let doc = Document::from(html.as_str());
        assert_eq!(remove(&doc, &["The list page's own headline"]), 0);

        assert_eq!(remove(&doc, &[]), 0);
        assert!(doc.select("body").text().contains("second story"));

        // A header article carrying the headline, its body in the next article.
        let html = format!(
            "<main><article id=header><h1>Startup challenge finalists named</h1><p>By Jo</p></article>{}</main>",
            story(
                "Finalists",
                "The finalists pitch their companies to the judges in January."
            ),
        );
        let doc = Document::from(html.as_str());
        assert_eq!(remove(&doc, &["Startup challenge finalists named"]), 0);
    }
}
